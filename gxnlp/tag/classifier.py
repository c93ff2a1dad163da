"""The sentence classifier as a scikit-learn estimator (training time only) and its export to plain arrays.

`SentenceTagger` follows the estimator contract: `__init__` stores its parameters, `fit`
learns `binarizer_`, `features_` (a FeatureUnion of TfidfVectorizers, one per block of
`scorer.sentence_terms`), `estimators_` (one LogisticRegression per label), `thresholds_`
(per label, tuned for F1 on out-of-fold predictions, folds by document) and `lexicon_`.
`export(folder)` writes them as sentence_tagger.json + .npz for `scorer.Scorer`, reading only
public fitted attributes (vocabulary_, idf_, coef_, intercept_). scikit-learn is needed only
here: tagging never imports this module.
"""
from __future__ import annotations

import json
import warnings
from functools import partial
from pathlib import Path
from typing import Optional, Union

from sklearn.base import BaseEstimator

from gxnlp.tag.rules import RuleTagger
from gxnlp.tag.scorer import FORMAT, MODEL_STEM, COMBINE_MODES, Scorer, block_terms, combine, rescale, sentence_terms
from gxnlp.tag.taxonomy import FAMILIES, Taxonomy, as_items, load_taxonomy


class SentenceTagger(BaseEstimator):
    """Multi-label sentence classifier: char n-gram TF-IDF blocks + section + rule verdicts → one LR per label.

    Why these features: labels hinge on short domain words that char n-grams catch without a
    segmenter; problem vs measure hinges on the section and on cue words, which the rule
    terms make explicit (block weight `rule_weight`). `cue_views` adds n-grams of only the
    clauses holding a cue of that family; `edge_chars` adds n-grams of the first and last
    characters (a measure opens with its verb, a problem ends with its shortfall).
    `combine` ({label or family: "classifier" | "rules" | "union" | "intersection"}) says how the
    rule layer's labels join the classifier's; `section_gate` ({family: [sections]}) drops a
    family's labels outside its sections; `tune_thresholds` tunes a per-label cut on
    out-of-fold scores, else each label's cut is the linear model's own (decision score 0).
    Which of these ship is chosen by grouped cross-validation in train.py.
    """

    def __init__(self, *, ngram_range=(1, 3), C=0.3, threshold=0.5, min_df=2, sublinear_tf=True,
                 use_rules=True, rule_weight=0.5, cue_views=("problem", "measure"), edge_chars=4, class_weight="balanced",
                 loss="svm", tune_thresholds=False, cv=3, combine=None, section_gate=None, random_state=0):
        self.ngram_range = ngram_range
        self.C = C
        self.threshold = threshold
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.use_rules = use_rules
        self.rule_weight = rule_weight
        self.cue_views = cue_views
        self.edge_chars = edge_chars
        self.class_weight = class_weight
        self.loss = loss
        self.tune_thresholds = tune_thresholds
        self.cv = cv
        self.combine = combine
        self.section_gate = section_gate
        self.random_state = random_state

    # --- the feature blocks --------------------------------------------------------------------

    def _blocks(self) -> list[dict]:
        lo, hi = self.ngram_range
        tfidf = {"sublinear": bool(self.sublinear_tf), "idf": True, "norm": "l2", "binary": False, "weight": 1.0}
        blocks = [{"name": "text", "view": "text", "ngram": [lo, hi], "min_df": self.min_df, **tfidf}]
        for fam in self.cue_views:
            blocks.append({"name": f"cue_{fam}", "view": f"cue:{fam}", "ngram": [lo, hi], "min_df": self.min_df,
                           **tfidf})
        if self.edge_chars:
            for edge in ("head", "tail"):
                blocks.append({"name": edge, "view": edge, "ngram": [1, 2], "edge": int(self.edge_chars),
                               "min_df": 1, **tfidf})
        if self.use_rules:
            blocks.append({"name": "rules", "view": "rules", "ngram": [1, 1], "min_df": 1, "sublinear": False,
                           "idf": False, "norm": None, "binary": True, "weight": float(self.rule_weight)})
        return blocks

    def _union(self, blocks):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        parts = [(b["name"], TfidfVectorizer(analyzer=partial(block_terms, block=b["name"]), lowercase=False,
                                             min_df=b["min_df"], sublinear_tf=b["sublinear"], use_idf=b["idf"],
                                             norm=b["norm"], binary=b["binary"]))
                 for b in blocks]
        return FeatureUnion(parts, transformer_weights={b["name"]: b["weight"] for b in blocks if b["weight"] != 1.0})

    def _estimator(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        if self.loss == "svm":
            return LinearSVC(C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state)
        if self.loss == "log":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=1000,
                                      random_state=self.random_state)
        raise ValueError(f"loss must be 'log' or 'svm', not {self.loss!r}")

    def _docs(self, items, rules: RuleTagger, blocks) -> list[dict]:
        return [sentence_terms(item, blocks, rules) for item in items]

    def _fit_once(self, docs, Y, sample_weight):
        union = self._union(self.blocks_)
        X = union.fit_transform(docs)
        estimators = []
        for j in range(Y.shape[1]):
            est = self._estimator()
            if Y[:, j].min() == Y[:, j].max():  # a label absent from (or everywhere in) a fold: constant score
                est = None
            else:
                est.fit(X, Y[:, j], sample_weight=sample_weight)
            estimators.append(est)
        return union, estimators

    @staticmethod
    def _decision(union, estimators, docs, constant):
        """Each label's linear score (a label without a fitted estimator: `constant`)."""
        import numpy as np

        X = union.transform(docs)
        cols = [e.decision_function(X) if e is not None else np.full(X.shape[0], c)
                for e, c in zip(estimators, constant)]
        return np.column_stack(cols) if cols else np.zeros((X.shape[0], 0))

    def _calibrated(self, decision):
        """Probabilities from linear scores: the fitted per-label sigmoid (Platt) of each calibrator_."""
        import numpy as np

        cols = [cal.predict_proba(decision[:, [j]])[:, 1] for j, cal in enumerate(self.calibrators_)]
        return np.column_stack(cols) if cols else np.zeros((decision.shape[0], 0))

    # --- fit -----------------------------------------------------------------------------------

    def fit(self, sentences, label_sets, taxonomy: Optional[Taxonomy] = None, groups=None, sample_weight=None):
        """Learn from sentences (str, Sentence, dict or (text, section)) and their label lists.

        `groups` (the document of each sentence) keeps a document's sentences in one fold when
        thresholds are tuned; `sample_weight` down-weights a supplement (thresholds are tuned on
        the rows of weight ≥ 1 only, the real ones).
        """
        import numpy as np
        from sklearn.preprocessing import MultiLabelBinarizer

        items = as_items(sentences)
        label_sets = [list(ls) for ls in label_sets]
        if len(items) != len(label_sets):
            raise ValueError(f"{len(items)} sentences but {len(label_sets)} label sets")
        if self.combine:
            bad = {f: m for f, m in dict(self.combine).items() if m not in COMBINE_MODES}
            if bad:
                raise ValueError(f"combine: unknown mode(s) {bad}; choose from {COMBINE_MODES}")
        taxonomy = taxonomy or load_taxonomy()
        self.lexicon_ = taxonomy.lexicon()
        self.blocks_ = self._blocks()
        rules = RuleTagger(lexicon=self.lexicon_)
        docs = self._docs(items, rules, self.blocks_)
        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform(label_sets)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.thresholds_ = np.full(Y.shape[1], float(self.threshold))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning)
            self.thresholds_ = self._calibrate(docs, Y, w, groups)
            self.features_, self.estimators_ = self._fit_once(docs, Y, w)
        return self

    def oof_proba(self, docs, Y, sample_weight=None, groups=None):
        """Out-of-fold probabilities (folds by `groups` when given)."""
        import numpy as np
        from sklearn.model_selection import GroupKFold, KFold

        oof = np.zeros(Y.shape, dtype=float)
        if groups is not None and len(set(groups)) >= self.cv:
            splits = GroupKFold(n_splits=self.cv).split(docs, groups=list(groups))
        else:
            splits = KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(docs)
        for train, test in splits:
            w = None if sample_weight is None else sample_weight[train]
            union, ests = self._fit_once([docs[i] for i in train], Y[train], w)
            oof[test] = self._decision(union, ests, [docs[i] for i in test], [-10.0] * Y.shape[1])
        return oof

    def _calibrate(self, docs, Y, sample_weight, groups):
        """calibrators_ (a sigmoid per label, fitted on out-of-fold linear scores of the real rows) and thresholds_."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        real = np.ones(len(Y), dtype=bool) if sample_weight is None else sample_weight >= 1.0
        tune = self.tune_thresholds and self.cv and len(docs) >= 4 * self.cv
        enough = self.cv and len(docs) >= 4 * self.cv
        oof = self.oof_proba(docs, Y, sample_weight, groups) if enough and (tune or self.loss != "log") else None
        self.calibrators_ = []
        for j in range(Y.shape[1]):
            cal = LogisticRegression(C=1e4, solver="lbfgs")
            if self.loss == "log" or oof is None or Y[real, j].min() == Y[real, j].max():
                cal.fit(np.array([[-1.0], [1.0]]), np.array([0, 1]))  # placeholder, replaced by the identity
                cal.coef_[:] = 1.0
                cal.intercept_[:] = 0.0
            else:
                cal.fit(oof[real][:, [j]], Y[real, j])
            self.calibrators_.append(cal)
        self.oof_ = self._calibrated(oof) if oof is not None else None
        if tune:
            return best_thresholds(self.oof_[real], Y[real], float(self.threshold))
        if self.loss != "log" and oof is not None:
            # the linear model's own cut (decision score 0), as a probability of its sigmoid
            return self._calibrated(np.zeros((1, Y.shape[1])))[0]
        return np.full(Y.shape[1], float(self.threshold))

    # --- predict -------------------------------------------------------------------------------

    @property
    def classes_(self):
        return [str(c) for c in self.binarizer_.classes_]

    def predict_proba(self, sentences):
        """Per-label probabilities from the fitted scikit-learn objects (the reference the scorer must equal)."""
        import numpy as np
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, ["estimators_", "binarizer_"])
        items = as_items(sentences)
        if not items:
            return np.zeros((0, len(self.classes_)))
        docs = self._docs(items, RuleTagger(lexicon=self.lexicon_), self.blocks_)
        return self._calibrated(self._decision(self.features_, self.estimators_, docs, [-10.0] * len(self.estimators_)))

    def decision_scores(self, sentences):
        return rescale(self.predict_proba(sentences), self.thresholds_)

    def tag(self, sentences, threshold: Optional[float] = None) -> list[list[tuple[str, float]]]:
        items = as_items(sentences)
        scores = self.decision_scores(items)
        rules = RuleTagger(lexicon=self.lexicon_)
        return combine(self.classes_, scores, [rules.labels_for(t) for t, _ in items], dict(self.combine or {}),
                       0.5 if threshold is None else threshold, [sec for _, sec in items], self.section_gate)

    def predict(self, sentences, threshold: Optional[float] = None) -> list[tuple[str, ...]]:
        return [tuple(sorted(lab for lab, _ in row)) for row in self.tag(sentences, threshold)]

    # --- export --------------------------------------------------------------------------------

    def export_arrays(self) -> tuple[dict, dict]:
        """(JSON metadata, numpy arrays) of the fitted model, from public attributes only."""
        import numpy as np
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, ["estimators_", "binarizer_"])
        vectorizers = dict(self.features_.transformer_list)
        vocabularies, arrays = {}, {}
        for b in self.blocks_:
            vec = vectorizers[b["name"]]
            terms = [None] * len(vec.vocabulary_)
            for term, j in vec.vocabulary_.items():
                terms[j] = term
            vocabularies[b["name"]] = terms
            if b["idf"]:
                arrays[f"idf:{b['name']}"] = np.asarray(vec.idf_, dtype=np.float32)
        n_features = sum(len(v) for v in vocabularies.values())
        coef = np.zeros((n_features, len(self.estimators_)))
        intercept = np.full(len(self.estimators_), -10.0)
        for j, est in enumerate(self.estimators_):
            if est is not None:
                coef[:, j] = est.coef_.ravel()
                intercept[j] = np.ravel(est.intercept_)[0]
        slope = np.array([float(c.coef_.ravel()[0]) for c in self.calibrators_])
        shift = np.array([float(np.ravel(c.intercept_)[0]) for c in self.calibrators_])
        arrays.update(coef=coef.astype(np.float32), intercept=intercept, slope=slope, shift=shift,
                      thresholds=np.asarray(self.thresholds_, dtype=np.float64))
        meta = {"format": FORMAT, "classes": self.classes_, "blocks": [
            {k: v for k, v in b.items() if k != "min_df"} for b in self.blocks_],
            "vocabularies": vocabularies, "lexicon": self.lexicon_, "combine": dict(self.combine or {}),
            "section_gate": {f: list(v) for f, v in (self.section_gate or {}).items()},
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.get_params().items()}}
        return meta, arrays

    def scorer(self) -> Scorer:
        """The numpy-only scorer of this fitted model (what export writes, in memory)."""
        return Scorer(*self.export_arrays())

    def export(self, folder: Union[str, Path], info: Optional[dict] = None) -> Path:
        """Write sentence_tagger.json and sentence_tagger.npz into `folder` (returned)."""
        import numpy as np

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta, arrays = self.export_arrays()
        if info:
            meta["training"] = info
        (folder / f"{MODEL_STEM}.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
                                                   encoding="utf-8")
        np.savez_compressed(folder / f"{MODEL_STEM}.npz", **arrays)
        return folder


def best_thresholds(proba, Y, default: float = 0.5, min_positives: int = 3):
    """Per label, the probability cut with the best F1 (ties → nearest `default`); too few positives → default."""
    import numpy as np

    grid = np.round(np.arange(0.10, 0.91, 0.05), 2)
    out = np.full(Y.shape[1], default)
    for j in range(Y.shape[1]):
        y = Y[:, j] == 1
        if y.sum() < min_positives:
            continue
        best = (-1.0, 0.0, default)
        for t in grid:
            pred = proba[:, j] >= t
            tp = float((pred & y).sum())
            f1 = 2 * tp / (pred.sum() + y.sum()) if (pred.sum() + y.sum()) else 0.0
            key = (round(f1, 6), -abs(t - default), t)
            if key > best:
                best = key
        out[j] = best[2]
    return out


__all__ = ["SentenceTagger", "best_thresholds", "FAMILIES"]
