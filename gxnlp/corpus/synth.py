"""Synthetic reports with known answers, for scale tests, benchmarks and the boilerplate test.

Real corpora are too small (and unlabelled) to measure speed at 100k reports or the recall
of copy detection, so this module writes reports that follow the seeds' structure (the six
sections and three tables of the 2021 template) with everything recorded: the agency behind
each name variant, the table values, the planted arithmetic errors and the checks they must
fail, and the lineage of every narrative sentence (fresh, reused from the agency's previous
year, or copied from another agency). Phrase pools are data: gxnlp/data/synth.toml.

    corpus = generate(200, seed=1)
    write_corpus(corpus, "out/synth")        # *.txt + manifest.jsonl + copies.jsonl
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from gxnlp import rules

LAYOUTS = ("tab", "cells", "pipe")
YEARS = (2021, 2022, 2023, 2024)
APPLICANTS = 6

T3_RESULT_ROWS = rules.TABLE3_ROWS[2:23]
ERROR_KINDS = ("t3_row_total", "t3_results", "t3_balance", "t4_total", "claim", "sum")


@dataclass
class SynthAgency:
    id: str
    province: str
    city: str
    county: str
    unit: str  # canonical unit, e.g. 钟村街道 / 民政局
    long_unit: str  # as printed in full, e.g. 钟村街道办事处
    kind: str  # township | town | department
    short: str  # how the body text names it
    categories: list[str] = field(default_factory=list)
    channel: str = ""

    def variants(self) -> list[str]:
        """Printed names of this agency (all one body): full, with county, bare."""
        if self.kind == "department":
            return [f"{self.county}{self.long_unit}", f"{self.city}{self.county}{self.long_unit}",
                    f"{self.province}{self.county}{self.long_unit}"]
        return [f"{self.city}{self.county}{self.long_unit}", f"{self.county}{self.long_unit}", self.long_unit,
                self.unit]


@dataclass
class SynthSentence:
    section: str
    text: str
    lineage: str  # "L<n>" narrative (shared by self-reuse and copies), "T:", "F:", "C:" fixed wording
    origin: str  # fresh | self | copy | template | formula | common


@dataclass
class SynthReport:
    file_name: str
    agency_id: str
    agency_printed: str
    year: int
    layout: str
    text: str = ""
    tables: dict = field(default_factory=dict)
    expected_checks: dict = field(default_factory=dict)
    planted_errors: list = field(default_factory=list)
    sentences: list = field(default_factory=list)
    paragraphs: list = field(default_factory=list)  # lists of sentence lineages printed as one line
    sections: dict = field(default_factory=dict)  # section key → text under its heading (as the parser reads it)

    def manifest(self) -> dict:
        d = asdict(self)
        d.pop("text")
        d.pop("sections")
        d["sentences"] = [[s.section, s.text, s.lineage, s.origin] for s in self.sentences]
        return d


@dataclass
class SynthCorpus:
    reports: list[SynthReport]
    agencies: dict[str, SynthAgency]
    copies: list[dict]  # planted cross-agency copies: copier, origin, lineage, unit, text


# --- agencies ------------------------------------------------------------------------------

def make_agencies(count: int, rng: random.Random, pools) -> list[SynthAgency]:
    chars = pools["place_chars"]
    used: set[str] = set()

    def place() -> str:
        while True:
            name = rng.choice(chars) + rng.choice(chars)
            if name not in used:
                used.add(name)
                return name

    out = []
    counties: list[tuple[str, str, str]] = []
    used_departments: set[tuple[str, str]] = set()
    for i in range(count):
        if not counties or rng.random() < 0.15:
            province = rng.choice(pools["provinces"])
            counties.append((province, place() + form()["city_suffix"], place() + rng.choice(form()["county_suffixes"])))
        province, city, county = rng.choice(counties)
        r = rng.random()
        free = [d for d in pools["departments"] if (county, d) not in used_departments]
        if r < 0.3 and free:
            dept = rng.choice(free)
            used_departments.add((county, dept))
            agency = SynthAgency(f"A{i:06d}", province, city, county, dept, dept, "department", dept)
        else:
            kind = "township" if r < 0.65 else "town"
            short_suffix, long_suffix = pools["township_suffixes"][0 if kind == "township" else rng.choice([1, 2])]
            if len(used) > len(chars) ** 2 * 0.9:  # large corpora reuse names, like real ones do
                used.clear()
            base = place()
            agency = SynthAgency(f"A{i:06d}", province, city, county, base + short_suffix, base + long_suffix, kind,
                                 base + short_suffix)
        agency.categories = rng.sample(list(pools["disclosure_categories"]), 4)
        agency.channel = rng.choice(pools["channels"]).format(short=agency.short, county=county)
        out.append(agency)
    return out


# --- tables --------------------------------------------------------------------------------

def make_tables(rng: random.Random) -> dict:
    heavy = rng.random() < 0.2
    new = [rng.randint(0, 40 if heavy else 8)] + [rng.choice([0, 0, 0, rng.randint(0, 4)])
                                                  for _ in range(APPLICANTS - 1)]
    carried = [rng.choice([0, 0, rng.randint(0, 3)]) for _ in range(APPLICANTS)]
    forward = [rng.randint(0, min(2, n + c)) if rng.random() < 0.3 else 0 for n, c in zip(new, carried)]
    weights = {"granted": 5, "partially_granted": 2, "unavailable_not_held": 4, "rejected_petition": 1,
               "rejected_duplicate": 1, "other_no_correction": 1, "denied_third_party": 0.5,
               "denied_process_info": 0.5, "unavailable_needs_creation": 0.5, "other_other": 0.5}
    keys, w = list(weights), list(weights.values())
    results = {k: [0] * APPLICANTS for k in T3_RESULT_ROWS}
    for col in range(APPLICANTS):
        for _ in range(new[col] + carried[col] - forward[col]):
            results[rng.choices(keys, w)[0]][col] += 1
    t3 = {"new_received": new, "carried_over": carried, **results,
          "total_processed": [new[c] + carried[c] - forward[c] for c in range(APPLICANTS)],
          "carried_forward": forward}
    t3 = {k: v + [sum(v)] for k, v in t3.items()}
    t3["other_processing"] = None
    t4 = {}
    for group in rules.TABLE4_GROUPS:
        parts = [rng.choice([0, 0, 0, rng.randint(0, 3)]) for _ in range(4)]
        t4[group] = parts + [sum(parts)]
    t2 = {"format": "2021",
          "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
          "normative_documents": {"issued": rng.randint(0, 5), "repealed": rng.randint(0, 2),
                                  "in_force": rng.randint(0, 40)},
          "licensing": rng.randint(0, 300), "penalty": rng.randint(0, 800), "coercion": rng.randint(0, 100),
          "fees_10k_yuan": rng.choice([0, 0, round(rng.uniform(0, 500), 2)])}
    return {"table2": t2, "table3": t3, "table4": t4}


def plant_error(tables: dict, kind: str, rng: random.Random) -> dict:
    """Change one number so that a known rule breaks; returns what was changed."""
    t3, t4 = tables["table3"], tables["table4"]
    delta = rng.choice([1, 2, 3, 5, 10])
    if kind == "t3_row_total":
        row = rng.choice(["new_received", "carried_over", "granted", "unavailable_not_held"])
        t3[row][6] += delta
        return {"kind": kind, "cell": f"table3.{row}.total", "delta": delta}
    if kind == "t3_results":  # a result row and its total both off: row totals hold, the column sums do not
        row = rng.choice(["granted", "partially_granted", "unavailable_not_held"])
        t3[row][0] += delta
        t3[row][6] += delta
        return {"kind": kind, "cell": f"table3.{row}.natural_person", "delta": delta}
    if kind == "t3_balance":  # carried_forward off in one column (and its total): the 勾稽关系 fails
        t3["carried_forward"][0] += delta
        t3["carried_forward"][6] += delta
        return {"kind": kind, "cell": "table3.carried_forward.natural_person", "delta": delta}
    if kind == "t4_total":
        group = rng.choice(rules.TABLE4_GROUPS)
        t4[group][4] += delta
        return {"kind": kind, "cell": f"table4.{group}.total", "delta": delta}
    if kind in ("claim", "sum"):
        return {"kind": kind, "delta": delta}
    raise ValueError(kind)


def expected_checks(tables: dict, errors: list[dict]) -> dict:
    """The four arithmetic checks and the two narrative checks, computed independently of gxnlp.checks."""
    t3, t4 = tables["table3"], tables["table4"]
    rows = [k for k in rules.TABLE3_ROWS if t3.get(k) is not None]
    row_ok = all(sum(t3[k][:6]) == t3[k][6] for k in rows)
    results_ok = all(sum(t3[k][c] for k in T3_RESULT_ROWS) == t3["total_processed"][c] for c in range(7))
    balance_ok = all(t3["new_received"][c] + t3["carried_over"][c]
                     == t3["total_processed"][c] + t3["carried_forward"][c] for c in range(7))
    t4_ok = all(sum(v[:4]) == v[4] for v in t4.values())
    kinds = {e["kind"] for e in errors}
    status = lambda ok: "pass" if ok else "fail"  # noqa: E731
    return {"t3_row_totals": status(row_ok), "t3_results_total": status(results_ok),
            "t3_balance": status(balance_ok), "t4_totals": status(t4_ok),
            "claims_vs_tables": status("claim" not in kinds), "sums": status("sum" not in kinds)}


def fmt(v) -> str:
    if isinstance(v, float) and not v.is_integer():
        return f"{v:g}"
    return str(int(v))


def form():
    """The printed form of a report: labels, headers and headings (gxnlp/data/synth.toml [form])."""
    return rules.load("synth")["form"]


def table2_blocks(t2: dict) -> list[list[list[str]]]:
    values = {k: fmt(v) for k, v in t2.items() if isinstance(v, (int, float))}
    values.update({k: fmt(v) for k, v in t2["normative_documents"].items()})
    return [[[cell.format(**values) for cell in row] for row in block] for block in form()["table2_blocks"]]


def table3_grid(t3: dict) -> list[list[str]]:
    grid = [list(r) for r in form()["t3_header"]]
    for key, labels in form()["t3_labels"].items():
        grid.append(list(labels) + [fmt(v) for v in t3[key]])
    return grid


def table4_grid(t4: dict) -> list[list[str]]:
    values = [fmt(v) for g in rules.TABLE4_GROUPS for v in t4[g]]
    return [list(r) for r in form()["t4_header"]] + [values]


def render_grid(grid: list[list[str]], layout: str, labels: int = 0) -> str:
    """Rows of cells as tab-separated lines, markdown pipes, or one cell per line (seed 001)."""
    if layout == "tab":
        return "\n".join("\t".join(row) for row in grid)
    if layout == "pipe":
        lines = ["| " + " | ".join(row) + " |" for row in grid]
        lines.insert(1, "|" + "---|" * len(grid[0]))
        return "\n".join(lines).replace("|  |", "|  |")
    out = []
    for row in grid:
        cells = list(row)
        if labels:  # drop the empty label cells after the last printed label
            head, tail = cells[:labels], cells[labels:]
            while head and not head[-1]:
                head.pop()
            cells = head + tail
        out.append("\n".join("\t" + c for c in cells))
    return "\n\n".join(out)


# --- narrative -----------------------------------------------------------------------------

class Writer:
    """Writes one report's sentences, with lineage, reusing and copying as told."""

    def __init__(self, pools, rng: random.Random, counter: list[int]):
        self.pools, self.rng, self.counter = pools, rng, counter

    def fresh_id(self) -> str:
        self.counter[0] += 1
        return f"L{self.counter[0]}"

    def clauses(self, n: int) -> list[str]:
        p, rng = self.pools, self.rng
        verbs = rng.sample(list(p["clause_verbs"]), n)
        objects = rng.sample(list(p["clause_objects"]), n)
        return [v + o for v, o in zip(verbs, objects)]

    def clause_sentence(self, subj: str, year: int) -> str:
        p, rng = self.pools, self.rng
        opener = rng.choice(p["openers"]).format(year=year, subj=subj)
        return f"{opener}{'，'.join(self.clauses(3))}，{rng.choice(p['purposes'])}。"

    def problem_item(self) -> str:
        p, rng = self.pools, self.rng
        return (rng.choice(p["problem_areas"]) + rng.choice(p["problem_aspects"]) + rng.choice(p["problem_degrees"])
                + "，" + self.clauses(1)[0] + rng.choice(p["problem_tails"]))


def subject(agency: SynthAgency, pools, rng) -> str:
    return rng.choice(pools["subjects"][agency.kind]).format(short=agency.short)


NARRATIVE_SLOTS = ("intro", "management.0", "management.1", "platform.0", "platform.1", "supervision.0",
                   "supervision.1", "problem.0", "problem.1", "problem.2", "measures")


def write_report(agency: SynthAgency, year: int, rng: random.Random, pools, counter, memory: dict,
                 donors: list, copies: list, *, self_reuse: float, copy_rate: float, error_rate: float,
                 file_name: str) -> SynthReport:
    w = Writer(pools, rng, counter)
    layout = rng.choice(LAYOUTS)
    printed = rng.choice(agency.variants())
    report = SynthReport(file_name, agency.id, printed, year, layout)
    tables = make_tables(rng)
    errors = []
    if rng.random() < error_rate:
        errors.append(plant_error(tables, rng.choice(ERROR_KINDS), rng))
    report.tables, report.planted_errors = tables, errors
    report.expected_checks = expected_checks(tables, errors)

    # narrative slots: fresh, reused from this agency's previous report, or copied from another agency
    slots: dict[str, SynthSentence] = {}
    previous = memory.get(agency.id)
    section_of = {"intro": "overview", "management": "overview", "platform": "overview", "supervision": "overview",
                  "problem": "problems", "measures": "problems"}
    for slot in NARRATIVE_SLOTS:
        section = section_of[slot.split(".")[0]]
        if previous and slot in previous and rng.random() < self_reuse:
            old = previous[slot]
            text = old.text.replace(str(previous["_year"]), str(year))
            slots[slot] = SynthSentence(section, text, old.lineage, "self")
            continue
        if slot.startswith("problem"):
            text = form()["problem_item"].format(numeral=form()["item_numerals"][int(slot[-1])], item=w.problem_item())
        elif slot == "measures":
            text = pools["measures_intro"].format(subj=subject(agency, pools, rng)) + "，".join(w.clauses(3)) + "。"
        else:
            text = w.clause_sentence(subject(agency, pools, rng), year)
        slots[slot] = SynthSentence(section, text, w.fresh_id(), "fresh")

    if donors and rng.random() < copy_rate:
        donor_report, donor_agency = rng.choice(donors)
        if donor_agency.id != agency.id:
            paragraph = rng.random() < 0.3
            group = rng.choice(["management", "platform", "supervision"])
            targets = [f"{group}.0", f"{group}.1"] if paragraph else [rng.choice(
                [s for s in NARRATIVE_SLOTS if not s.startswith("problem")])]
            donor_slots = donor_report["_slots"]
            for slot in targets:
                src = donor_slots[slot]
                text = src.text.replace(donor_agency.short, agency.short).replace(
                    form()["year"].format(year=donor_report['_year']), form()["year"].format(year=year))
                slots[slot] = SynthSentence(src.section, text, src.lineage, "copy")
                copies.append({"copier": file_name, "origin": donor_report["_file"], "lineage": src.lineage,
                               "unit": "paragraph" if paragraph else "sentence", "slot": slot,
                               "copier_agency": agency.id, "origin_agency": donor_agency.id,
                               "text": text, "origin_text": src.text})

    memory[agency.id] = {**slots, "_year": year}
    report.text, report.sentences, report.paragraphs = render(agency, printed, year, layout, tables, errors, slots,
                                                              rng, pools)
    report.sections = section_texts(report.text)
    donors.append(({"_slots": slots, "_file": file_name, "_year": year}, agency))
    return report


def render(agency, printed, year, layout, tables, errors, slots, rng, pools):
    """The report text; returns (text, sentences, paragraphs)."""
    t3, t4 = tables["table3"], tables["table4"]
    sentences: list[SynthSentence] = []
    paragraphs: list[list[str]] = []
    claim_error = next((e["delta"] for e in errors if e["kind"] == "claim"), 0)
    sum_error = next((e["delta"] for e in errors if e["kind"] == "sum"), 0)
    subj = subject(agency, pools, rng)

    def fixed(section, text, lineage, origin):
        sentences.append(SynthSentence(section, text, lineage, origin))
        return text

    printed_form = form()
    headings = printed_form["headings"]
    title = rng.choice(printed_form["titles"]).format(printed=printed, year=year)
    gap = "\n\n" if rng.random() < 0.6 else "\n"
    out = [title, ""]
    out.append(headings["overview"])
    tmpl = []
    for i, t in enumerate(pools["template_sentences"]):
        if rng.random() < (0.9 if i == 0 else 0.55):
            tmpl.append(fixed("overview", t.format(year=year), f"T:{i}", "template"))
    sentences.append(slots["intro"])
    out.append(slots["intro"].text + "".join(tmpl))
    paragraphs.append([slots["intro"].lineage])

    cats = agency.categories
    parts = [rng.randint(1, 60) for _ in cats]
    total = sum(parts) + sum_error
    parts_text = printed_form["list_separator"].join(printed_form["category_count"].format(category=c, n=n)
                                                for c, n in zip(cats, parts))
    disclosure = pools["disclosure"].format(year=year, short=agency.short, channel=agency.channel, total=total,
                                            parts=parts_text)
    out.append(printed_form["disclosure_heading"] + fixed("overview", disclosure, f"F:disclosure:{agency.id}", "formula"))
    requests = pools["requests"].format(received=t3["new_received"][6] + claim_error, carried=t3["carried_over"][6],
                                        done=t3["total_processed"][6], forward=t3["carried_forward"][6])
    out.append(requests)
    fixed("overview", requests.split("。", 1)[1], "F:requests", "formula")
    for heading, group in zip(pools["subsections"], ("management", "platform", "supervision")):
        pair = [slots[f"{group}.0"], slots[f"{group}.1"]]
        sentences.extend(pair)
        paragraphs.append([s.lineage for s in pair])
        out.append(heading + "".join(s.text for s in pair))
    out += ["", headings["active_disclosure"], ""]
    out.append("\n\n".join(render_grid(b, layout) for b in table2_blocks(tables["table2"])) if layout != "tab"
               else "\n".join(render_grid(b, layout) for b in table2_blocks(tables["table2"])))
    out += ["", headings["requests"], "", render_grid(table3_grid(t3), layout, labels=3), ""]
    out += [headings["review_litigation"], ""]
    review_total = t4["review"][4]
    lit_total = t4["litigation_direct"][4] + t4["litigation_after_review"][4]
    out.append(fixed("review_litigation", pools["review"].format(review=review_total, litigation=lit_total),
                     "F:review", "formula"))
    out += ["", render_grid(table4_grid(t4), layout), ""]
    out.append(headings["problems"])
    problem_intro = pools["problems_intro"].format(subj=subj)
    items = [slots[f"problem.{i}"] for i in range(3)]
    fixed("problems", problem_intro, "C:problems_intro", "common")
    sentences.extend(items)
    out.append(problem_intro + "".join(s.text for s in items).rstrip("；") + "。")
    sentences.append(slots["measures"])
    out.append(slots["measures"].text)
    out.append(headings["other"])
    k = rng.choices(range(len(pools["fee_sentences"])), [0.5, 0.3, 0.2])[0]
    out.append(fixed("other", pools["fee_sentences"][k].format(year=year, subj=subj), f"C:fee{k}", "common"))
    out += ["", agency.variants()[0], printed_form["signature_date"].format(year=year + 1, day=rng.randint(5, 28)), ""]
    text = gap.join(line for line in out if line != "") if gap == "\n\n" else "\n".join(out)
    return text, sentences, paragraphs


def section_texts(text: str) -> dict[str, str]:
    """The text under each of the six headings (heading excluded), as gxnlp's parser reads it."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        key = {h: k for k, h in form()["headings"].items()}.get(line.strip())
        if key:
            current = key
            out[key] = []
        elif current:
            out[current].append(line)
    return {k: "\n".join(v).strip("\n") for k, v in out.items()}


def generate(n: int, seed: int = 0, *, years=YEARS, error_rate: float = 0.2, copy_rate: float = 0.15,
             self_reuse: float = 0.4, missing_rate: float = 0.15) -> SynthCorpus:
    """`n` reports of about n/3 agencies over `years`, some years missing, some numbers wrong."""
    rng = random.Random(seed)
    pools = rules.load("synth")
    per_agency = max(1.0, len(years) * (1 - missing_rate))
    agencies = make_agencies(int(n / per_agency) + 2, rng, pools)
    plan: list[tuple[int, SynthAgency]] = []
    for a in agencies:
        span = [y for y in years if rng.random() >= missing_rate] or [rng.choice(list(years))]
        plan.extend((y, a) for y in span)
    rng.shuffle(plan)
    plan = sorted(plan[:n], key=lambda p: (p[0], p[1].id))
    counter, memory, donors, copies, reports = [0], {}, [], [], []
    for i, (year, agency) in enumerate(plan):
        name = f"{i:06d}_{agency.id}_{year}.txt"
        reports.append(write_report(agency, year, rng, pools, counter, memory, donors, copies,
                                    self_reuse=self_reuse, copy_rate=copy_rate, error_rate=error_rate,
                                    file_name=name))
        if len(donors) > 2000:  # copy from recent reports only: bounded memory at 100k
            del donors[: len(donors) - 1000]
    return SynthCorpus(reports, {a.id: a for a in agencies}, copies)


def write_corpus(corpus: SynthCorpus, out_dir, *, nested: bool = False) -> list[Path]:
    """Write the reports as UTF-8 .txt files plus manifest.jsonl and copies.jsonl; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in corpus.reports:
        folder = out / str(r.year) if nested else out
        folder.mkdir(exist_ok=True)
        p = folder / r.file_name
        p.write_text(r.text, encoding="utf-8")
        paths.append(p)
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as f:
        for r in corpus.reports:
            f.write(json.dumps({**r.manifest(), "agency": asdict(corpus.agencies[r.agency_id])},
                               ensure_ascii=False) + "\n")
    with open(out / "copies.jsonl", "w", encoding="utf-8") as f:
        for c in corpus.copies:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    return paths


def main(argv: Optional[list[str]] = None) -> None:
    """python -m gxnlp.synth N OUT_DIR [--seed S]"""
    import argparse

    ap = argparse.ArgumentParser(description="Write N synthetic reports with a manifest.")
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--error-rate", type=float, default=0.2)
    args = ap.parse_args(argv)
    corpus = generate(args.n, args.seed, error_rate=args.error_rate)
    write_corpus(corpus, args.out_dir)
    print(f"{len(corpus.reports)} reports, {len(corpus.agencies)} agencies, {len(corpus.copies)} planted copies "
          f"→ {os.path.abspath(args.out_dir)}")


if __name__ == "__main__":  # pragma: no cover
    main()
