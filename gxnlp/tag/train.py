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


def choose_combination(model: SentenceTagger, rows: list[dict], real_mask, rules: RuleTagger,
                       labels: list[str]) -> tuple[dict, dict]:
    """Per family, the mode (classifier / rules / union) with the best out-of-fold macro-F1 on the real training rows."""
    from gxnlp.tag.scorer import combine, rescale

    import numpy as np

    if getattr(model, "oof_", None) is None:
        return {}, {}
    real = [i for i, keep in enumerate(real_mask) if keep]
    scores = rescale(model.oof_[np.asarray(real)], model.thresholds_)
    ruled = [rules.labels_for(rows[i]["text"]) for i in real]
    gold = [rows[i]["labels"] for i in real]
    table, chosen = {}, {}
    for mode in COMBINE_MODES:
        tagged = combine(model.classes_, scores, ruled, {f: mode for f in FAMILIES})
        res = per_label(gold, [{lab for lab, _ in t} for t in tagged], labels)
        table[mode] = {f: family_macro(res, f) for f in FAMILIES}
    for f in FAMILIES:
        chosen[f] = max(COMBINE_MODES, key=lambda m: (table[m][f] or 0.0, m == "classifier"))
    return chosen, table


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

    def fit(with_supplement: bool) -> tuple[SentenceTagger, list[dict], list[bool]]:
        extra = supplement if with_supplement else []
        fit_rows = train_rows + extra
        model = SentenceTagger(random_state=seed, **(params or {}))
        model.fit([(r["text"], r["section"]) for r in fit_rows], [r["labels"] for r in fit_rows], taxonomy=taxonomy,
                  groups=[families.get(r["doc"], r["doc"]) for r in fit_rows],
                  sample_weight=[1.0] * len(train_rows) + [supplement_weight] * len(extra))
        return model, fit_rows, [True] * len(train_rows) + [False] * len(extra)

    model, fit_rows, real_mask = fit(bool(supplement))
    chosen, oof_table = choose_combination(model, fit_rows, real_mask, rules, labels)
    items = [(r["text"], r["section"]) for r in test_rows]
    gold = [r["labels"] for r in test_rows]
    docs = [r["doc"] for r in test_rows]
    model.combine = None
    classifier_pred = model.predict(items)
    model.combine = chosen
    combined_pred = model.predict(items)
    result = {
        "rules": evaluate(gold, rules.predict(items), labels, docs, n_boot, seed),
        "classifier": evaluate(gold, classifier_pred, labels, docs, n_boot, seed),
        "combination": evaluate(gold, combined_pred, labels, docs, n_boot, seed),
        "combine": chosen, "oof_modes": oof_table,
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
        bare.combine = chosen
        result["without_supplement"] = evaluate(gold, bare.predict(items), labels)
    folder = model.export(out, info={"seed": seed, "files": result["files"], "test_docs": result["test_docs"],
                                     "supplement_weight": result["supplement_weight"], "subset": subset_n,
                                     "scores": result["combination"]["families"]})
    shipped = load_model(folder)
    import numpy as np

    gap = float(np.abs(shipped.predict_proba(items) - model.predict_proba(items)).max()) if items else 0.0
    assert gap <= 1e-9, f"exported scorer differs from the fitted pipeline by {gap}"
    result["scorer_gap"] = gap
    result["seconds"] = round(time.time() - t0, 1)
    (Path(out) / "MODEL_CARD.md").write_text(model_card(result, model, labels), encoding="utf-8")
    if not quiet:
        for name in ("rules", "classifier", "combination"):
            fams = result[name]["families"]
            print(f"{name:12s} " + "  ".join(f"{f} {fams[f]:.3f}" if fams[f] is not None else f"{f} –"
                                              for f in FAMILIES))
        print(f"combination: {chosen}; saved {folder} in {result['seconds']} s")
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
