"""Sentence labels: the taxonomy as data, a rule layer, and a statistical multi-label tagger.

Why two layers: the rule layer (lexicon substrings gated by cue words, all in
gxnlp/data/taxonomy.toml) needs no model and tags user-added labels; the classifier,
trained on corpora/annotations, reads the whole sentence and its section and is what
`tag_sections` uses when the shipped model is present. The rule hits are also the
classifier's features, so both share one lexicon.

scikit-learn and skops are imported lazily: `split_sentences` and the rule layer work
without them.
"""
from __future__ import annotations

import os
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Union

from . import rules
from .errors import RulesError
from .model import Section, Sentence
from .sentences import split_sentences

LABEL_NAME = re.compile(r"^[a-z][a-z0-9_]*:[a-z0-9_]+$")
MODEL_FILE = "sentence_tagger.skops"
MODEL_ENV = "GXNLP_MODEL"
NO_SECTION = "none"


# --- taxonomy ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    name: str
    definition: str
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    not_words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.name.split(":", 1)[0]


@dataclass(frozen=True)
class Family:
    name: str
    description: str = ""
    cues: tuple[str, ...] = ()
    requires_cue: bool = False
    blocked_by: Optional[str] = None


@dataclass(frozen=True)
class Taxonomy:
    labels: dict[str, Label]
    families: dict[str, Family] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.labels)

    def family_labels(self, family: str) -> list[str]:
        return [n for n, lab in self.labels.items() if lab.family == family]

    def lexicon(self) -> dict:
        """Plain dicts/lists/str: what a trained model stores so it does not depend on later edits."""
        return {
            "labels": {n: {"words": list(l.words), "patterns": list(l.patterns), "not_words": list(l.not_words)}
                       for n, l in self.labels.items()},
            "families": {n: {"cues": list(f.cues), "requires_cue": f.requires_cue, "blocked_by": f.blocked_by or ""}
                         for n, f in self.families.items()},
        }


def _strings(where: str, value, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(where, f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _merge(base: dict, extra: dict, where: str) -> dict:
    """Merge a user taxonomy into the shipped one: new labels added, word lists appended."""
    labels = {k: dict(v) for k, v in base.get("label", {}).items()}
    for name, entry in extra.get("label", {}).items():
        if name in labels:
            merged = labels[name]
            for key in ("words", "patterns", "not_words"):
                merged[key] = [*merged.get(key, ()), *_strings(where, entry.get(key), key)]
            for key in ("definition", "examples"):
                if key in entry:
                    merged[key] = entry[key]
        else:
            labels[name] = dict(entry)
    families = {k: dict(v) for k, v in base.get("family", {}).items()}
    for name, entry in extra.get("family", {}).items():
        merged = families.setdefault(name, {})
        merged["cues"] = [*merged.get("cues", ()), *_strings(where, entry.get("cues"), "cues")]
        for key in ("description", "requires_cue", "blocked_by"):
            if key in entry:
                merged[key] = entry[key]
    return {"label": labels, "family": families}


def _build(data: dict, where: str) -> Taxonomy:
    labels = {}
    for name, entry in data.get("label", {}).items():
        if not LABEL_NAME.match(name):
            raise RulesError(where, f"bad label name {name!r} (want family:name, lower case)")
        if not isinstance(entry.get("definition"), str) or not entry["definition"].strip():
            raise RulesError(where, f"label {name!r} has no definition")
        patterns = _strings(where, entry.get("patterns"), "patterns")
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise RulesError(where, f"label {name!r}: bad pattern {p!r}: {e}") from e
        labels[name] = Label(name, entry["definition"], _strings(where, entry.get("words"), "words"), patterns,
                             _strings(where, entry.get("not_words"), "not_words"),
                             _strings(where, entry.get("examples"), "examples"))
    families = {}
    for name in dict.fromkeys(lab.family for lab in labels.values()):
        entry = data.get("family", {}).get(name, {})
        blocked = entry.get("blocked_by") or None
        if blocked is not None and blocked not in data.get("family", {}):
            raise RulesError(where, f"family {name!r} blocked by unknown family {blocked!r}")
        families[name] = Family(name, entry.get("description", ""), _strings(where, entry.get("cues"), "cues"),
                                bool(entry.get("requires_cue", False)), blocked)
    return Taxonomy(labels, families)


def _thaw(obj):
    if hasattr(obj, "items"):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return [_thaw(v) for v in obj]
    return obj


def load_taxonomy(extra_path: Union[str, Path, None] = None) -> Taxonomy:
    """The shipped taxonomy, merged with a user TOML of the same shape when given.

    A user file adds labels (``[label."channel:radio"]`` with ``definition``, ``words``, …) or
    extends existing ones (its ``words``/``patterns``/``not_words`` are appended; its
    ``definition``/``examples`` replace). The shipped model knows only the labels it was trained
    on; added labels are tagged by the rule layer.
    """
    if extra_path is None:
        return _shipped_taxonomy()
    base = _thaw(rules.load("taxonomy"))
    where = str(extra_path)
    try:
        extra = tomllib.loads(Path(extra_path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(where, str(e)) from e
    return _build(_merge(base, extra, where), where)


@lru_cache(maxsize=1)
def _shipped_taxonomy() -> Taxonomy:
    return _build(_thaw(rules.load("taxonomy")), "gxnlp/data/taxonomy.toml")


# --- inputs --------------------------------------------------------------------------------

def as_items(X) -> list[tuple[str, str]]:
    """(text, section) pairs from strings, Sentences, dicts or (text, section) tuples."""
    items = []
    for x in X:
        if isinstance(x, str):
            items.append((x, NO_SECTION))
        elif isinstance(x, Sentence):
            items.append((x.text, x.section or NO_SECTION))
        elif isinstance(x, dict):
            items.append((x["text"], x.get("section") or NO_SECTION))
        else:
            text, section = x
            items.append((text, section or NO_SECTION))
    return items


# --- rule layer ----------------------------------------------------------------------------

class RuleTagger:
    """Lexicon substrings and patterns per label, gated by the family's cue words.

    A label's topic words say what a sentence is about; the family cues say whether it admits
    a shortcoming (problem:*) or reports an action (measure:*). Scores are 1.0.
    """

    def __init__(self, taxonomy: Optional[Taxonomy] = None, lexicon: Optional[dict] = None):
        lexicon = lexicon if lexicon is not None else (taxonomy or load_taxonomy()).lexicon()
        self.labels = list(lexicon["labels"])
        self._words = {n: tuple(e["words"]) for n, e in lexicon["labels"].items()}
        self._patterns = {n: tuple(re.compile(p) for p in e["patterns"]) for n, e in lexicon["labels"].items()}
        self._not = {n: tuple(e["not_words"]) for n, e in lexicon["labels"].items()}
        self._families = lexicon["families"]
        self._family_of = {n: n.split(":", 1)[0] for n in self.labels}

    def topics(self, text: str) -> set[str]:
        """Labels whose topic words or patterns occur (no cue gating)."""
        hit = set()
        for name in self.labels:
            if any(w in text for w in self._not[name]):
                continue
            if any(w in text for w in self._words[name]) or any(p.search(text) for p in self._patterns[name]):
                hit.add(name)
        return hit

    def cues(self, text: str) -> set[str]:
        """Families whose cue words occur."""
        return {f for f, e in self._families.items() if e["cues"] and any(c in text for c in e["cues"])}

    def gate(self, topics: set[str], cues: set[str]) -> list[str]:
        out = []
        for name in self.labels:
            if name not in topics:
                continue
            fam = self._families.get(self._family_of[name], {})
            if fam.get("requires_cue") and self._family_of[name] not in cues:
                continue
            if fam.get("blocked_by") and fam["blocked_by"] in cues:
                continue
            out.append(name)
        return out

    def labels_for(self, text: str) -> list[str]:
        return self.gate(self.topics(text), self.cues(text))

    def predict(self, X) -> list[tuple[str, ...]]:
        return [tuple(self.labels_for(text)) for text, _ in as_items(X)]

    def tag(self, X) -> list[list[tuple[str, float]]]:
        return [[(lab, 1.0) for lab in self.labels_for(text)] for text, _ in as_items(X)]


# --- classifier ----------------------------------------------------------------------------

try:
    from sklearn.base import BaseEstimator
except ImportError:  # pragma: no cover - the rule layer works without scikit-learn
    BaseEstimator = object


class SentenceTagger(BaseEstimator):
    """Multi-label sentence classifier: char n-gram TF-IDF + section + rule hits → one-vs-rest LR.

    Why these features: labels hinge on short domain words (时效性, 公众号) that char n-grams
    catch without a segmenter; problem vs measure hinges on the section and on cue words
    (不足/有待 vs 加强/完善), which the rule features make explicit. Per-label thresholds are
    tuned on out-of-fold predictions for F1 (`tune_thresholds`), starting from `threshold`.
    """

    def __init__(self, *, ngram_range=(1, 3), C=4.0, threshold=0.5, analyzer="char_wb", min_df=1,
                 max_features=None, sublinear_tf=True, use_rules=True, use_section=True,
                 tune_thresholds=True, cv=3, random_state=0):
        self.ngram_range = ngram_range
        self.C = C
        self.threshold = threshold
        self.analyzer = analyzer
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.use_rules = use_rules
        self.use_section = use_section
        self.tune_thresholds = tune_thresholds
        self.cv = cv
        self.random_state = random_state

    # skops stores __dict__; the compiled rule layer is rebuilt from lexicon_ on demand.
    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_rule_cache", None)
        return state

    def _rules(self) -> RuleTagger:
        cache = self.__dict__.get("_rule_cache")
        if cache is None:
            cache = self.__dict__["_rule_cache"] = RuleTagger(lexicon=self.lexicon_)
        return cache

    def _frame(self, items):
        import pandas as pd

        cols = {"text": [t for t, _ in items], "section": [s for _, s in items]}
        if self.use_rules:
            r = self._rules()
            topics = [r.topics(t) for t, _ in items]
            cues = [r.cues(t) for t, _ in items]
            gated = [set(r.gate(tp, cu)) for tp, cu in zip(topics, cues)]
            for fam in self.rule_families_:
                cols[f"cue:{fam}"] = [float(fam in c) for c in cues]
            for name in self.rule_labels_:
                cols[f"hit:{name}"] = [float(name in tp) for tp in topics]
                cols[f"rule:{name}"] = [float(name in g) for g in gated]
        return pd.DataFrame(cols)

    def _pipeline(self, rule_columns):
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder

        parts = [("text", TfidfVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range),
                                          min_df=self.min_df, max_features=self.max_features,
                                          sublinear_tf=self.sublinear_tf), "text")]
        if self.use_section:
            parts.append(("section", OneHotEncoder(handle_unknown="ignore"), ["section"]))
        if rule_columns:
            parts.append(("rules", "passthrough", rule_columns))
        clf = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", max_iter=1000,
                                 random_state=self.random_state)
        return Pipeline([("features", ColumnTransformer(parts)), ("clf", OneVsRestClassifier(clf))])

    def fit(self, sentences, label_sets, taxonomy: Optional[Taxonomy] = None):
        """Learn from sentences (str, Sentence, dict or (text, section)) and their label lists."""
        import numpy as np
        from sklearn.preprocessing import MultiLabelBinarizer

        items = as_items(sentences)
        label_sets = [list(ls) for ls in label_sets]
        if len(items) != len(label_sets):
            raise ValueError(f"{len(items)} sentences but {len(label_sets)} label sets")
        taxonomy = taxonomy or load_taxonomy()
        self.lexicon_ = taxonomy.lexicon()
        self.__dict__.pop("_rule_cache", None)
        self.rule_labels_ = list(self.lexicon_["labels"]) if self.use_rules else []
        self.rule_families_ = [f for f, e in self.lexicon_["families"].items() if e["cues"]] if self.use_rules else []
        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform(label_sets)
        frame = self._frame(items)
        rule_columns = [c for c in frame.columns if c not in ("text", "section")]
        self.pipeline_ = self._pipeline(rule_columns)
        self.thresholds_ = np.full(Y.shape[1], float(self.threshold))
        if self.tune_thresholds and self.cv and len(items) >= 4 * self.cv:
            self.thresholds_ = self._tuned_thresholds(frame, Y, rule_columns)
        self.pipeline_.fit(frame, Y)
        return self

    def _tuned_thresholds(self, frame, Y, rule_columns):
        """Per label, the threshold with the best out-of-fold F1 (ties → nearest `threshold`)."""
        import numpy as np
        from sklearn.model_selection import KFold

        oof = np.zeros(Y.shape, dtype=float)
        folds = KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(frame):
            est = self._pipeline(rule_columns)
            est.fit(frame.iloc[train], Y[train])
            oof[test] = est.predict_proba(frame.iloc[test])
        grid = np.round(np.arange(0.15, 0.90, 0.05), 2)
        out = np.full(Y.shape[1], float(self.threshold))
        for j in range(Y.shape[1]):
            if Y[:, j].sum() < 3:
                continue  # too few positives to tune on
            best = (-1.0, 0.0, self.threshold)
            for t in grid:
                pred = oof[:, j] >= t
                tp = float((pred & (Y[:, j] == 1)).sum())
                f1 = 2 * tp / (pred.sum() + Y[:, j].sum()) if (pred.sum() + Y[:, j].sum()) else 0.0
                key = (round(f1, 6), -abs(t - self.threshold), t)
                if key > best:
                    best = key
            out[j] = best[2]
        return out

    @property
    def classes_(self):
        return list(self.binarizer_.classes_)

    def predict_proba(self, sentences):
        """Scores per label, columns in the order of `classes_`."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, ["pipeline_", "binarizer_"])
        items = as_items(sentences)
        if not items:
            import numpy as np

            return np.zeros((0, len(self.binarizer_.classes_)))
        return self.pipeline_.predict_proba(self._frame(items))

    def predict(self, sentences) -> list[tuple[str, ...]]:
        """A tuple of labels per sentence."""
        proba = self.predict_proba(sentences)
        classes = self.binarizer_.classes_
        return [tuple(classes[j] for j in range(len(classes)) if row[j] >= self.thresholds_[j]) for row in proba]

    def tag(self, sentences) -> list[list[tuple[str, float]]]:
        """(label, score) of the labels predicted for each sentence, best first."""
        proba = self.predict_proba(sentences)
        classes = self.binarizer_.classes_
        out = []
        for row in proba:
            hits = [(str(classes[j]), float(row[j])) for j in range(len(classes)) if row[j] >= self.thresholds_[j]]
            out.append(sorted(hits, key=lambda h: -h[1]))
        return out


# --- the shipped model ---------------------------------------------------------------------

# Every type the shipped model may contain. Loading refuses a file with any other type, so a
# tampered or foreign .skops file cannot run code (skops' trust model, listed not blanket).
TRUSTED_TYPES = (
    "gxnlp.tagging.SentenceTagger",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.utils._bunch.Bunch",
    "builtins.slice",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "collections.OrderedDict",
)


def default_model_path() -> Path:
    """$GXNLP_MODEL, else models/sentence_tagger.skops in the repository."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models" / MODEL_FILE


def save_model(model: SentenceTagger, path: Union[str, Path]) -> Path:
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.__dict__.pop("_rule_cache", None)
    sio.dump(model, path)
    return path


def load_model(path: Union[str, Path, None] = None):
    """The trained SentenceTagger (offline, from a file); the rule layer, with a warning, if there is none.

    `path` may be a .skops file or a folder holding sentence_tagger.skops. Types in the file
    are checked against TRUSTED_TYPES; an unexpected type raises RulesError.
    """
    path = Path(path) if path is not None else default_model_path()
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.is_file():
        warnings.warn(f"gxnlp: no sentence model at {path}; tagging with the rule layer only", stacklevel=2)
        return RuleTagger()
    try:
        import skops.io as sio
    except ImportError:
        warnings.warn("gxnlp: skops/scikit-learn not installed (pip install gxnlp[nlp]); "
                      "tagging with the rule layer only", stacklevel=2)
        return RuleTagger()
    untrusted = sio.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise RulesError(str(path), f"model file contains untrusted types: {', '.join(unexpected)}")
    return sio.load(path, trusted=list(untrusted))


@lru_cache(maxsize=1)
def default_model():
    """The shipped model, loaded once per process."""
    return load_model()


# --- outputs -------------------------------------------------------------------------------

def tag_sentences(sentences: list[Sentence], model=None) -> list[Sentence]:
    """Fill `labels` of the non-heading sentences in place (and return them)."""
    model = default_model() if model is None else model
    body = [s for s in sentences if not s.heading]
    if body:
        for sentence, labels in zip(body, model.tag(body)):
            sentence.labels = labels
    return sentences


def tag_sections(sections: dict[str, Optional[Section]], model=None) -> list[Sentence]:
    """Sentences of all sections, in report order, with labels and scores (what `report.sentences` holds)."""
    sentences: list[Sentence] = []
    for key, section in sections.items():
        if section is not None:
            sentences.extend(split_sentences(key, section.text))
    return tag_sentences(sentences, model)


def tag_texts(texts: Iterable[str], model=None, section: Optional[str] = None) -> list[dict]:
    """Bare sentences → [{"text", "labels"}] in input order (the `gxnlp tag --sentences` rows)."""
    texts = list(texts)
    model = default_model() if model is None else model
    tagged = model.tag([(t, section or NO_SECTION) for t in texts]) if texts else []
    return [{"text": t, "labels": [lab for lab, _ in labels], "scores": {lab: round(p, 3) for lab, p in labels}}
            for t, labels in zip(texts, tagged)]
