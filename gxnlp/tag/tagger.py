"""Sentence labels: the taxonomy as data, a rule layer, and a statistical multi-label tagger.

Why two layers: the rule layer (lexicon substrings gated by cue words, all in
gxnlp/data/taxonomy.toml) needs no model and tags user-added labels; the classifier,
trained on corpora/annotations, reads the whole sentence and its section and is what
`tag_sections` uses when the shipped model is present. The rule hits are also the
classifier's features, so both share one lexicon.

scikit-learn and skops are optional (gxnlp[nlp]): without them the rule layer tags, and
`load_model` says so in a warning.
"""
from __future__ import annotations

import os
import re
import tomllib
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Union

from gxnlp import rules
from gxnlp.errors import RulesError
from gxnlp.model.core import Section, Sentence
from gxnlp.tag.sentences import split_sentences

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
    scope: str = "sentence"  # where the cue must stand: "sentence" or "clause" (with the topic word)


@dataclass(frozen=True)
class Taxonomy:
    labels: dict[str, Label]
    families: dict[str, Family] = field(default_factory=dict)
    clause_punct: str = "，；：。！？,;:!?"

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
            "families": {n: {"cues": list(f.cues), "requires_cue": f.requires_cue, "blocked_by": f.blocked_by or "",
                             "scope": f.scope} for n, f in self.families.items()},
            "clause_punct": self.clause_punct,
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
        for key in ("description", "requires_cue", "blocked_by", "scope"):
            if key in entry:
                merged[key] = entry[key]
    return {"label": labels, "family": families, "sentences": base.get("sentences", {})}


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
        scope = entry.get("scope", "sentence")
        if scope not in ("sentence", "clause"):
            raise RulesError(where, f"family {name!r}: scope must be 'sentence' or 'clause', not {scope!r}")
        families[name] = Family(name, entry.get("description", ""), _strings(where, entry.get("cues"), "cues"),
                                bool(entry.get("requires_cue", False)), blocked, scope)
    return Taxonomy(labels, families, data.get("sentences", {}).get("clause_punct", Taxonomy.clause_punct))


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


def strip_enumerator(text: str) -> str:
    """The sentence without its list marker ("二是", "（三）"), so that its first words are its verb or subject."""
    from gxnlp.tag.sentences import split_rules

    m = split_rules().marker.match(text)
    return text[m.end():] if m else text


# --- rule layer ----------------------------------------------------------------------------

class RuleTagger:
    """Lexicon substrings and patterns per label, gated by the family's cue words.

    A label's topic words say what a sentence is about; the family cues say whether it admits
    a shortcoming (problem:*) or reports an action (measure:*). Scores are 1.0.

    Speed: instead of testing every word of every label (~800 substring tests a sentence),
    `_present` finds which lexicon strings occur in one pass: strings are indexed by their
    first two characters, the sentence's character pairs select the candidates, and each
    candidate is confirmed by a substring test. Labels whose not_words occur are then checked
    the original way (mask, then test), so the result is the same as `_analyse_reference`.
    """

    def __init__(self, taxonomy: Optional[Taxonomy] = None, lexicon: Optional[dict] = None):
        lexicon = lexicon if lexicon is not None else (taxonomy or load_taxonomy()).lexicon()
        self.labels = list(lexicon["labels"])
        self._words = {n: tuple(e["words"]) for n, e in lexicon["labels"].items()}
        self._patterns = {n: tuple(re.compile(p) for p in e["patterns"]) for n, e in lexicon["labels"].items()}
        self._not = {n: tuple(e["not_words"]) for n, e in lexicon["labels"].items()}
        self._families = lexicon["families"]
        self._family_of = {n: n.split(":", 1)[0] for n in self.labels}
        self._clause = re.compile(f"[{re.escape(lexicon.get('clause_punct') or Taxonomy.clause_punct)}]")
        self._index()

    def _index(self):
        """Lexicon string → labels (topic words), labels (not_words), families (cues); and the lookup tables."""
        self._word_labels: dict[str, list[str]] = {}
        self._not_labels: dict[str, list[str]] = {}
        self._cue_families: dict[str, list[str]] = {}
        for name in self.labels:
            for w in self._words[name]:
                self._word_labels.setdefault(w, []).append(name)
            for w in self._not[name]:
                self._not_labels.setdefault(w, []).append(name)
        for fam, entry in self._families.items():
            for c in entry["cues"]:
                self._cue_families.setdefault(c, []).append(fam)
        strings = {*self._word_labels, *self._not_labels, *self._cue_families}
        self._singles = frozenset(s for s in strings if len(s) == 1)
        by_pair: dict[str, list[str]] = {}
        for s in sorted(strings):
            if len(s) >= 2:
                by_pair.setdefault(s[:2], []).append(s)
        self._by_pair = by_pair
        self._pair_keys = frozenset(by_pair)
        self._pattern_labels = [n for n in self.labels if self._patterns[n]]
        self._cue_res: dict[str, Optional[re.Pattern]] = {}
        self._order = {n: i for i, n in enumerate(self.labels)}

    def _present(self, text: str) -> set[str]:
        """The lexicon strings (topic words, not_words, cues) that occur in `text`."""
        found = set(self._singles.intersection(text)) if self._singles else set()
        for pair in self._pair_keys.intersection(map(str.__add__, text, text[1:])):
            for s in self._by_pair[pair]:
                if s in text:
                    found.add(s)
        return found

    def _topics_cues(self, text: str, within: Optional[set[str]] = None) -> tuple[set[str], set[str], set[str]]:
        """(topics, cue families, lexicon strings present) of `text`.

        `within`: the lexicon strings present in a text that holds `text` (a clause's sentence).
        """
        present = self._present(text) if within is None else {s for s in within if s in text}
        hit: set[str] = set()
        cues: set[str] = set()
        masked: set[str] = set()
        for s in present:
            if s in self._word_labels:
                hit.update(self._word_labels[s])
            if s in self._not_labels:
                masked.update(self._not_labels[s])
            if s in self._cue_families:
                cues.update(self._cue_families[s])
        for name in self._pattern_labels:
            if name not in hit and name not in masked and any(p.search(text) for p in self._patterns[name]):
                hit.add(name)
        for name in masked:  # a not_word occurs: mask it and test this label as the reference does
            hit.discard(name)
            if self._topic_reference(name, text):
                hit.add(name)
        return hit, cues, present

    def _topic_reference(self, name: str, text: str) -> bool:
        seen = text
        for w in self._not[name]:
            if w in seen:
                seen = seen.replace(w, "\0")
        return any(w in seen for w in self._words[name]) or any(p.search(seen) for p in self._patterns[name])

    def topics(self, text: str) -> set[str]:
        """Labels whose topic words or patterns occur (no cue gating)."""
        return self._topics_cues(text)[0]

    def cues(self, text: str) -> set[str]:
        """Families whose cue words occur."""
        return self._topics_cues(text)[1]

    def _cue_re(self, family: str) -> Optional[re.Pattern]:
        if family not in self._cue_res:
            cues = self._families.get(family, {}).get("cues", ())
            self._cue_res[family] = re.compile("|".join(map(re.escape, cues))) if cues else None
        return self._cue_res[family]

    def cue_clauses(self, text: str, family: str) -> str:
        """The clauses of `text` that hold a cue of `family`, joined by spaces."""
        cue = self._cue_re(family)
        if cue is None:
            return ""
        return " ".join(c for c in self._clause.split(text) if cue.search(c))

    def analyse(self, text: str) -> tuple[set[str], set[str], list[str]]:
        """(topics, cue families, gated labels) of one sentence."""
        topics, cues, present = self._topics_cues(text)
        # a clause is part of the sentence: its lexicon strings are among the sentence's
        return topics, cues, self._gate(text, topics, cues, lambda c: self._topics_cues(c, present)[:2])

    def _gate(self, text, topics, cues, topics_cues) -> list[str]:
        clauses = None
        out = []
        for name in (sorted(topics, key=self._order.__getitem__) if len(topics) > 1 else topics):
            family = self._family_of[name]
            fam = self._families.get(family, {})
            if fam.get("blocked_by") and fam["blocked_by"] in cues:
                continue
            if fam.get("requires_cue"):
                if family not in cues:
                    continue
                if fam.get("scope") == "clause":
                    if clauses is None:
                        clauses = [topics_cues(c) for c in self._clause.split(text) if c.strip()]
                    if not any(name in t and family in c for t, c in clauses):
                        continue
            out.append(name)
        return out

    # The plain implementation: every word of every label tested in turn. Kept as the
    # reference the indexed path is tested against (tests/test_tagging.py).
    def _topics_reference(self, text: str) -> set[str]:
        return {name for name in self.labels if self._topic_reference(name, text)}

    def _cues_reference(self, text: str) -> set[str]:
        return {f for f, e in self._families.items() if e["cues"] and any(c in text for c in e["cues"])}

    def _cue_clauses_reference(self, text: str, family: str) -> str:
        cues = self._families.get(family, {}).get("cues", ())
        return " ".join(c for c in self._clause.split(text) if any(w in c for w in cues))

    def _analyse_reference(self, text: str) -> tuple[set[str], set[str], list[str]]:
        topics, cues = self._topics_reference(text), self._cues_reference(text)
        gated = self._gate(text, topics, cues, lambda c: (self._topics_reference(c), self._cues_reference(c)))
        return topics, cues, gated

    def labels_for(self, text: str) -> list[str]:
        return self.analyse(text)[2]

    def predict(self, X, threshold: Optional[float] = None) -> list[tuple[str, ...]]:
        return [tuple(self.labels_for(text)) for text, _ in as_items(X)]

    def tag(self, X, threshold: Optional[float] = None) -> list[list[tuple[str, float]]]:
        """Rule hits score 1.0, so any threshold ≤ 1 keeps them."""
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
    (不足/有待 vs 加强/完善), which the rule features make explicit (scaled by `rule_weight`).
    `cue_views` adds n-grams of only the clauses holding a cue of that family, so that the
    topic of an admitted shortcoming is read from its own clause; `edge_chars` adds n-grams of
    the first and last characters (a measure opens with its verb, a problem ends with 不足/不高).
    Per-label thresholds are tuned on out-of-fold predictions for F1 (`tune_thresholds`,
    folds by `groups` when fit gets them), starting from `threshold`.
    """

    def __init__(self, *, ngram_range=(1, 3), C=4.0, threshold=0.5, analyzer="char_wb", min_df=3,
                 max_features=None, sublinear_tf=True, use_rules=True, use_section=True, rule_weight=0.5,
                 cue_views=("problem",), edge_chars=4, tune_thresholds=True, cv=3, random_state=0):
        self.ngram_range = ngram_range
        self.C = C
        self.threshold = threshold
        self.analyzer = analyzer
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.use_rules = use_rules
        self.use_section = use_section
        self.rule_weight = rule_weight
        self.cue_views = cue_views
        self.edge_chars = edge_chars
        self.tune_thresholds = tune_thresholds
        self.cv = cv
        self.random_state = random_state

    # skops stores __dict__; the compiled rule layer and the compiled inference path are
    # rebuilt from the learned state on demand, never saved.
    _CACHES = ("_rule_cache", "_fast_cache")

    def __getstate__(self):
        state = super().__getstate__()
        for key in self._CACHES:
            state.pop(key, None)
        return state

    def _drop_caches(self):
        for key in self._CACHES:
            self.__dict__.pop(key, None)

    def _rules(self) -> RuleTagger:
        cache = self.__dict__.get("_rule_cache")
        if cache is None:
            cache = self.__dict__["_rule_cache"] = RuleTagger(lexicon=self.lexicon_)
        return cache

    def _inputs(self, items, reference: bool = False) -> tuple[dict[str, list], list]:
        """The text columns the features read, and the rule analysis of each sentence.

        `reference` uses the rule layer's plain implementation (for the reference path).
        """
        r = self._rules()
        analyse = r._analyse_reference if reference else r.analyse
        cue_clauses = r._cue_clauses_reference if reference else r.cue_clauses
        cols = {"text": [t for t, _ in items], "section": [s for _, s in items]}
        analysed = [analyse(t) for t, _ in items]
        for fam in self.cue_views:
            cols[f"view:{fam}"] = [cue_clauses(t, fam) for t, _ in items]
        if self.edge_chars:
            bodies = [strip_enumerator(t).rstrip("。；;！？!?，, ") for t, _ in items]
            cols["head"] = [b[: self.edge_chars] for b in bodies]
            cols["tail"] = [b[-self.edge_chars:] for b in bodies]
        return cols, analysed

    def _frame(self, items, reference: bool = False):
        """The DataFrame the scikit-learn pipeline is fitted on (text columns + rule columns)."""
        import pandas as pd

        cols, analysed = self._inputs(items, reference)
        if self.use_rules:
            cues = [a[1] for a in analysed]
            topics = [a[0] for a in analysed]
            gated = [set(a[2]) for a in analysed]
            w = float(self.rule_weight)
            for fam in self.rule_families_:
                cols[f"cue:{fam}"] = [w * (fam in c) for c in cues]
            for name in self.rule_labels_:
                cols[f"hit:{name}"] = [w * (name in tp) for tp in topics]
                cols[f"rule:{name}"] = [w * (name in g) for g in gated]
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
        for fam in self.cue_views:
            parts.append((f"view_{fam}", TfidfVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range),
                                                         min_df=self.min_df, sublinear_tf=self.sublinear_tf),
                          f"view:{fam}"))
        if self.edge_chars:
            for edge in ("head", "tail"):
                parts.append((edge, TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True), edge))
        if self.use_section:
            parts.append(("section", OneHotEncoder(handle_unknown="ignore"), ["section"]))
        if rule_columns:
            parts.append(("rules", "passthrough", rule_columns))
        clf = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", max_iter=1000,
                                 random_state=self.random_state)
        return Pipeline([("features", ColumnTransformer(parts)), ("clf", OneVsRestClassifier(clf))])

    def fit(self, sentences, label_sets, taxonomy: Optional[Taxonomy] = None, groups=None):
        """Learn from sentences (str, Sentence, dict or (text, section)) and their label lists.

        `groups` (e.g. the document of each sentence) keeps a document's sentences in one fold
        when thresholds are tuned, so that the tuning sees unseen documents as the test does.
        """
        import numpy as np
        from sklearn.preprocessing import MultiLabelBinarizer

        items = as_items(sentences)
        label_sets = [list(ls) for ls in label_sets]
        if len(items) != len(label_sets):
            raise ValueError(f"{len(items)} sentences but {len(label_sets)} label sets")
        taxonomy = taxonomy or load_taxonomy()
        self.lexicon_ = taxonomy.lexicon()
        self._drop_caches()
        self.rule_labels_ = list(self.lexicon_["labels"]) if self.use_rules else []
        self.rule_families_ = [f for f, e in self.lexicon_["families"].items() if e["cues"]] if self.use_rules else []
        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform(label_sets)
        frame = self._frame(items)
        rule_columns = [c for c in frame.columns if c.startswith(("cue:", "hit:", "rule:"))]
        self.pipeline_ = self._pipeline(rule_columns)
        self.thresholds_ = np.full(Y.shape[1], float(self.threshold))
        with warnings.catch_warnings():
            # a rare label may be absent from a fold: sklearn then predicts it constant, as wanted
            warnings.filterwarnings("ignore", message="Label not .* is present in all training examples")
            if self.tune_thresholds and self.cv and len(items) >= 4 * self.cv:
                self.thresholds_ = self._tuned_thresholds(frame, Y, rule_columns, groups)
            self.pipeline_.fit(frame, Y)
        return self

    def _tuned_thresholds(self, frame, Y, rule_columns, groups=None):
        """Per label, the threshold with the best out-of-fold F1 (ties → nearest `threshold`)."""
        import numpy as np
        from sklearn.model_selection import GroupKFold, KFold

        oof = np.zeros(Y.shape, dtype=float)
        if groups is not None and len(set(groups)) >= self.cv:
            splits = GroupKFold(n_splits=self.cv).split(frame, groups=list(groups))
        else:
            splits = KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(frame)
        for train, test in splits:
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
        """Raw one-vs-rest probabilities, columns in the order of `classes_`.

        Computed by the compiled inference path (`_FastPath`), which gives the pipeline's
        probabilities (to rounding, < 1e-12) without its per-call overhead;
        `_predict_proba_reference` is the scikit-learn pipeline itself.
        """
        import numpy as np
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, ["pipeline_", "binarizer_"])
        items = as_items(sentences)
        if not items:
            return np.zeros((0, len(self.binarizer_.classes_)))
        fast = self._fast()
        if fast is None:
            return self.pipeline_.predict_proba(self._frame(items))
        return fast.predict_proba(self, items)

    def _predict_proba_reference(self, sentences):
        """The probabilities as scikit-learn computes them: plain rule layer, DataFrame, fitted pipeline."""
        import numpy as np
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, ["pipeline_", "binarizer_"])
        items = as_items(sentences)
        if not items:
            return np.zeros((0, len(self.binarizer_.classes_)))
        return self.pipeline_.predict_proba(self._frame(items, reference=True))

    def _fast(self) -> Optional["_FastPath"]:
        """The compiled inference path for the fitted pipeline_ (built once, kept in memory); None if unsupported."""
        cache = self.__dict__.get("_fast_cache")
        if cache is None or cache[0] is not self.pipeline_:
            cache = self.__dict__["_fast_cache"] = (self.pipeline_, _FastPath.build(self.pipeline_))
        return cache[1]

    def decision_scores(self, sentences):
        """Scores rescaled per label so that 0.5 is that label's tuned threshold (monotone in the probability).

        Why: thresholds differ per label; on this scale one number (0.5) means "the model's
        decision" for every label, and a user can ask for stricter labels with 0.7.
        """
        import numpy as np

        p = self.predict_proba(sentences)
        t = np.clip(np.asarray(self.thresholds_, dtype=float), 1e-6, 1 - 1e-6)
        return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))

    def predict(self, sentences, threshold: Optional[float] = None) -> list[tuple[str, ...]]:
        """A tuple of labels per sentence (decision score ≥ `threshold`, default 0.5)."""
        cut = 0.5 if threshold is None else threshold
        scores = self.decision_scores(sentences)
        classes = [str(c) for c in self.binarizer_.classes_]
        return [tuple(classes[j] for j, s in enumerate(row) if s >= cut) for row in scores.tolist()]

    def tag(self, sentences, threshold: Optional[float] = None) -> list[list[tuple[str, float]]]:
        """(label, decision score) of the labels predicted for each sentence, best first."""
        cut = 0.5 if threshold is None else threshold
        scores = self.decision_scores(sentences)
        classes = [str(c) for c in self.binarizer_.classes_]
        out = []
        for row in scores.tolist():
            hits = [(classes[j], s) for j, s in enumerate(row) if s >= cut]
            out.append(sorted(hits, key=lambda h: -h[1]))
        return out


class _TfidfBlocks:
    """The fitted TfidfVectorizers of the feature union, without their transform(): the same numbers.

    For each vectorizer: counts of the in-vocabulary n-grams its analyzer yields, then tf
    (binary: 1; sublinear: 1 + log), × idf_, and the row's l2 norm — as CountVectorizer and
    TfidfTransformer compute them.

    Counting: for the char analyzers with n-grams of at most 3 characters (what
    SentenceTagger builds), the n-grams of all vectorizers and all sentences are counted in
    one numpy pass. The texts become one array of code points; every window of n code points
    that stays inside one unit (a space-padded word for char_wb, the whole text for char, as
    the analyzers cut them) becomes an integer key — the vectorizer's number, then the code
    points in base `base` (one above the largest code point of the vocabularies; larger code
    points map to a value no term holds), then the length n — looked up in a hash index
    (pandas) of the keys of the vocabularies' terms. Other vectorizers run their own
    analyzer on each text.
    """

    def __init__(self, blocks, n_features: int):
        import numpy as np
        import pandas as pd

        self.blocks = []  # (column, offset, vectorizer, counted in numpy)
        self.idf = np.ones(n_features)
        self.block_of = np.full(n_features, -1, dtype=np.intp)
        numpy_ok = []
        for b, (column, offset, vec) in enumerate(blocks):
            size = len(vec.vocabulary_)
            if vec.use_idf:
                self.idf[offset:offset + size] = vec.idf_
            self.block_of[offset:offset + size] = b
            lo, hi = vec.ngram_range
            numpy_ok.append(vec.analyzer in ("char", "char_wb") and vec.input == "content" and 1 <= lo <= hi <= 3)
        terms = [(b, offset + int(j), term) for b, (_, offset, vec) in enumerate(blocks) if numpy_ok[b]
                 for term, j in vec.vocabulary_.items() if vec.ngram_range[0] <= len(term) <= vec.ngram_range[1]]
        self.base = max((ord(ch) for _, _, term in terms for ch in term), default=0) + 2
        if len(blocks) * self.base ** 3 * 4 >= 2 ** 63:  # keys (block, ≤ 3 code points, length) must fit in int64
            numpy_ok = [False] * len(blocks)
            terms = []
        keys = []
        for b, _, term in terms:
            key = b
            for ch in term:
                key = key * self.base + ord(ch)
            keys.append(key * 4 + len(term))
        # a hash index: one probe a key, where a binary search reads a dozen cold cache lines
        self.index = pd.Index(np.array(keys, dtype=np.int64))
        self.column_of = np.array([col for _, col, _ in terms], dtype=np.intp)
        self.lengths = sorted({len(term) for _, _, term in terms})
        if not self.index.is_unique:  # cannot happen (terms differ within a vocabulary); be safe
            numpy_ok = [False] * len(blocks)
            self.lengths = []
        for b, (column, offset, vec) in enumerate(blocks):
            self.blocks.append((column, offset, vec, numpy_ok[b], vec.build_analyzer(),
                                vec.build_preprocessor(), vec._white_spaces.sub))
        self.n_features = n_features
        self.binary = np.array([vec.binary for _, _, vec in blocks], dtype=bool)
        self.sublinear = np.array([vec.sublinear_tf for _, _, vec in blocks], dtype=bool)
        self.l2 = np.array([vec.norm == "l2" for _, _, vec in blocks], dtype=bool)

    def _counted(self, cols: dict[str, list], n: int):
        """row * n_features + column in the feature union, for each in-vocabulary n-gram of the numpy-counted vectorizers."""
        import numpy as np

        units, unit_row, unit_block = [], [], []
        for b, (column, _, vec, numpy_ok, _, preprocess, white) in enumerate(self.blocks):
            if not numpy_ok:
                continue
            docs = cols[column]
            word_bounded = vec.analyzer == "char_wb"
            for i, doc in enumerate(docs):
                doc = white(" ", preprocess(doc))
                if word_bounded:
                    words = doc.split()
                    units.extend([" " + w + " " for w in words])
                    unit_row.extend([i] * len(words))
                    unit_block.extend([b] * len(words))
                elif doc:
                    units.append(doc)
                    unit_row.append(i)
                    unit_block.append(b)
        if not units:
            return np.zeros(0, dtype=np.intp)
        code = np.frombuffer("".join(units).encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
        np.minimum(code, self.base - 1, out=code)  # a code point beyond every vocabulary term: matches none
        unit = np.repeat(np.arange(len(units)), np.fromiter(map(len, units), dtype=np.intp, count=len(units)))
        block = np.asarray(unit_block, dtype=np.int64)[unit]
        row = np.asarray(unit_row, dtype=np.intp)
        keys, rows = [], []
        for size in self.lengths:
            m = len(code) - size + 1
            if m <= 0:
                continue
            key = block[:m].copy()
            for k in range(size):
                key = key * self.base + code[k:k + m]
            inside = unit[:m] == unit[size - 1:size - 1 + m]  # the window lies inside one unit
            keys.append(key[inside] * 4 + size)
            rows.append(row[unit[:m][inside]])
        if not keys:
            return np.zeros(0, dtype=np.intp)
        pos = self.index.get_indexer(np.concatenate(keys))
        hit = pos >= 0
        return np.concatenate(rows)[hit] * self.n_features + self.column_of[pos[hit]]

    def entries(self, cols: dict[str, list], n: int):
        """(row, column in the feature union, tf-idf value) of all vectorizers, as their transform() gives them."""
        import numpy as np

        found = [self._counted(cols, n)]
        for column, offset, vec, numpy_ok, analyze, _, _ in self.blocks:
            if numpy_ok:
                continue
            get = vec.vocabulary_.get
            for i, doc in enumerate(cols[column]):
                ids = [j for j in map(get, analyze(doc)) if j is not None]
                found.append(np.asarray(ids, dtype=np.intp) + (i * self.n_features + offset))
        keys, counts = np.unique(np.concatenate(found), return_counts=True)
        rows, features = keys // self.n_features, keys % self.n_features
        v = counts.astype(np.float64)
        block = self.block_of[features]
        if self.binary.any():  # CountVectorizer(binary=True): counts become 1
            v[self.binary[block]] = 1.0
        if self.sublinear.any():  # TfidfTransformer(sublinear_tf=True): tf = 1 + log(count)
            sel = self.sublinear[block]
            v[sel] = np.log(v[sel]) + 1.0
        v *= self.idf[features]
        if self.l2.any():
            group = rows * len(self.blocks) + block
            norms = np.sqrt(np.bincount(group, weights=v * v, minlength=n * len(self.blocks)))
            norms[norms == 0.0] = 1.0
            scale = norms[group]
            if not self.l2.all():
                scale[~self.l2[block]] = 1.0
            v /= scale
        return rows, features, v


class _FastPath:
    """The fitted pipeline_ compiled to one sparse product: the same probabilities, without per-call overhead.

    Why: scikit-learn's predict_proba on ~30 sentences costs ~20 ms of validation and
    dispatch (a DataFrame through a ColumnTransformer, then 35 LogisticRegressions each
    re-checking its input) for well under 1 ms of arithmetic. This class reads the fitted
    parts of the pipeline once and applies them directly:

    - the TfidfVectorizers (`_TfidfBlocks`): counts of the in-vocabulary n-grams their
      analyzers yield, then tf (sublinear: 1 + log), × idf_, and row l2 norm, as their
      transform() does;
    - the OneHotEncoder on the section: a 1 in the column of a known category (unknown → none);
    - the passthrough rule columns: `rule_weight` in the column of each cue family, topic hit
      and gated label of the sentence (as `SentenceTagger._frame` fills them);
    - all blocks in one CSR matrix at their `output_indices_` offsets, times the stacked
      `coef_` of the one-vs-rest estimators (n_features × n_labels), + intercepts, expit.

    The arrays are built in memory from the loaded estimator and never saved (skops stores
    only the scikit-learn objects). `build` returns None for a pipeline this class does not
    know how to read, and the tagger then uses the pipeline itself.
    """

    def __init__(self, text_blocks, section_block, rule_block, n_features, coef, intercept):
        self.text_blocks = _TfidfBlocks(text_blocks, n_features)
        self.section_block = section_block    # (offset, {category: index}) or None
        rule_block = rule_block or {}         # {column name: feature index}
        self.rule_columns = {kind: {c.split(":", 1)[1]: j for c, j in rule_block.items() if c.startswith(kind + ":")}
                             for kind in ("cue", "hit", "rule")}
        self.n_features = n_features
        self.coef = coef                      # (n_features, n_labels), C order
        self.intercept = intercept            # (n_labels,)

    @classmethod
    def build(cls, pipeline) -> Optional["_FastPath"]:
        import numpy as np
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

        steps = getattr(pipeline, "steps", None)
        if not steps or len(steps) != 2:
            return None
        features, clf = steps[0][1], steps[1][1]
        if not isinstance(features, ColumnTransformer) or not isinstance(clf, OneVsRestClassifier):
            return None
        estimators = clf.estimators_
        if not clf.multilabel_ or len(estimators) < 2:
            return None
        for e in estimators:
            if (type(e) is not LogisticRegression or not isinstance(e.coef_, np.ndarray) or e.coef_.shape[0] != 1
                    or len(e.classes_) != 2):
                return None
        n_features = estimators[0].coef_.shape[1]
        text_blocks, section_block, rule_block = [], None, None
        for name, trans, columns in features.transformers_:
            where = features.output_indices_[name]
            if (isinstance(trans, str) and trans == "drop") or where.stop == where.start:
                continue
            if isinstance(trans, TfidfVectorizer) and isinstance(columns, str):
                if (trans.norm not in ("l2", None) or np.dtype(trans.dtype) != np.float64
                        or where.stop - where.start != len(trans.vocabulary_)):
                    return None
                text_blocks.append((columns, where.start, trans))
            elif isinstance(trans, OneHotEncoder) and list(columns) == ["section"] and section_block is None:
                if (trans.drop_idx_ is not None or getattr(trans, "_infrequent_enabled", False)
                        or trans.handle_unknown != "ignore" or np.dtype(trans.dtype) != np.float64
                        or where.stop - where.start != len(trans.categories_[0])):
                    return None
                section_block = (where.start, {c: i for i, c in enumerate(trans.categories_[0].tolist())})
            elif ((isinstance(trans, FunctionTransformer) and trans.func is None)
                  or (isinstance(trans, str) and trans == "passthrough")) \
                    and not isinstance(columns, str) and rule_block is None:
                columns = list(columns)
                if not all(isinstance(c, str) and c.startswith(("cue:", "hit:", "rule:")) for c in columns) \
                        or where.stop - where.start != len(columns):
                    return None
                rule_block = {c: where.start + k for k, c in enumerate(columns)}
            else:
                return None
        if max([features.output_indices_[n].stop for n, _, _ in features.transformers_] or [0]) != n_features:
            return None
        coef = np.ascontiguousarray(np.vstack([e.coef_[0] for e in estimators]).T, dtype=np.float64)
        intercept = np.array([float(e.intercept_[0]) for e in estimators])
        return cls(text_blocks, section_block, rule_block, n_features, coef, intercept)

    def predict_proba(self, tagger: "SentenceTagger", items: list[tuple[str, str]]):
        import numpy as np
        import scipy.sparse as sp
        from scipy.special import expit

        n = len(items)
        cols, analysed = tagger._inputs(items)
        rows, features, values = self.text_blocks.entries(cols, n)
        extra_rows, extra_features, extra_values = [], [], []
        if self.section_block is not None:
            offset, index = self.section_block
            for i, section in enumerate(cols["section"]):
                j = index.get(section)
                if j is not None:
                    extra_rows.append(i)
                    extra_features.append(offset + j)
                    extra_values.append(1.0)
        cue_cols, hit_cols, rule_cols = self.rule_columns["cue"], self.rule_columns["hit"], self.rule_columns["rule"]
        if cue_cols or hit_cols or rule_cols:
            for i, (topics, cues, gated) in enumerate(analysed):
                js = ([cue_cols[f] for f in cues if f in cue_cols] + [hit_cols[t] for t in topics if t in hit_cols]
                      + [rule_cols[g] for g in gated if g in rule_cols])
                extra_rows.extend([i] * len(js))
                extra_features.extend(js)
            extra_values.extend([float(tagger.rule_weight)] * (len(extra_rows) - len(extra_values)))
        rows = np.concatenate([rows, np.asarray(extra_rows, dtype=np.intp)])
        features = np.concatenate([features, np.asarray(extra_features, dtype=np.intp)])
        values = np.concatenate([values, np.asarray(extra_values, dtype=np.float64)])
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        X = sp.csr_matrix((values[order], features[order], indptr), shape=(n, self.n_features))
        return expit(X @ self.coef + self.intercept)


# --- the shipped model ---------------------------------------------------------------------

# Types a model file may contain beyond those skops trusts by default (scikit-learn
# estimators, numpy, scipy, builtins). Loading refuses a file with any other type, so a
# tampered or foreign .skops file cannot run code: the trust is listed, not blanket.
TRUSTED_TYPES = ("gxnlp.tag.tagger.SentenceTagger",)


def default_model_path() -> Path:
    """$GXNLP_MODEL, else the model shipped inside the package (gxnlp/models/)."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models" / MODEL_FILE


def save_model(model: SentenceTagger, path: Union[str, Path]) -> Path:
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model._drop_caches()
    sio.dump(model, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
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
