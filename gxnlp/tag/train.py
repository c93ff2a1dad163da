"""Train the sentence tagger on real labelled sentences; write the model (json + npz) and its card.

    python -m gxnlp.train                                   # the shipped model → gxnlp/models/
    python -m gxnlp.train --annotations mine.jsonl --out my_model   # your own labels
    python -m gxnlp.train --subset 300 --out /tmp/m --quiet # a quick run (CI)

What it does, in order (every number of the card comes from this run):
1. rows of the real annotation files (`--annotations`: files or folders; a folder means its
   real_reports.jsonl + real_openings.jsonl), and the constructed supplement as a separate,
   down-weighted part (`--supplement-weight`, 0 = none);
2. documents grouped into families (reports sharing text) and split by family, never by
   sentence; test sentences whose text occurs in training are left out;
3. the classifier fitted on the training split (real + weighted supplement), thresholds and
   calibration from out-of-fold scores grouped by family;
4. per family, rules vs classifier vs both (union) chosen on the out-of-fold predictions of the
   real training rows, never on the test split;
5. rules, classifier and the chosen combination scored on the real test split, with bootstrap
   intervals over test documents; the supplement's effect measured by a fit without it;
6. the model exported (numpy scorer files) and checked to give the fitted pipeline's scores.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Optional

from gxnlp.tag.card import model_card
from gxnlp.tag.classifier import SentenceTagger
from gxnlp.tag.data import (REAL_FILES, SUPPLEMENT_FILES, dedupe, doc_families, label_counts, read_rows,
                            split_by_family)
from gxnlp.tag.rules import RuleTagger
from gxnlp.tag.scorer import COMBINE_MODES, load_model, package_models
from gxnlp.tag.taxonomy import FAMILIES, load_taxonomy

ROOT = Path(__file__).resolve().parents[2]  # the repository (corpora/ lives beside the package)
ANNOTATIONS = ROOT / "corpora" / "annotations"
MIN_SUPPORT = 5  # labels with fewer test positives are shown, not averaged into the family score


def annotation_paths(inputs: list[Path]) -> tuple[list[Path], list[Path]]:
    """(real files, supplement files) from files and folders."""
    real, supplement = [], []
    for p in inputs:
        if p.is_dir():
            real += [p / f for f in REAL_FILES if (p / f).is_file()]
            supplement += [p / f for f in SUPPLEMENT_FILES if (p / f).is_file()]
        elif p.is_file():
            real.append(p)
        else:
            raise SystemExit(f"python -m gxnlp.train: {p}: no such file or folder")
    return real, supplement


# --- scores --------------------------------------------------------------------------------

def per_label(gold: list, pred: list, labels: list[str]) -> dict[str, dict]:
    """Precision, recall, F1 and support of each label (0 where undefined)."""
    out = {}
    for lab in labels:
        tp = sum(lab in g and lab in p for g, p in zip(gold, pred))
        fp = sum(lab not in g and lab in p for g, p in zip(gold, pred))
        fn = sum(lab in g and lab not in p for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn, "predicted": tp + fp}
    return out


def family_macro(scores: dict[str, dict], family: str, min_support: int = MIN_SUPPORT) -> Optional[float]:
    """Mean F1 of the family's labels with at least `min_support` test positives (None if there are none)."""
    vals = [s["f1"] for lab, s in scores.items() if lab.startswith(family + ":") and s["support"] >= min_support]
    return sum(vals) / len(vals) if vals else None


def evaluate(gold: list, pred: list, labels: list[str], docs: Optional[list] = None, n_boot: int = 0,
             seed: int = 0) -> dict:
    """Per-label scores, family macro-F1 (support ≥ 5, and ≥ 1), and bootstrap intervals over documents."""
    scores = per_label(gold, pred, labels)
    out = {"labels": scores,
           "families": {f: family_macro(scores, f) for f in FAMILIES},
           "families_all": {f: family_macro(scores, f, 1) for f in FAMILIES},
           "exact": sum(set(g) == set(p) for g, p in zip(gold, pred)) / len(gold) if gold else 0.0}
    if n_boot and docs:
        out["intervals"] = bootstrap(gold, pred, labels, docs, n_boot, seed)
    return out


def bootstrap(gold, pred, labels, docs, n_boot: int = 1000, seed: int = 0) -> dict:
    """95% intervals of per-label F1 and family macro-F1, resampling whole test documents."""
    import numpy as np

    by_doc: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_doc.setdefault(d, []).append(i)
    names = sorted(by_doc)
    rng = random.Random(seed)
    full = per_label(gold, pred, labels)
    keep = [lab for lab in labels if full[lab]["support"]]
    draws = {lab: [] for lab in keep}
    fams = {f: [] for f in FAMILIES}
    for _ in range(n_boot):
        idx = [i for d in (rng.choice(names) for _ in names) for i in by_doc[d]]
        s = per_label([gold[i] for i in idx], [pred[i] for i in idx], keep)
        for lab in keep:
            if s[lab]["support"]:
                draws[lab].append(s[lab]["f1"])
        for f in FAMILIES:
            # the family score of the draw, over the labels the full test split averages
            vals = [s[lab]["f1"] for lab in keep if lab.startswith(f + ":") and full[lab]["support"] >= MIN_SUPPORT]
            if vals:
                fams[f].append(sum(vals) / len(vals))

    def ci(v):
        return [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] if v else None

    return {"labels": {lab: ci(v) for lab, v in draws.items()}, "families": {f: ci(v) for f, v in fams.items()}}


CV_FOLDS = 5
THRESHOLD_GRID = [round(x / 10, 1) for x in range(-16, 13)]  # cuts on the linear score (0 = the model's own)


def _f1(pred, y) -> float:
    tp = float((pred & y).sum())
    d = float(pred.sum() + y.sum())
    return 2 * tp / d if d else 0.0


def _apply(dec, ruled, cut: float, mode: str):
    c = dec >= cut
    return {"classifier": c, "rules": ruled, "union": c | ruled, "intersection": c & ruled}[mode]


def _best(dec, y, ruled, modes, tune: bool) -> tuple[str, float]:
    """The (mode, cut) with the best F1 on these rows (ties: classifier, then the cut nearest 0)."""
    best = None
    for mode in modes:
        for cut in (THRESHOLD_GRID if tune and mode != "rules" else [0.0]):
            key = (round(_f1(_apply(dec, ruled, cut, mode), y), 6), mode == "classifier", -abs(cut))
            if best is None or key > best[0]:
                best = (key, mode, cut)
    return best[1], best[2]


def grouped_oof(train_rows, supplement, supplement_weight, families, taxonomy, params, seed, k=CV_FOLDS):
    """Out-of-fold linear scores of the real training rows: GroupKFold by family (supplement always in training)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import MultiLabelBinarizer

    m = SentenceTagger(random_state=seed, **(params or {}))
    m.lexicon_ = taxonomy.lexicon()
    m.blocks_ = m._blocks()
    rules = RuleTagger(lexicon=m.lexicon_)
    fit_rows = train_rows + supplement
    docs = m._docs([(r["text"], r["section"]) for r in fit_rows], rules, m.blocks_)
    Y = MultiLabelBinarizer(classes=taxonomy.names).fit_transform([r["labels"] for r in fit_rows])
    w = np.array([1.0] * len(train_rows) + [supplement_weight] * len(supplement))
    n = len(train_rows)
    groups = [families.get(r["doc"], r["doc"]) for r in train_rows]
    oof, fold = np.zeros((n, Y.shape[1])), np.zeros(n, dtype=int)
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
        for f, (a, b) in enumerate(GroupKFold(n_splits=min(k, len(set(groups)))).split(np.zeros(n), groups=groups)):
            idx = np.concatenate([a, np.arange(n, len(fit_rows))]).astype(int)
            union, ests = m._fit_once([docs[i] for i in idx], Y[idx], w[idx])
            oof[b] = m._decision(union, ests, [docs[i] for i in b], [-10.0] * Y.shape[1])
            fold[b] = f
    return oof, Y[:n].astype(bool), fold


PROCEDURES = ("rules", "classifier", "classifier, tuned thresholds", "per-label mode",
              "per-label mode, tuned thresholds", "classifier + section gate")


def select_procedure(oof, Y, fold, ruled, sections, labels, gate) -> tuple[str, dict, dict]:
    """Each candidate procedure scored by grouped CV, its choices made on the other folds only (nested).

    Returns (winner, {procedure: family macro-F1}, per-label modes chosen on all folds).
    Winner: best mean of the three family scores; ties go to the simpler (earlier) procedure.
    """
    import numpy as np

    R = np.array([[lab in set(r) for lab in labels] for r in ruled], dtype=bool)
    sec = np.asarray(sections)
    gate_rows = {f: np.array([s not in ("", "none") and s not in allowed for s in sections], dtype=bool)
                 for f, allowed in (gate or {}).items()}

    def choices(rows, per_label: bool, tune: bool):
        out = []
        for j in range(len(labels)):
            if per_label or tune:
                if Y[rows, j].sum() >= 3:
                    out.append(_best(oof[rows, j], Y[rows, j], R[rows, j],
                                     COMBINE_MODES if per_label else ("classifier",), tune))
                    continue
            out.append(("classifier", 0.0))
        return out

    table = {}
    for proc in PROCEDURES:
        P = np.zeros_like(Y)
        if proc == "rules":
            P = R.copy()
        else:
            per_label, tune = proc.startswith("per-label"), "tuned" in proc
            for k in np.unique(fold):
                picks = choices(fold != k, per_label, tune)
                for j, (mode, cut) in enumerate(picks):
                    P[fold == k, j] = _apply(oof[fold == k, j], R[fold == k, j], cut, mode)
            if proc.endswith("section gate"):
                for j, lab in enumerate(labels):
                    g = gate_rows.get(family_of(lab))
                    if g is not None:
                        P[g, j] = False
        res = {lab: {"f1": _f1(P[:, j], Y[:, j]), "support": int(Y[:, j].sum())} for j, lab in enumerate(labels)}
        table[proc] = {f: family_macro(res, f) for f in FAMILIES}
    shippable = [p for p in PROCEDURES if p != "rules"]
    winner = max(shippable, key=lambda p: (round(sum(v or 0.0 for v in table[p].values()) / len(FAMILIES), 4),
                                           -shippable.index(p)))
    modes = {lab: mode for lab, (mode, _) in zip(labels, choices(np.ones(len(Y), dtype=bool), True, False))
             if mode != "classifier"}
    return winner, table, modes


def section_gate(rows: list[dict], families=("problem",)) -> dict:
    """{family: sections where its labels occur in these rows} (the prior of `classifier + section gate`)."""
    out = {}
    for f in families:
        secs = sorted({r["section"] for r in rows if any(family_of(lab) == f for lab in r["labels"])})
        if secs:
            out[f] = secs
    return out


def family_of(label: str) -> str:
    return label.split(":", 1)[0]


# --- the run -------------------------------------------------------------------------------

def train(out: Path, annotations: Optional[list[Path]] = None, *, supplement_weight: float = 0.3,
          subset_n: Optional[int] = None, seed: int = 0, measure_supplement: bool = True, n_boot: int = 1000,
          quiet: bool = False, params: Optional[dict] = None) -> dict:
    t0 = time.time()
    real_paths, sup_paths = annotation_paths(annotations or [ANNOTATIONS])
    rows = read_rows(real_paths)
    if not rows:
        raise SystemExit("python -m gxnlp.train: no labelled sentences found")
    supplement = read_rows(sup_paths) if supplement_weight > 0 else []
    families = doc_families(rows)
    train_fams, test_fams = split_by_family(rows, seed=seed, families=families)
    train_rows = [r for r in rows if families[r["doc"]] in train_fams]
    test_all = [r for r in rows if families[r["doc"]] in test_fams]
    test_rows = dedupe(test_all, train_rows)
    if subset_n and subset_n < len(train_rows):
        train_rows = [train_rows[i] for i in sorted(random.Random(seed).sample(range(len(train_rows)), subset_n))]
    taxonomy = load_taxonomy()
    labels = taxonomy.names
    rules = RuleTagger(taxonomy)

    # choices by grouped cross-validation on the training split only (never the test split)
    gate = section_gate(train_rows)
    cv_scores, modes = {}, {}
    winner = "classifier"
    if len({families.get(r["doc"], r["doc"]) for r in train_rows}) >= CV_FOLDS and not subset_n:
        oof, Yo, fold = grouped_oof(train_rows, supplement, supplement_weight, families, taxonomy, params, seed)
        winner, cv_scores, modes = select_procedure(oof, Yo, fold, [rules.labels_for(r["text"]) for r in train_rows],
                                                    [r["section"] for r in train_rows], labels, gate)
    chosen = modes if winner.startswith("per-label") else {}
    shipped_params = {**(params or {}), "tune_thresholds": "tuned" in winner, "combine": chosen or None,
                      "section_gate": gate if winner.endswith("section gate") else None}

    def fit(with_supplement: bool) -> tuple[SentenceTagger, list[dict], list[bool]]:
        extra = supplement if with_supplement else []
        fit_rows = train_rows + extra
        model = SentenceTagger(random_state=seed, **shipped_params)
        model.fit([(r["text"], r["section"]) for r in fit_rows], [r["labels"] for r in fit_rows], taxonomy=taxonomy,
                  groups=[families.get(r["doc"], r["doc"]) for r in fit_rows],
                  sample_weight=[1.0] * len(train_rows) + [supplement_weight] * len(extra))
        return model, fit_rows, [True] * len(train_rows) + [False] * len(extra)

    model, fit_rows, real_mask = fit(bool(supplement))
    items = [(r["text"], r["section"]) for r in test_rows]
    gold = [r["labels"] for r in test_rows]
    docs = [r["doc"] for r in test_rows]
    model.combine, model.section_gate = None, None
    classifier_pred = model.predict(items)
    model.combine, model.section_gate = shipped_params["combine"], shipped_params["section_gate"]
    combined_pred = model.predict(items)
    result = {
        "rules": evaluate(gold, rules.predict(items), labels, docs, n_boot, seed),
        "classifier": evaluate(gold, classifier_pred, labels, docs, n_boot, seed),
        "combination": evaluate(gold, combined_pred, labels, docs, n_boot, seed),
        "combine": chosen, "procedure": winner, "cv": cv_scores, "cv_folds": CV_FOLDS,
        "section_gate": shipped_params["section_gate"],
        "counts": {"train": label_counts(train_rows), "test": label_counts(test_rows),
                   "supplement": label_counts(supplement)},
        "sentences": {"train": len(train_rows), "test": len(test_rows), "test_dropped": len(test_all) - len(test_rows),
                      "supplement": len(supplement), "train_docs": len({r["doc"] for r in train_rows}),
                      "test_docs": len(set(docs)), "families": len(set(families.values())),
                      "test_families": len(test_fams)},
        "files": [p.name for p in real_paths], "supplement_files": [p.name for p in sup_paths],
        "supplement_weight": supplement_weight if supplement else 0.0, "subset": subset_n, "seed": seed,
        "test_docs": sorted(set(docs)),
    }
    if measure_supplement and supplement:
        bare, _, _ = fit(False)
        result["without_supplement"] = evaluate(gold, bare.predict(items), labels)
    folder = model.export(out, info={"seed": seed, "files": result["files"], "test_docs": result["test_docs"],
                                     "supplement_weight": result["supplement_weight"], "subset": subset_n,
                                     "scores": result["combination"]["families"]})
    shipped = load_model(folder)
    import numpy as np

    gap = float(np.abs(shipped.predict_proba(items) - model.predict_proba(items)).max()) if items else 0.0
    assert gap <= 1e-6, f"exported scorer (float32 weights) differs from the fitted pipeline by {gap}"
    assert shipped.predict(items) == model.predict(items), "exported scorer tags differently from the fitted pipeline"
    result["scorer_gap"] = gap
    result["seconds"] = round(time.time() - t0, 1)
    (Path(out) / "MODEL_CARD.md").write_text(model_card(result, model, labels), encoding="utf-8")
    if not quiet:
        for name in ("rules", "classifier", "combination"):
            fams = result[name]["families"]
            print(f"{name:12s} " + "  ".join(f"{f} {fams[f]:.3f}" if fams[f] is not None else f"{f} –"
                                              for f in FAMILIES))
        for proc, fams in cv_scores.items():
            print(f"cv {proc:34s} " + "  ".join(f"{f} {fams[f]:.3f}" if fams[f] is not None else f"{f} –"
                                                for f in FAMILIES))
        print(f"shipped: {winner} {chosen or ''}; saved {folder} in {result['seconds']} s")
    return result


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m gxnlp.train", description=__doc__.split("\n")[0])
    ap.add_argument("--annotations", type=Path, action="append",
                    help="labelled sentences: a .jsonl file (rows: text, labels, section, doc) or a folder; "
                         "repeat to combine (default: corpora/annotations)")
    ap.add_argument("--out", type=Path, default=package_models(), help="folder for the model files and MODEL_CARD.md")
    ap.add_argument("--supplement-weight", type=float, default=0.3,
                    help="weight of the constructed sentences of an annotations folder (0 = leave them out)")
    ap.add_argument("--subset", type=int, default=None, help="train on N sampled training sentences (CI)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    return train(args.out, args.annotations, supplement_weight=args.supplement_weight, subset_n=args.subset,
                 seed=args.seed, n_boot=args.bootstrap, quiet=args.quiet,
                 measure_supplement=not args.subset)


if __name__ == "__main__":
    main(sys.argv[1:])
