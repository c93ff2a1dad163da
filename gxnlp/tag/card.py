"""MODEL_CARD.md, written by `python -m gxnlp.train` from the numbers of its own run."""
from __future__ import annotations

from gxnlp.tag.taxonomy import FAMILIES

MIN_SUPPORT = 5


def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def _ci(x) -> str:
    return "–" if not x else f"{x[0]:.2f}–{x[1]:.2f}"


def model_card(res: dict, model, labels: list[str]) -> str:
    s = res["sentences"]
    r, c, b = res["rules"], res["classifier"], res["combination"]
    params = model.get_params()
    lines = [
        "# Sentence tagger: model card",
        "",
        "_Written by `python -m gxnlp.train`" + (f" --subset {res['subset']}" if res["subset"] else "")
        + f" (seed {res['seed']}); do not edit by hand._",
        "",
        "## Model",
        "",
        f"Features: TF-IDF of character {params['ngram_range'][0]}–{params['ngram_range'][1]}-grams of the sentence "
        "(digits folded to 0), of the clauses holding a",
        f"cue of {' / '.join(params['cue_views']) or 'no family'}, and of its first/last characters; the section and "
        "the rule layer's verdicts (topic hits,",
        "cue families, gated labels; gxnlp/data/taxonomy.toml) as binary terms. One linear model per label",
        f"(`loss={params['loss']!r}`, class-balanced), a sigmoid per label fitted on out-of-fold scores (folds by",
        "document family); " + ("a per-label threshold tuned for F1 on those out-of-fold scores." if params.get(
            "tune_thresholds") else "each label's cut is the linear model's own (decision score 0)."),
        "",
        "Shipped as `sentence_tagger.json` (feature blocks, vocabularies, classes, lexicon, combination) +",
        "`sentence_tagger.npz` (idf, coef, intercept, calibration, thresholds), scored by `gxnlp.tag.scorer`",
        "with numpy only (no scikit-learn at tag time). Largest difference between the exported scorer and the",
        f"fitted scikit-learn objects on the test split: {res['scorer_gap']:.1e}.",
        "",
        "Parameters: " + ", ".join(f"`{k}={v!r}`" for k, v in sorted(params.items()) if k != "combine"),
        "",
        f"Shipped procedure: **{res.get('procedure', 'classifier')}**"
        + (" (per-label modes: " + ", ".join(f"{k} = {v}" for k, v in res["combine"].items()) + ")" if res["combine"] else "")
        + (f"; section gate {res['section_gate']}" if res.get("section_gate") else "") + ".",
        f"Chosen by {res.get('cv_folds', 5)}-fold cross-validation on the real training split, folds grouped by",
        "report family, every choice (mode, threshold) made on the other folds only; the test split was not",
        "used for any choice. Grouped-CV macro-F1 (labels with ≥ 5 positives in the training split):",
        "",
        "| procedure | " + " | ".join(FAMILIES) + " |",
        "|---|" + "---|" * len(FAMILIES),
        *[f"| {proc} | " + " | ".join(_f(v.get(f)) for f in FAMILIES) + " |" for proc, v in res.get("cv", {}).items()],
        "",
        "Also compared by the same grouped CV (classifier, default cut; not re-run by `python -m gxnlp.train`):",
        "C 0.1 / 0.2 / 0.3 / 0.5 / 1.0, rule-block weight 0.25 / 0.5 / 1 / 2, supplement weight 0 / 0.3 / 1, and",
        "jieba word uni+bigrams as an extra block (weight 0.5, 1); C=0.3, rule weight 0.5, supplement 0.3",
        "and no jieba block scored best (see README, Tagging on real text).",
        "",
        "## Data",
        "",
        f"Real labelled sentences: {', '.join(res['files'])}. Documents are grouped into families (reports",
        "sharing ≥ 3 sentences and ≥ 20% of the smaller one's sentences) and split by family, never by",
        f"sentence: train {s['train']} sentences from {s['train_docs']} documents; test {s['test']} sentences from",
        f"{s['test_docs']} documents ({s['test_families']} of {s['families']} families). {s['test_dropped']} test",
        "sentences whose text also occurs in training were dropped from the test.",
        "",
        f"Supplement: {s['supplement']} constructed sentences ({', '.join(res['supplement_files']) or 'none'}),",
        f"training only, sample weight {res['supplement_weight']}; thresholds and calibration use real rows only.",
    ]
    if "without_supplement" in res:
        w = res["without_supplement"]["families"]
        lines += ["Effect of the supplement (same split, combination as shipped, fitted without it): " + ", ".join(
            f"{f} {_f(w[f])} → {_f(b['families'][f])}" for f in FAMILIES) + "."]
    lines += [
        "",
        "## Scores on the real test split",
        "",
        f"Macro-F1 per family over the labels with ≥ {MIN_SUPPORT} test positives (95% interval: bootstrap over",
        "test documents); the last column averages every label with any test positive.",
        "",
        "| family | rule layer | classifier | combination (shipped) | interval (shipped) | all labels with support |",
        "|---|---|---|---|---|---|",
    ]
    for f in FAMILIES:
        lines.append(f"| {f}:* | {_f(r['families'][f])} | {_f(c['families'][f])} | {_f(b['families'][f])} | "
                     f"{_ci(b.get('intervals', {}).get('families', {}).get(f))} | {_f(b['families_all'][f])} |")
    lines += [
        "",
        f"Exact match of the whole label set per sentence: rules {r['exact']:.3f}, classifier {c['exact']:.3f},"
        f" combination {b['exact']:.3f}.",
        "",
        "Per label (shipped combination; train/test = real positive sentences, sup = constructed):",
        "",
        "| label | train | sup | test | P | R | F1 | 95% interval | rules F1 | classifier F1 | threshold |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    thresholds = dict(zip(model.classes_, model.thresholds_))
    counts = res["counts"]
    for lab in labels:
        bs, rs, cs = b["labels"][lab], r["labels"][lab], c["labels"][lab]
        ci = b.get("intervals", {}).get("labels", {}).get(lab)
        th = f"{thresholds[lab]:.2f}" if lab in thresholds else "rules"
        flag = "" if bs["support"] >= MIN_SUPPORT else " †"
        lines.append(f"| {lab}{flag} | {counts['train'][lab]} | {counts['supplement'][lab]} | {bs['support']} | "
                     f"{bs['precision']:.2f} | {bs['recall']:.2f} | {bs['f1']:.2f} | {_ci(ci)} | {rs['f1']:.2f} | "
                     f"{cs['f1']:.2f} | {th} |")
    weak = sorted((b["labels"][lab]["f1"], lab) for lab in labels if b["labels"][lab]["support"] >= MIN_SUPPORT)[:8]
    rare = [f"{lab} ({b['labels'][lab]['support']})" for lab in labels if 0 < b["labels"][lab]["support"] < MIN_SUPPORT]
    absent = [lab for lab in labels if not b["labels"][lab]["support"]]
    lines += [
        "",
        f"† fewer than {MIN_SUPPORT} real test positives: shown, not in the family macro-F1 of the first table.",
        "",
        "Weakest labels (F1, ≥ 5 test positives): " + ", ".join(f"{lab} {f1:.2f}" for f1, lab in weak) + ".",
        "",
        "Labels with 1–4 test positives: " + (", ".join(rare) or "none") + ".",
        "Labels with no test positive (no score possible): " + (", ".join(absent) or "none") + ".",
        "",
        "## Annotation agreement",
        "",
        "A second labelling pass over 300 sampled real sentences (corpora/annotations/second_annotator.jsonl):",
        "exact label-set agreement per family channel 1.000, problem 0.997, measure 0.893; mean Cohen's κ over",
        "labels 1.000 / 0.970 / 0.905; lowest κ problem:awareness 0.665, measure:publicity 0.797, measure:catalog",
        "0.823, measure:channels 0.840, measure:mechanism 0.873. Both passes were made by AI assistants working",
        "from the same guide, so this agreement is likely inflated relative to two independent human annotators.",
        "",
        "## Use and limits",
        "",
        "- Labels follow gxnlp/data/taxonomy.md; a sentence may get several labels or none. Scores are rescaled",
        "  so that 0.5 is each label's cut; rule labels score 1.0.",
        "- The section is a feature, and when the shipped procedure includes the section gate, problem:* labels",
        "  are given only in the sections where the training data has them (problems); sentences of unknown",
        "  section (\"none\") are not gated. Bare sentences (`gxnlp tag --sentences`) are tagged without one.",
        "- The real corpus has few problem sentences (real reports state problems briefly); problem labels",
        "  with small support have wide intervals. Label more with `gxnlp tag --uncertain N` and retrain with",
        "  `python -m gxnlp.train --annotations corpora/annotations --annotations mine.jsonl`.",
        "- Labels added by users (`load_taxonomy(extra_path)`) are not in the model; the rule layer tags them.",
        "",
    ]
    return "\n".join(lines)
