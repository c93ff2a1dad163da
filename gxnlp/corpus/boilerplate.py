"""Boilerplate: which passages of a corpus are reused, by whom, and how original each report is.

Users conflate three different things, which this module keeps apart:
- `template`: the national template's mandatory wording, found in most agencies' reports.
  Learned from the corpus by document frequency (share of agencies), not from a hand list.
- `shared`: reuse between particular agencies (a passage in 2 … 9 agencies' reports) —
  `common` is the middle ground: stock phrasing of many agencies, not of most.
- `own`: an agency reusing its own earlier reports.
Every reuse is a row of `boilerplate_matches` with both spans (report, section, offsets, text).

Method: sentences (the store's `sentences` table) and paragraphs (non-table lines of the
`sections` table) are normalised (NFKC, no whitespace or punctuation, digits → 0), exact
duplicates collapsed, then MinHash signatures of character 3-gram shingles are banded (LSH)
to find near-duplicate pairs, which are verified by their estimated Jaccard similarity and
joined into clusters (connected components). The MinHash is datasketch's `affine32` scheme
(its permutations for the seed; tests check the signatures equal datasketch's), computed
with numpy over all texts at once: datasketch's in-memory MinHashLSH keeps a Python dict
entry per band per text, which at 100k reports (≈3M sentences) needs far more than 4 GB.
Thresholds are data: gxnlp/data/boilerplate.toml (documented in docs/STORE.md).
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


from gxnlp import rules
from gxnlp.corpus.store import all_or_nothing

OUT_SUBDIR = "boilerplate"
KINDS = ("template", "common", "shared", "own", "unique")
NORMALISE_DROP = r"[\s\p{P}\p{S}]+"


@dataclass(frozen=True)
class Params:
    shingle: int
    num_perm: int
    seed: int
    threshold: float
    min_chars: int
    fp_weight: float
    fn_weight: float
    template_min_share: float
    template_min_agencies: int
    common_min_agencies: int
    formula_min_numbers: int

    @classmethod
    def for_unit(cls, unit: str, **overrides) -> "Params":
        d = rules.load("boilerplate")
        p = cls(d["shingle_chars"], d["num_perm"], d["seed"], d[unit]["threshold"], d[unit]["min_chars"],
                d["lsh"]["false_positive_weight"], d["lsh"]["false_negative_weight"],
                d["kinds"]["template_min_share"], d["kinds"]["template_min_agencies"],
                d["kinds"]["common_min_agencies"], d["kinds"]["formula_min_numbers"])
        return cls(**{**p.__dict__, **{k: v for k, v in overrides.items() if v is not None}})

    def bands(self) -> tuple[int, int]:
        try:
            from datasketch.lsh import _optimal_param

            return tuple(_optimal_param(self.threshold, self.num_perm, self.fp_weight, self.fn_weight))
        except ImportError:  # pragma: no cover - datasketch moved it
            r = max(1, round(self.num_perm / 10))
            return self.num_perm // r, r


# --- MinHash, numpy ------------------------------------------------------------------------

def fmix32(h):
    """MurmurHash3's finalizer (datasketch's pre-mix for the affine32 scheme)."""
    import numpy as np

    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hash(codes):
    """32-bit hash of shingles given as an (n, k) array of code points (injective key, then mixed)."""
    import numpy as np

    key = np.zeros(codes.shape[0], dtype=np.uint64)
    for j in range(codes.shape[1]):
        key = (key * np.uint64(0x110000)) + codes[:, j].astype(np.uint64)
    key ^= key >> np.uint64(33)
    key *= np.uint64(0xFF51AFD7ED558CCD)
    key ^= key >> np.uint64(33)
    key *= np.uint64(0xC4CEB9FE1A85EC53)
    key ^= key >> np.uint64(33)
    return (key & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def hash_bytes(b: bytes) -> int:
    """The same shingle hash for one shingle given as UTF-32-LE bytes (datasketch's `hashfunc`)."""
    import numpy as np

    codes = np.frombuffer(b, dtype="<u4").reshape(1, -1)
    return int(shingle_hash(codes)[0])


def permutations(num_perm: int, seed: int):
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return a.astype("uint32"), b.astype("uint32")


def codepoints(texts) -> tuple:
    """(code points of all texts concatenated, start offsets, lengths) for a pyarrow string array."""
    import numpy as np
    import pyarrow.compute as pc

    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64)
    joined = "".join(texts.to_pylist())
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return codes, starts, lengths


def signatures(texts, p: Params, block: int = 50_000, chunk_shingles: int = 250_000):
    """MinHash signatures (n × num_perm, uint32) of each text's set of character k-gram shingles.

    Texts are taken `block` at a time (their code points only exist for that block) and hashed
    `chunk_shingles` shingles at a time, so memory stays flat whatever the corpus size.
    """
    import numpy as np

    n_all = len(texts)
    a, b = permutations(p.num_perm, p.seed)
    sig = np.empty((n_all, p.num_perm), dtype=np.uint32)
    k = p.shingle
    for first in range(0, n_all, block):
        codes, starts, lengths = codepoints(texts.slice(first, block))
        n = len(lengths)
        counts = np.maximum(lengths - k + 1, 1)
        cum = np.cumsum(counts)
        i = 0
        while i < n:
            # a chunk of whole texts with about chunk_shingles shingles
            base = cum[i - 1] if i else 0
            j = min(n, i + max(1, int(np.searchsorted(cum[i:] - base, chunk_shingles, side="right"))))
            cnt = counts[i:j]
            total = int(cnt.sum())
            offs = np.zeros(len(cnt), dtype=np.int64)
            np.cumsum(cnt[:-1], out=offs[1:])
            pos = np.repeat(starts[i:j], cnt) + (np.arange(total) - np.repeat(offs, cnt))
            short = lengths[i:j] < k
            grams = np.empty((total, k), dtype=np.uint32)
            for c in range(k):
                grams[:, c] = codes[np.minimum(pos + c, len(codes) - 1)]
                if short.any():  # a text shorter than k is one shingle: itself, padded with 0
                    limit = np.repeat(starts[i:j] + lengths[i:j], cnt)
                    grams[:, c] = np.where(pos + c < limit, grams[:, c], 0)
            hv = fmix32(shingle_hash(grams))
            phv = hv[:, None] * a[None, :] + b[None, :]
            sig[first + i:first + j] = np.minimum.reduceat(phv, offs, axis=0)
            i = j
    return sig


def estimated_similarity(sig, x, y, chunk: int = 200_000):
    """Share of equal MinHash values of rows x[i] and y[i] (the Jaccard estimate)."""
    import numpy as np

    out = np.empty(len(x), dtype=np.float32)
    for s in range(0, len(x), chunk):
        out[s:s + chunk] = (sig[x[s:s + chunk]] == sig[y[s:s + chunk]]).mean(axis=1)
    return out


def near_duplicate_groups(sig, p: Params):
    """Cluster label per text: connected components of LSH candidate pairs that pass the threshold.

    In each band bucket every member is compared with the bucket's first member and with its
    neighbour in the bucket (linear in the bucket size: a template sentence's thousands of
    variants must not cost a quadratic number of comparisons).
    """
    import numpy as np

    n = sig.shape[0]
    nb, r = p.bands()
    src_all, dst_all = [], []
    for band in range(nb):
        cols = sig[:, band * r:(band + 1) * r].astype(np.uint64)
        h = np.full(n, 0xCBF29CE484222325, dtype=np.uint64)
        for c in range(cols.shape[1]):
            h = (h ^ cols[:, c]) * np.uint64(0x100000001B3)
        order = np.argsort(h, kind="stable")
        hs = h[order]
        same_prev = np.empty(n, dtype=bool)
        same_prev[0] = False
        same_prev[1:] = hs[1:] == hs[:-1]
        if not same_prev.any():
            continue
        group_start = np.where(~same_prev)[0]
        first = order[np.repeat(group_start, np.diff(np.append(group_start, n)))]
        members = np.where(same_prev)[0]
        for x, y in ((first[members], order[members]), (order[members - 1], order[members])):
            keep = x != y
            x, y = x[keep], y[keep]
            ok = estimated_similarity(sig, x, y) >= p.threshold
            src_all.append(x[ok])
            dst_all.append(y[ok])
    if src_all:
        src, dst = np.concatenate(src_all), np.concatenate(dst_all)
    else:
        src = dst = np.zeros(0, dtype=np.int64)
    return components(n, src, dst), len(src)


def components(n: int, src, dst):
    """Connected components of an undirected graph given as edge arrays: a label per node."""
    import numpy as np

    try:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
    except ImportError:  # min-label propagation with pointer jumping, numpy only
        labels = np.arange(n, dtype=np.int64)
        while True:
            before = labels.copy()
            m = np.minimum(labels[src], labels[dst])
            np.minimum.at(labels, src, m)
            np.minimum.at(labels, dst, m)
            while True:
                jumped = labels[labels]
                if np.array_equal(jumped, labels):
                    break
                labels = jumped
            if np.array_equal(before, labels):
                return labels
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


# --- units ---------------------------------------------------------------------------------

@dataclass
class Units:
    """Occurrences of one unit (sentence or paragraph), as parallel arrays."""

    report: object  # int32 index into reports
    section: object  # pyarrow string array
    start: object
    end: object
    text: object  # pyarrow string array (as printed)
    note: object  # bool: a note printed inside a table, not a sentence of the narrative


def normalise_texts(texts):
    import pyarrow.compute as pc

    t = pc.utf8_normalize(texts, "NFKC")
    t = pc.replace_substring_regex(t, NORMALISE_DROP, "")
    return pc.replace_substring_regex(t, r"\d+", "0")


def name_masks(reports) -> list[tuple[str, ...]]:
    """Per report, the strings that name its author (longest first), normalised like the text."""
    import unicodedata

    from gxnlp.parse.agencies import parse_agency

    data = rules.load("boilerplate")
    selfref = tuple(data["self_references"])
    suffixes = tuple(data["name_suffixes"])
    out = []
    for agency, key in zip(reports["agency"], reports["agency_key"]):
        names = set(selfref)
        unit = parse_agency(agency).unit if isinstance(agency, str) and agency else None
        for n in (agency, key, unit):
            if isinstance(n, str) and n:
                n = "".join(ch for ch in unicodedata.normalize("NFKC", n) if ch.isalnum())
                names.add(n)
                for suf in suffixes:
                    if n.endswith(suf) and len(n) - len(suf) >= 2:
                        names.add(n[: -len(suf)])
        out.append(tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True)))
    return out


def comparable_texts(texts, report_idx, reports, step: int = 200_000):
    """Normalised texts with each unit's author names and self-references replaced by 某
    (see boilerplate.toml); a slice at a time, so only one slice's copies are alive."""
    import pyarrow as pa

    masks = name_masks(reports)
    out = []
    for first in range(0, len(texts), step):
        texts_ = normalise_texts(texts.slice(first, step)).to_pylist()
        for i, (t, r) in enumerate(zip(texts_, report_idx[first:first + step].tolist())):
            for name in masks[r]:
                if name in t:
                    t = t.replace(name, "某")
            texts_[i] = t
        out.append(pa.array(texts_, pa.string()))
    return pa.concat_arrays(out) if out else pa.array([], pa.string())


def load_reports(out_dir):
    """report_id, agency id (coverage grouping if present, else the normalised name) and year per report."""
    import pyarrow.parquet as pq

    pq_dir = Path(out_dir) / "parquet"
    reports = pq.read_table(pq_dir / "reports.parquet", columns=["report_id", "agency", "agency_key", "year"]) \
        .to_pandas()
    agency = reports["agency_key"].where(reports["agency_key"].notna() & (reports["agency_key"] != ""), None)
    cov_path = pq_dir / "coverage.parquet"
    if cov_path.exists():
        cov = pq.read_table(cov_path, columns=["report_id", "agency_id"]).to_pandas().dropna()
        mapping = dict(zip(cov["report_id"], cov["agency_id"]))
        agency = reports["report_id"].map(mapping).fillna(agency)
    reports["agency_id"] = [a if isinstance(a, str) and a else f"?{rid[:12]}"
                            for a, rid in zip(agency, reports["report_id"])]
    reports["year"] = reports["year"].fillna(-1).astype("int64")
    return reports.reset_index(drop=True)


def load_sentences(out_dir, report_index: dict) -> Units:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(Path(out_dir) / "parquet" / "sentences.parquet",
                      columns=["report_id", "section", "start", "end", "text"],
                      read_dictionary=["report_id", "section"])
    rid = t.column("report_id").combine_chunks()
    lookup = np.array([report_index.get(r, -1) for r in rid.dictionary.to_pylist()] or [-1], dtype=np.int32)
    report = lookup[rid.indices.to_numpy(zero_copy_only=False)]
    del rid
    keep = report >= 0
    if not keep.all():  # sentences of reports not in `reports` (should not happen in a store)
        t = t.filter(pa.array(keep))
        report = report[keep]
    section, text = t.column("section").combine_chunks().cast(pa.string()), t.column("text").combine_chunks()
    start, end = t.column("start").to_numpy(), t.column("end").to_numpy()
    del t
    return Units(report, section, start, end, text, np.zeros(len(report), dtype=bool))


def is_note(cell: str) -> bool:
    """A table cell that is wording, not a label or a number: the template's notes
    ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")."""
    return len(cell) >= 12 and any(ch in cell for ch in "，：；。,:;")


def load_section_units(out_dir, report_index: dict, min_chars: int, notes_only: bool = False,
                       paragraphs_only: bool = False) -> tuple[Units, Units]:
    """From the section texts: paragraphs (non-table lines) and table notes (prose cells of table rows).

    Two passes in `run` (notes with the sentences, paragraphs after them) keep fewer texts in memory.
    """
    import pyarrow.parquet as pq

    f = pq.ParquetFile(Path(out_dir) / "parquet" / "sections.parquet")
    para = ([], [], [], [], [])
    notes = ([], [], [], [], [])

    def add(target, r, section, a, body):
        for lst, v in zip(target, (r, section, a, a + len(body), body)):
            lst.append(v)

    parts: list[tuple[Units, Units]] = []
    for batch in f.iter_batches(columns=["report_id", "section", "text"], batch_size=20_000):
        if para[0] or notes[0]:  # Arrow arrays per batch: few Python strings alive at a time
            parts.append((units(para, False), units(notes, True)))
            for lst in (*para, *notes):
                lst.clear()
        d = batch.to_pydict()
        for report_id, section, text in zip(d["report_id"], d["section"], d["text"]):
            r = report_index.get(report_id, -1)
            if r < 0 or not text:
                continue
            pos = 0
            for line in text.split("\n"):
                a, pos = pos, pos + len(line) + 1
                if "\t" in line or line.lstrip().startswith("|"):
                    if paragraphs_only:
                        continue
                    sep = "\t" if "\t" in line else "|"
                    offset = a
                    for cell in line.split(sep):
                        body = cell.strip()
                        if is_note(body):
                            add(notes, r, section, offset + cell.index(body), body)
                        offset += len(cell) + 1
                    continue
                body = line.strip()
                if len(body) >= min_chars and not notes_only:
                    add(para, r, section, a + len(line) - len(line.lstrip()), body)

    parts.append((units(para, False), units(notes, True)))
    return concat_units(*[p for p, _ in parts]), concat_units(*[n for _, n in parts])


def units(cols, note: bool) -> Units:
    import numpy as np
    import pyarrow as pa

    rep, sec, st, en, tx = cols
    return Units(np.array(rep, dtype=np.int32), pa.array(sec, pa.string()), np.array(st, dtype=np.int64),
                 np.array(en, dtype=np.int64), pa.array(tx, pa.string()), np.full(len(rep), note, dtype=bool))


def concat_units(*parts: Units) -> Units:
    import numpy as np
    import pyarrow as pa

    return Units(np.concatenate([u.report for u in parts]), pa.concat_arrays([u.section for u in parts]),
                 np.concatenate([u.start for u in parts]), np.concatenate([u.end for u in parts]),
                 pa.concat_arrays([u.text for u in parts]), np.concatenate([u.note for u in parts]))


# --- analysis of one unit ----------------------------------------------------------------------

@dataclass
class Analysis:
    unit: str
    units: Units
    keep: object  # indices of units long enough to compare
    uid: object  # unique normalised text per kept unit
    cluster: object  # cluster per kept unit
    kind: object  # kind code per kept unit (index into KINDS)
    sig: object
    stats: dict
    n_edges: int


def analyse(unit: str, units: Units, reports, p: Params) -> Analysis:
    import numpy as np
    import pyarrow.compute as pc

    norm = comparable_texts(units.text, units.report, reports)
    long_enough = pc.greater_equal(pc.utf8_length(norm), p.min_chars).to_numpy(zero_copy_only=False)
    keep = np.where(long_enough)[0]
    norm = norm.take(keep)
    numbers = pc.count_substring(norm, "0").to_numpy(zero_copy_only=False)
    encoded = norm.dictionary_encode()
    uid = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniq = encoded.dictionary
    del norm, encoded
    sig = signatures(uniq, p) if len(uniq) else np.zeros((0, p.num_perm), dtype=np.uint32)
    del uniq
    labels, n_edges = near_duplicate_groups(sig, p) if len(sig) else (np.zeros(0, dtype=np.int64), 0)

    _, agency_of_report = np.unique(reports["agency_id"].to_numpy().astype(str), return_inverse=True)
    agency_of_report = agency_of_report.astype(np.int64)
    rep = units.report[keep].astype(np.int64)
    ag = agency_of_report[rep]
    n_ag_total = int(agency_of_report.max()) + 1 if len(agency_of_report) else 0
    cl_raw = labels[uid] if len(uid) else np.zeros(0, dtype=np.int64)
    # cluster ids in order of first occurrence: stable across runs on the same store
    _, first_idx, cl = np.unique(cl_raw, return_index=True, return_inverse=True)
    order = np.argsort(first_idx, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    cl = rank[cl].astype(np.int64)
    n_cl = int(cl.max()) + 1 if len(cl) else 0

    def distinct_count(other, size):
        pairs = np.unique(cl * size + other)
        return np.bincount(pairs // size, minlength=n_cl)

    n_reports = distinct_count(rep, len(reports))
    n_agencies = distinct_count(ag, max(1, n_ag_total))
    template_at = max(p.template_min_agencies, math.ceil(p.template_min_share * n_ag_total))
    kind_of_cluster = np.full(n_cl, KINDS.index("unique"), dtype=np.int8)
    kind_of_cluster[n_reports >= 2] = KINDS.index("own")
    kind_of_cluster[n_agencies >= 2] = KINDS.index("shared")
    formula = np.zeros(n_cl, dtype=np.int64)
    np.maximum.at(formula, cl, numbers)
    kind_of_cluster[(n_agencies >= 2) & (formula >= p.formula_min_numbers)] = KINDS.index("common")
    kind_of_cluster[n_agencies >= p.common_min_agencies] = KINDS.index("common")
    kind_of_cluster[n_agencies >= template_at] = KINDS.index("template")
    stats = {"n_reports": n_reports, "n_agencies": n_agencies, "n_occurrences": np.bincount(cl, minlength=n_cl),
             "kind": kind_of_cluster, "agency": ag, "report": rep, "agencies_total": n_ag_total,
             "template_at": template_at}
    return Analysis(unit, units, keep, uid, cl, kind_of_cluster[cl] if n_cl else np.zeros(0, np.int8), sig, stats,
                    n_edges)


def partners(a: Analysis, year):
    """For each kept unit: the other-agency partner (earliest other-agency occurrence in its cluster)
    and the own partner (the same agency's latest earlier-year occurrence), or -1."""
    import numpy as np

    cl, ag, rep = a.cluster, a.stats["agency"], a.stats["report"]
    yr = year[rep]
    ykey = np.where(yr < 0, 1 << 20, yr)
    n = len(cl)
    other = np.full(n, -1, dtype=np.int64)
    own = np.full(n, -1, dtype=np.int64)
    if not n:
        return other, own
    order = np.lexsort((np.arange(n), rep, ykey, cl))
    c_sorted = cl[order]
    seg_start = np.flatnonzero(np.r_[True, c_sorted[1:] != c_sorted[:-1]])
    seg_len = np.diff(np.r_[seg_start, n])
    first = order[seg_start]  # earliest occurrence per cluster
    first_rep = np.repeat(first, seg_len)
    a1 = ag[first_rep]
    differs = ag[order] != a1
    pos = np.where(differs, np.arange(n), n)
    first_other_pos = np.minimum.reduceat(pos, seg_start)
    has_other = first_other_pos < n
    second = np.where(has_other, order[np.minimum(first_other_pos, n - 1)], -1)
    second_rep = np.repeat(second, seg_len)
    other[order] = np.where(differs, first_rep, second_rep)
    # own: in (cluster, agency, year) order, the last occurrence of the previous year block of the
    # same cluster and agency (two reports of one year do not hide the year before)
    order2 = np.lexsort((np.arange(n), rep, ykey, ag, cl))
    c2, a2, y2 = cl[order2], ag[order2], ykey[order2]
    pos = np.arange(n)
    group_new = np.r_[True, (c2[1:] != c2[:-1]) | (a2[1:] != a2[:-1])]
    block_new = group_new | np.r_[True, y2[1:] != y2[:-1]]
    group = np.cumsum(group_new)
    cand = np.maximum.accumulate(np.where(block_new, pos, 0)) - 1
    ok = (cand >= 0) & (group[np.maximum(cand, 0)] == group) & (y2 < (1 << 20))
    own[order2] = np.where(ok, order2[np.maximum(cand, 0)], -1)
    return other, own


# --- outputs ----------------------------------------------------------------------------------

def matches_tables(a: Analysis, reports, other, own, rows: int = 200_000):
    """Evidence rows: (unit, partner) pairs with both spans; yielded `rows` at a time."""
    import numpy as np
    import pyarrow as pa

    kind_codes = np.concatenate([a.kind[np.flatnonzero((a.kind <= KINDS.index("shared")) & (other >= 0))],
                                 np.full(int(np.sum((own >= 0) & (a.kind >= KINDS.index("shared")))),
                                         KINDS.index("own"), dtype=np.int8)])
    idx = np.flatnonzero((a.kind <= KINDS.index("shared")) & (other >= 0))
    own_idx = np.flatnonzero((own >= 0) & (a.kind >= KINDS.index("shared")))
    x_all, y_all = np.concatenate([idx, own_idx]), np.concatenate([other[idx], own[own_idx]])
    order = np.lexsort((x_all, a.cluster[x_all]))
    x_all, y_all, kind_codes = x_all[order], y_all[order], kind_codes[order]
    kind_names = np.array(KINDS)
    u = a.units
    rid = reports["report_id"].to_numpy()
    agency = reports["agency_id"].to_numpy()
    year = reports["year"].to_numpy()
    for first in range(0, len(x_all), rows):
        x, y, kc = x_all[first:first + rows], y_all[first:first + rows], kind_codes[first:first + rows]
        sim = estimated_similarity(a.sig, a.uid[x], a.uid[y])
        kx, ky = pa.array(a.keep[x]), pa.array(a.keep[y])
        rx, ry = a.stats["report"][x], a.stats["report"][y]
        yx, yy = year[rx], year[ry]
        yield pa.table({
            "unit": pa.array([a.unit] * len(x), pa.string()),
            "kind": pa.array(kind_names[kc], pa.string()),
            "cluster_id": pa.array(a.cluster[x], pa.int64()),
            "report_id": pa.array(rid[rx], pa.string()),
            "agency_id": pa.array(agency[rx], pa.string()),
            "year": pa.array(yx, pa.int64(), mask=yx < 0),
            "section": u.section.take(kx),
            "start": pa.array(u.start[a.keep[x]], pa.int64()),
            "end": pa.array(u.end[a.keep[x]], pa.int64()),
            "text": u.text.take(kx),
            "other_report_id": pa.array(rid[ry], pa.string()),
            "other_agency_id": pa.array(agency[ry], pa.string()),
            "other_year": pa.array(yy, pa.int64(), mask=yy < 0),
            "other_section": u.section.take(ky),
            "other_start": pa.array(u.start[a.keep[y]], pa.int64()),
            "other_end": pa.array(u.end[a.keep[y]], pa.int64()),
            "other_text": u.text.take(ky),
            "previous_year": pa.array((kc == KINDS.index("own")) & (yy == yx - 1) & (yx >= 0)),
            "similarity": pa.array(np.round(sim, 3), pa.float32()),
        })


def clusters_table(a: Analysis, reports):
    """One row per reused passage (in ≥ 2 reports): its kind, spread, an example and, for
    shared ones, the agencies and years involved."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    st = a.stats
    reused = np.flatnonzero(st["n_reports"] >= 2)
    sel = np.isin(a.cluster, reused)
    idx = np.flatnonzero(sel)
    year = reports["year"].to_numpy()
    agency = reports["agency_id"].to_numpy()
    df = pd.DataFrame({"cluster": a.cluster[idx], "i": idx, "report": st["report"][idx],
                       "year": year[st["report"][idx]], "uid": a.uid[idx]})
    df = df.sort_values(["cluster", "year", "report", "i"], kind="stable")
    first = df.groupby("cluster", sort=True).first()
    variants = df.groupby("cluster")["uid"].nunique()
    years = df[df["year"] >= 0].groupby("cluster")["year"].agg(lambda s: sorted(set(int(v) for v in s)))
    small = np.flatnonzero(st["n_agencies"][reused] < a.stats["template_at"])
    small_ids = set(reused[small].tolist())
    ag_lists = df[df["cluster"].isin(small_ids)].assign(agency=lambda d: agency[d["report"]]) \
        .groupby("cluster")["agency"].agg(lambda s: sorted(set(s)))
    ids = first.index.to_numpy()
    ex = a.keep[first["i"].to_numpy()]
    return pa.table({
        "unit": pa.array([a.unit] * len(ids), pa.string()),
        "cluster_id": pa.array(ids, pa.int64()),
        "kind": pa.array(np.array(KINDS)[st["kind"][ids]], pa.string()),
        "n_occurrences": pa.array(st["n_occurrences"][ids], pa.int64()),
        "n_reports": pa.array(st["n_reports"][ids], pa.int64()),
        "n_agencies": pa.array(st["n_agencies"][ids], pa.int64()),
        "agency_share": pa.array(np.round(st["n_agencies"][ids] / max(1, st["agencies_total"]), 4), pa.float64()),
        "n_variants": pa.array(variants.reindex(ids).to_numpy(), pa.int64()),
        "years": pa.array([years.get(i, []) for i in ids], pa.list_(pa.int64())),
        "agencies": pa.array([ag_lists.get(i) for i in ids], pa.list_(pa.string())),
        "example": a.units.text.take(pa.array(ex)),
    })


def reports_table(sent: Analysis, reports, own):
    """Per report: originality and the shares of template, common, shared and previous-year wording."""
    import numpy as np
    import pyarrow as pa

    n_rep = len(reports)
    narrative = ~sent.units.note[sent.keep]
    rep = sent.stats["report"][narrative]
    kind = sent.kind[narrative]
    own = own[narrative]
    cluster = sent.cluster[narrative]
    count = np.bincount(rep, minlength=n_rep).astype(np.float64)

    def share(mask):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.bincount(rep, weights=mask.astype(np.float64), minlength=n_rep) / count

    year = reports["year"].to_numpy()
    agency = reports["agency_id"].to_numpy()
    own_year = np.where(own >= 0, year[sent.stats["report"][np.maximum(own, 0)]], -1)
    prev = (own >= 0) & (own_year == year[rep] - 1) & (kind >= KINDS.index("shared"))
    originality = share(sent.stats["n_agencies"][cluster] == 1) if len(kind) else np.full(n_rep, np.nan)
    key = {(a, y): i for i, (a, y) in enumerate(zip(agency, year)) if y >= 0}
    prev_report = [key.get((a, y - 1)) if y >= 0 else None for a, y in zip(agency, year)]
    prev_share = share(prev) if len(kind) else np.full(n_rep, np.nan)
    prev_share = np.array([s if pr is not None else np.nan for s, pr in zip(prev_share, prev_report)])
    rid = reports["report_id"].to_numpy()

    def col(x):
        return pa.array(np.where(np.isnan(x), None, np.round(x, 4)).tolist(), pa.float64())

    return pa.table({
        "report_id": pa.array(rid, pa.string()),
        "agency_id": pa.array(agency, pa.string()),
        "year": pa.array(np.where(year < 0, None, year).tolist(), pa.int64()),
        "n_sentences": pa.array(count.astype(np.int64), pa.int64()),
        "originality": col(originality),
        "template_share": col(share(kind == KINDS.index("template")) if len(kind) else np.full(n_rep, np.nan)),
        "common_share": col(share(kind == KINDS.index("common")) if len(kind) else np.full(n_rep, np.nan)),
        "shared_share": col(share(kind == KINDS.index("shared")) if len(kind) else np.full(n_rep, np.nan)),
        "previous_year_report_id": pa.array([rid[i] if i is not None else None for i in prev_report], pa.string()),
        "previous_year_share": col(prev_share),
    })


class PartWriter:
    """Tables appended to one Parquet file (temp name, renamed when complete)."""

    def __init__(self, path: Path):
        self.path, self.tmp, self.writer = path, path.with_name(f"{path.name}.tmp-{os.getpid()}"), None

    def write(self, table) -> None:
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema, compression="zstd")
        self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


def write_parquet(table, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def run(out_dir, *, sentence_threshold: Optional[float] = None, paragraph_threshold: Optional[float] = None,
        paragraphs: bool = True, log=None) -> dict:
    """Analyse a store; writes OUT_DIR/boilerplate/*.parquet and returns a summary."""
    import numpy as np

    say = log or (lambda msg: None)
    out = Path(out_dir)
    t0 = time.perf_counter()
    reports = load_reports(out)
    index = {r: i for i, r in enumerate(reports["report_id"])}
    year = reports["year"].to_numpy()
    ps = Params.for_unit("sentence", threshold=sentence_threshold)
    pp = Params.for_unit("paragraph", threshold=paragraph_threshold)
    _, notes = load_section_units(out, index, pp.min_chars, notes_only=True)
    sent = analyse("sentence", concat_units(load_sentences(out, index), notes), reports, ps)
    del notes
    say(f"sentences: {len(sent.keep)} compared, {len(sent.stats['n_reports'])} distinct passages, "
        f"{sent.n_edges} near-duplicate links ({time.perf_counter() - t0:.1f} s)")
    bp = out / OUT_SUBDIR
    bp.mkdir(exist_ok=True)
    writers = {name: PartWriter(bp / f"boilerplate_{name}.parquet") for name in ("matches", "clusters")}
    with all_or_nothing(writers):
        other, own = partners(sent, year)
        for part in matches_tables(sent, reports, other, own):  # written now, freed now
            writers["matches"].write(part)
        writers["clusters"].write(clusters_table(sent, reports))
        rep_table = reports_table(sent, reports, own)
        summary = summarise(sent, "sentence")
        del sent, other, own
        if paragraphs:
            para = analyse("paragraph", load_section_units(out, index, pp.min_chars, paragraphs_only=True)[0],
                           reports, pp)
            say(f"paragraphs: {len(para.keep)} compared, {para.n_edges} near-duplicate links "
                f"({time.perf_counter() - t0:.1f} s)")
            other, own = partners(para, year)
            for part in matches_tables(para, reports, other, own):
                writers["matches"].write(part)
            writers["clusters"].write(clusters_table(para, reports))
            summary.update(summarise(para, "paragraph"))
            del para, other, own
    write_parquet(rep_table, bp / "boilerplate_reports.parquet")
    params = {"sentence": ps.__dict__, "paragraph": pp.__dict__, "bands_rows": {"sentence": ps.bands(),
                                                                                 "paragraph": pp.bands()}}
    (bp / "params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")
    add_views(out)
    orig = rep_table.column("originality").to_numpy(zero_copy_only=False)
    summary.update(reports=len(reports), seconds=round(time.perf_counter() - t0, 2),
                   mean_originality=float(np.nanmean(orig.astype(float))) if len(orig) else None)
    return summary


def summarise(a: Analysis, unit: str) -> dict:
    import numpy as np

    st = a.stats
    reused = st["n_reports"] >= 2
    return {f"{unit}s": int(len(a.keep)),
            **{f"{unit}_{k}_passages": int(np.sum(reused & (st["kind"] == KINDS.index(k)))) for k in KINDS[:4]}}


def add_views(out: Path) -> None:
    """Expose the boilerplate tables in OUT_DIR/gxnlp.duckdb, if the store has one."""
    db = out / "gxnlp.duckdb"
    if not db.exists():
        return
    import duckdb

    from gxnlp.corpus.store import sql_string

    con = duckdb.connect(str(db))
    try:
        for p in sorted((out / OUT_SUBDIR).glob("*.parquet")):
            con.execute(f"CREATE OR REPLACE VIEW {p.stem} AS SELECT * FROM read_parquet({sql_string(p.resolve())})")
    finally:
        con.close()
