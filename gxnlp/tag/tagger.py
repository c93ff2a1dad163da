"""Tagging sentences: what the parser, `gxnlp tag` and the spaCy components call.

The work lives in named modules: taxonomy.py (labels as data), rules.py (the rule layer),
scorer.py (the shipped model, numpy only, loaded on first use), classifier.py (the
scikit-learn estimator, training only). This module only runs the default model over
sentences; importing it loads neither numpy nor the model.
"""
from __future__ import annotations

from typing import Iterable, Optional

from gxnlp.model.core import Section, Sentence
from gxnlp.tag.rules import RuleTagger
from gxnlp.tag.scorer import MODEL_ENV, MODEL_STEM, Scorer, default_model, default_model_path, load_model
from gxnlp.tag.sentences import split_sentences
from gxnlp.tag.taxonomy import NO_SECTION, Taxonomy, as_items, load_taxonomy

__all__ = ["tag_sentences", "tag_sections", "tag_texts", "load_model", "default_model", "default_model_path",
           "RuleTagger", "Scorer", "Taxonomy", "load_taxonomy", "as_items", "NO_SECTION", "MODEL_ENV", "MODEL_STEM"]


def tag_sentences(sentences: list[Sentence], model=None) -> list[Sentence]:
    """Fill `labels` of the non-heading sentences in place (and return them)."""
    body = [s for s in sentences if not s.heading]
    if body:
        model = default_model() if model is None else model
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
    """Bare sentences → [{"text", "labels", "scores"}] in input order (the `gxnlp tag --sentences` rows)."""
    texts = list(texts)
    model = default_model() if model is None else model
    tagged = model.tag([(t, section or NO_SECTION) for t in texts]) if texts else []
    return [{"text": t, "labels": [lab for lab, _ in labels], "scores": {lab: round(p, 3) for lab, p in labels}}
            for t, labels in zip(texts, tagged)]
