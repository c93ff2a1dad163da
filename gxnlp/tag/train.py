"""Train the sentence tagger and write models/sentence_tagger.skops and models/MODEL_CARD.md.

    python -m gxnlp.train                      # the shipped model (train split), card with test scores
    python -m gxnlp.train --subset 200 --out /tmp/m   # a quick run on 200 training sentences (CI)

Why the card is written here: every number in it comes from this run (held-out split by
document, corpora/annotations/splits.json), so it cannot drift from the model it describes.
The seed is fixed; a full run takes well under a minute on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional

from gxnlp.tag.tagger import MODEL_FILE, RuleTagger, SentenceTagger, load_model, load_taxonomy, save_model

ROOT = Path(__file__).resolve().parents[2]  # the repository (corpora/ lives beside the package)
PACKAGE_MODELS = Path(__file__).resolve().parents[1] / "models"
ANNOTATIONS = ROOT / "corpora" / "annotations"
FAMILIES = ("channel", "problem", "measure")


def read_corpus(folder: Path) -> tuple[list[dict], list[dict]]:
    """(train rows, test rows): every *.jsonl row, split by its document as splits.json says."""
    rows = []
    for name in ("seeds.jsonl", "constructed.jsonl"):
        path = folder / name
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = json.loads((folder / "splits.json").read_text(encoding="utf-8"))
    test_docs = set(splits["test"])
    return [r for r in rows if r["doc"] not in test_docs], [r for r in rows if r["doc"] in test_docs]


def subset(rows: list[dict], n: Optional[int], seed: int) -> list[dict]:
    if not n or n >= len(rows):
        return rows
    picked = sorted(random.Random(seed).sample(range(len(rows)), n))
    return [rows[i] for i in picked]


def per_label(gold: list[list[str]], pred: list[tuple[str, ...]], labels: list[str]) -> dict[str, dict]:
    """Precision, recall, F1 and support of each label (0 where undefined)."""
    out = {}
    for lab in labels:
        tp = sum(lab in g and lab in p for g, p in zip(gold, pred))
        fp = sum(lab not in g and lab in p for g, p in zip(gold, pred))
        fn = sum(lab in g and lab not in p for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    return out


def family_macro(scores: dict[str, dict], family: str) -> float:
    """Mean F1 of the family's labels that occur in the test split."""
    vals = [s["f1"] for lab, s in scores.items() if lab.startswith(family + ":") and s["support"]]
    return sum(vals) / len(vals) if vals else 0.0


def evaluate(model, rows: list[dict], labels: list[str]) -> dict:
    gold = [r["labels"] for r in rows]
    pred = model.predict([(r["text"], r["section"]) for r in rows])
    scores = per_label(gold, pred, labels)
    return {"labels": scores, "families": {f: family_macro(scores, f) for f in FAMILIES},
            "exact": sum(set(g) == set(p) for g, p in zip(gold, pred)) / len(rows) if rows else 0.0}


def train(out: Path, annotations: Path = ANNOTATIONS, subset_n: Optional[int] = None, seed: int = 0,
          quiet: bool = False) -> dict:
    """Fit on the train split, score classifier and rules on the test split, save model and card.

    The shipped model is the one scored: it never saw the test documents.
    """
    t0 = time.time()
    train_rows, test_rows = read_corpus(annotations)
    train_rows = subset(train_rows, subset_n, seed)
    taxonomy = load_taxonomy()
    model = SentenceTagger(random_state=seed)
    model.fit([(r["text"], r["section"]) for r in train_rows], [r["labels"] for r in train_rows], taxonomy=taxonomy,
              groups=[r["doc"] for r in train_rows])
    labels = taxonomy.names
    result = {
        "classifier": evaluate(model, test_rows, labels),
        "classifier_no_section": evaluate(model, [{**r, "section": None} for r in test_rows], labels),
        "rules": evaluate(RuleTagger(taxonomy), test_rows, labels),
        "counts": {"train": Counter(l for r in train_rows for l in r["labels"]),
                   "test": Counter(l for r in test_rows for l in r["labels"])},
        "sentences": {"train": len(train_rows), "test": len(test_rows),
                      "train_docs": len({r["doc"] for r in train_rows}),
                      "test_docs": len({r["doc"] for r in test_rows})},
        "subset": subset_n, "seed": seed,
    }
    out.mkdir(parents=True, exist_ok=True)
    path = save_model(model, out / MODEL_FILE)
    loaded = load_model(path)  # prove the file round-trips through the trusted-type check
    assert loaded.predict([test_rows[0]["text"]]) == model.predict([test_rows[0]["text"]])
    result["seconds"] = round(time.time() - t0, 1)
    (out / "MODEL_CARD.md").write_text(model_card(result, model, labels), encoding="utf-8")
    if not quiet:
        c, r = result["classifier"]["families"], result["rules"]["families"]
        for f in FAMILIES:
            print(f"{f:8s} macro-F1  classifier {c[f]:.3f}   rules {r[f]:.3f}")
        print(f"saved {path} and {out / 'MODEL_CARD.md'} in {result['seconds']} s")
    return result


def model_card(res: dict, model: SentenceTagger, labels: list[str]) -> str:
    s, c, r, ns = res["sentences"], res["classifier"], res["rules"], res["classifier_no_section"]
    params = model.get_params()
    lines = [
        "# Sentence tagger: model card",
        "",
        "_Written by `python -m gxnlp.train`" + (f" --subset {res['subset']}" if res["subset"] else "")
        + f" (seed {res['seed']}); do not edit by hand._",
        "",
        "## Model",
        "",
        "`gxnlp.tag.tagger.SentenceTagger`: TF-IDF of character n-grams of the sentence, one-hot section,",
        "and the rule layer's lexicon hits and cue flags (gxnlp/data/taxonomy.toml) → one-vs-rest",
        "logistic regression (class_weight=balanced), per-label thresholds tuned for F1 on",
        "out-of-fold predictions of the training split. Saved with skops; loaded with an explicit",
        "list of trusted types (`gxnlp.tag.tagger.TRUSTED_TYPES`).",
        "",
        "Parameters: " + ", ".join(f"`{k}={v!r}`" for k, v in sorted(params.items())),
        "",
        "## Data",
        "",
        "corpora/annotations (seeds.jsonl: sentences of the five seed reports; constructed.jsonl:",
        f"sentences written in the genre). Split by document (splits.json): train {s['train']} sentences",
        f"from {s['train_docs']} documents, test {s['test']} sentences from {s['test_docs']} documents.",
        "The test split holds one real seed report; the other test documents are constructed.",
        "Scores on so small a test split move by several points with one sentence; read them as a check,",
        "not as a precise estimate.",
        "",
        "## Scores on the held-out split",
        "",
        "Macro-F1 per family (mean F1 over the family's labels):",
        "",
        "| family | rule layer | classifier | classifier, section unknown |",
        "|---|---|---|---|",
    ]
    for f in FAMILIES:
        lines.append(f"| {f}:* | {r['families'][f]:.3f} | {c['families'][f]:.3f} | {ns['families'][f]:.3f} |")
    lines += [
        "",
        f"Exact match of the whole label set per sentence: classifier {c['exact']:.3f}, rules {r['exact']:.3f}.",
        "",
        "Per label (train/test = positive sentences in each split; P/R/F1 on test):",
        "",
        "| label | train | test | P | R | F1 | rules F1 | threshold* |",
        "|---|---|---|---|---|---|---|---|",
    ]
    thresholds = dict(zip(model.binarizer_.classes_, model.thresholds_))
    for lab in labels:
        cs, rs = c["labels"][lab], r["labels"][lab]
        th = f"{thresholds[lab]:.2f}" if lab in thresholds else "–"
        lines.append(f"| {lab} | {res['counts']['train'][lab]} | {res['counts']['test'][lab]} | "
                     f"{cs['precision']:.2f} | {cs['recall']:.2f} | {cs['f1']:.2f} | {rs['f1']:.2f} | {th} |")
    weak = sorted((c["labels"][lab]["f1"], lab) for lab in labels if c["labels"][lab]["support"])[:6]
    lines += [
        "",
        "\\* the tuned probability threshold of the label; `tag()` rescales scores so that it sits at 0.5.",
        "",
        "Weakest labels (classifier F1): " + ", ".join(f"{lab} {f1:.2f}" for f1, lab in weak) + ".",
        "",
        "## Use and limits",
        "",
        "- Labels follow gxnlp/data/taxonomy.md; a sentence may get several labels or none.",
        "- The section is a feature: problem:* vs measure:* depends on it. Bare sentences",
        "  (`gxnlp tag --sentences`) are tagged without a section (last column above).",
        "- The training text is small and partly constructed; expect lower scores on reports",
        "  whose wording differs from the seeds.",
        "- Labels added by users (`load_taxonomy(extra_path)`) are not in the model; the rule layer tags them.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m gxnlp.train", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=PACKAGE_MODELS, help="folder for the model and MODEL_CARD.md")
    ap.add_argument("--annotations", type=Path, default=ANNOTATIONS, help="folder with *.jsonl and splits.json")
    ap.add_argument("--subset", type=int, default=None, help="train on N sampled training sentences (CI)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    return train(args.out, args.annotations, args.subset, args.seed, args.quiet)


if __name__ == "__main__":
    main(sys.argv[1:])
