"""Inference: the trained sentence tagger as plain arrays, scored with numpy only.

Why not the fitted scikit-learn objects: importing scikit-learn and skops costs 2–2.5 s, most
of a one-file `gxnlp parse`, and reading a fitted pipeline's private attributes ties the
package to one scikit-learn version. At training time `classifier.SentenceTagger.export`
writes what the fitted pipeline computes with, through public attributes only:

- ``sentence_tagger.json``: the feature blocks (how each turns a sentence into terms, see
  `sentence_terms`), each block's vocabulary (terms in column order), the classes, the
  rule lexicon the model was trained with, and how rules and classifier are combined per
  family (``combine``);
- ``sentence_tagger.npz``: each block's ``idf_``, the stacked ``coef_`` (features × labels),
  ``intercept_``, the calibration sigmoids and the per-label thresholds.

`Scorer` rebuilds the pipeline's arithmetic from them: per block, term counts → tf
(sublinear: 1 + ln count) → × idf → row l2 norm → × block weight; then the linear scores
(coef, intercept), each label's sigmoid (slope, shift: Platt scaling fitted on out-of-fold
scores; slope 1, shift 0 for logistic regression) and the per-label thresholds. The feature functions below are the
very ones the estimator's vectorizers call at training time, so the two cannot drift; a
test proves the scorer equal to the fitted pipeline (1e-6: the npz stores float32 weights; tags identical) on the real test split.
"""
from __future__ import annotations

import json
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

from gxnlp.errors import RulesError
from gxnlp.tag.rules import RuleTagger
from gxnlp.tag.taxonomy import FAMILIES, as_items, strip_enumerator

MODEL_STEM = "sentence_tagger"
MODEL_ENV = "GXNLP_MODEL"
FORMAT = 1
COMBINE_MODES = ("classifier", "rules", "union", "intersection")
UNKNOWN_SECTIONS = ("", "none")  # a sentence tagged without its section: no section gate applies

_DIGITS = re.compile(r"[0-9\uff10-\uff19]+")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = "\u3002\uff1b;\uff01\uff1f!?\uff0c, \uff1a:"


# --- features: a sentence → the terms of each block ---------------------------------------------

def normalise(text: str) -> str:
    """Whitespace collapsed, Latin lower-cased, every run of digits one "0" (counts say nothing about topic)."""
    return _DIGITS.sub("0", _SPACE.sub(" ", text).strip().lower())


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """All character n-grams of `text`, lo ≤ n ≤ hi."""
    return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]


def rule_terms(section: str, analysis) -> list[str]:
    """The section and the rule layer's verdicts as terms: section, cue families, topic hits, gated labels."""
    topics, cues, gated = analysis
    return ([f"section={section}"] + [f"cue={c}" for c in sorted(cues)] + [f"hit={t}" for t in sorted(topics)]
            + [f"rule={g}" for g in gated])


def view(name: str, text: str, rules: RuleTagger, edge: int) -> str:
    """The part of the sentence a block reads: the whole text, its edges, or the clauses holding a family's cue."""
    if name == "text":
        return normalise(text)
    if name in ("head", "tail"):
        body = normalise(strip_enumerator(text)).rstrip(_EDGE_PUNCT)
        return body[:edge] if name == "head" else body[-edge:]
    if name.startswith("cue:"):
        return normalise(rules.cue_clauses(text, name[4:]))
    raise RulesError("sentence_tagger.json", f"unknown feature view {name!r}")


def sentence_terms(item: tuple[str, str], blocks: list[dict], rules: RuleTagger) -> dict[str, list[str]]:
    """{block name: terms} of one (text, section) pair: what every vectorizer of the model counts."""
    text, section = item
    out = {}
    analysis = None
    for b in blocks:
        if b["view"] == "rules":
            if analysis is None:
                analysis = rules.analyse(text)
            out[b["name"]] = rule_terms(section, analysis)
        else:
            lo, hi = b["ngram"]
            out[b["name"]] = char_ngrams(view(b["view"], text, rules, b.get("edge", 0)), lo, hi)
    return out


def block_terms(doc: dict, *, block: str) -> list[str]:
    """The analyzer of a block's vectorizer: its terms from the per-sentence dict made by `sentence_terms`."""
    return doc[block]


# --- combining classifier and rules ------------------------------------------------------------

def mode_of(modes: dict, label: str) -> str:
    """How a label joins rules and classifier: its own entry in `modes`, else its family's, else "classifier"."""
    return modes.get(label, modes.get(label.split(":", 1)[0], "classifier"))


def gated(label: str, section: str, gate: Optional[dict]) -> bool:
    """True when the section gate forbids `label` here: its family is gated to other (known) sections."""
    if not gate or section in UNKNOWN_SECTIONS:
        return False
    allowed = gate.get(label.split(":", 1)[0])
    return allowed is not None and section not in allowed


def combine(classes: list[str], scores, rule_labels: list[list[str]], modes: dict[str, str],
            threshold: float = 0.5, sections: Optional[list[str]] = None,
            gate: Optional[dict] = None) -> list[list[tuple[str, float]]]:
    """(label, score) per sentence, best first, from the classifier's decision scores and the rule labels.

    `modes` maps a label, or a family, to how its verdict is made: "classifier" keeps the
    classifier's labels with score ≥ threshold; "rules" keeps the rule labels (score 1.0);
    "union" keeps both; "intersection" keeps a classifier label only when the rules also give
    it. A label the classifier does not know (no training positives, or added by a user
    taxonomy) is always the rules' to decide. `gate` ({family: [sections]}) drops a family's
    labels from sentences of a known section outside its list (e.g. problem:* outside
    "problems"); sentences of unknown section ("none") are never gated.
    """
    known = set(classes)
    out = []
    rows = scores.tolist() if hasattr(scores, "tolist") else scores
    for i, (row, ruled) in enumerate(zip(rows, rule_labels)):
        section = sections[i] if sections is not None else "none"
        ruled = set(ruled)
        hits = {}
        for label, s in zip(classes, row):
            mode = mode_of(modes, label)
            if s >= threshold and mode != "rules" and (mode != "intersection" or label in ruled):
                hits[label] = s
        for label in ruled:
            mode = mode_of(modes, label)
            if label not in known or mode in ("rules", "union"):
                if 1.0 >= threshold:
                    hits[label] = max(hits.get(label, 0.0), 1.0)
        out.append(sorted(((lab, sc) for lab, sc in hits.items() if not gated(lab, section, gate)),
                          key=lambda h: -h[1]))
    return out


def rescale(p, thresholds):
    """Probabilities rescaled per label so that 0.5 is that label's tuned threshold (monotone)."""
    import numpy as np

    t = np.clip(np.asarray(thresholds, dtype=float), 1e-6, 1 - 1e-6)
    return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))


# --- the scorer --------------------------------------------------------------------------------

class Scorer:
    """The shipped tagger: numpy arrays + JSON vocabularies, no scikit-learn.

    Same interface as `RuleTagger` and `SentenceTagger` (predict_proba, decision_scores,
    predict, tag), so callers never ask which one they hold.
    """

    def __init__(self, meta: dict, arrays: dict):
        import numpy as np

        if meta.get("format") != FORMAT:
            raise RulesError(MODEL_STEM + ".json", f"model format {meta.get('format')!r}, this gxnlp reads {FORMAT}")
        self.meta = meta
        self.classes_ = list(meta["classes"])
        self.blocks = meta["blocks"]
        self.modes = dict(meta.get("combine", {}))
        self.gate = {f: list(v) for f, v in (meta.get("section_gate") or {}).items()}
        self.rules = RuleTagger(lexicon=meta["lexicon"])
        self.coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)  # (n_features, n_labels)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        self.thresholds_ = np.asarray(arrays["thresholds"], dtype=np.float64)
        self.slope = np.asarray(arrays["slope"], dtype=np.float64)  # Platt sigmoid of each label's linear score
        self.shift = np.asarray(arrays["shift"], dtype=np.float64)
        self._columns, self._idf, self._offsets, offset = [], [], [], 0
        for b in self.blocks:
            self._offsets.append(offset)
            vocab = meta["vocabularies"][b["name"]]
            self._columns.append({term: offset + j for j, term in enumerate(vocab)})
            idf = arrays.get(f"idf:{b['name']}")
            self._idf.append(None if idf is None else np.asarray(idf, dtype=np.float64))
            offset += len(vocab)
        if offset != self.coef.shape[0] or self.coef.shape[1] != len(self.classes_):
            raise RulesError(MODEL_STEM + ".npz", f"coef has shape {self.coef.shape}, the vocabularies "
                                                  f"{offset} features and {len(self.classes_)} classes")
        self.n_features = offset

    @classmethod
    def load(cls, folder: Union[str, Path]) -> "Scorer":
        import numpy as np

        folder = Path(folder)
        meta = json.loads((folder / f"{MODEL_STEM}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{MODEL_STEM}.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        return cls(meta, arrays)

    def features(self, items: list[tuple[str, str]]):
        """(rows, columns, values) of the feature matrix, as the fitted FeatureUnion gives it."""
        import numpy as np

        rows, cols, vals = [], [], []
        for i, item in enumerate(items):
            terms = sentence_terms(item, self.blocks, self.rules)
            for b, columns, idf, start in zip(self.blocks, self._columns, self._idf, self._offsets):
                counts: dict[int, int] = {}
                for t in terms[b["name"]]:
                    j = columns.get(t)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if not counts:
                    continue
                js = np.fromiter(counts, dtype=np.intp, count=len(counts))
                v = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                if b["binary"]:
                    v[:] = 1.0
                if b["sublinear"]:
                    v = np.log(v) + 1.0
                if idf is not None:
                    v = v * idf[js - start]
                if b["norm"] == "l2":
                    norm = np.sqrt(np.dot(v, v))
                    if norm > 0:
                        v = v / norm
                v = v * b["weight"]
                rows.append(np.full(len(js), i, dtype=np.intp))
                cols.append(js)
                vals.append(v)
        if not rows:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0)
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def decision_function(self, sentences):
        import numpy as np

        items = as_items(sentences)
        out = np.tile(self.intercept, (len(items), 1))
        rows, cols, vals = self.features(items)
        if len(rows):
            np.add.at(out, rows, vals[:, None] * self.coef[cols])
        return out

    def predict_proba(self, sentences):
        """Per-label probabilities (columns in the order of `classes_`), as the fitted pipeline's predict_proba."""
        import numpy as np

        z = self.decision_function(sentences) * self.slope + self.shift
        return 1.0 / (1.0 + np.exp(-z))

    def decision_scores(self, sentences):
        """Probabilities rescaled so that 0.5 is each label's tuned threshold."""
        return rescale(self.predict_proba(sentences), self.thresholds_)

    def tag(self, sentences, threshold: Optional[float] = None) -> list[list[tuple[str, float]]]:
        """(label, score) of the labels of each sentence, best first (classifier and rules combined per label, section gate applied)."""
        items = as_items(sentences)
        if not items:
            return []
        scores = self.decision_scores(items)
        ruled = [self.rules.labels_for(text) for text, _ in items]
        return combine(self.classes_, scores, ruled, self.modes, 0.5 if threshold is None else threshold,
                       [section for _, section in items], self.gate)

    def predict(self, sentences, threshold: Optional[float] = None) -> list[tuple[str, ...]]:
        return [tuple(sorted(lab for lab, _ in row)) for row in self.tag(sentences, threshold)]

    def uncertainty(self, sentences):
        """Per sentence, how close its most doubtful label is to its threshold: 1 at the threshold, 0 far away."""
        import numpy as np

        s = self.decision_scores(sentences)
        if s.size == 0:
            return np.zeros(len(s))
        return 1.0 - 2.0 * np.abs(s - 0.5).min(axis=1)


# --- the shipped model -------------------------------------------------------------------------

def package_models() -> Path:
    return Path(__file__).resolve().parent.parent / "models"


def default_model_path() -> Path:
    """$GXNLP_MODEL, else the model folder shipped inside the package (gxnlp/models/)."""
    env = os.environ.get(MODEL_ENV)
    return Path(env) if env else package_models()


def model_folder(path: Union[str, Path]) -> Path:
    """The folder holding sentence_tagger.json/.npz, given it or one of the two files."""
    path = Path(path)
    return path.parent if path.suffix in (".json", ".npz") else path


def load_model(path: Union[str, Path, None] = None):
    """The trained tagger (a `Scorer`, offline, numpy only); the rule layer, with a warning, if there is none."""
    folder = model_folder(path if path is not None else default_model_path())
    if not (folder / f"{MODEL_STEM}.json").is_file() or not (folder / f"{MODEL_STEM}.npz").is_file():
        warnings.warn(f"gxnlp: no sentence model at {folder}; tagging with the rule layer only", stacklevel=2)
        return RuleTagger()
    try:
        return Scorer.load(folder)
    except (OSError, ValueError, KeyError) as e:
        raise RulesError(str(folder), f"unreadable sentence model: {e}") from e


@lru_cache(maxsize=1)
def default_model():
    """The shipped model, loaded once per process, on first use."""
    return load_model()


def family_of(label: str) -> str:
    return label.split(":", 1)[0]


__all__ = ["Scorer", "load_model", "default_model", "default_model_path", "sentence_terms", "combine",
           "FAMILIES", "MODEL_STEM"]
