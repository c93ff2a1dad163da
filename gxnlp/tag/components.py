"""The spaCy pipeline: jieba segmentation with the domain dictionary, and gxnlp components.

    nlp = gxnlp.nlp()
    doc = nlp(report_text)                 # a whole report: sections found by their headings
    for sent in doc.spans["gx_sentences"]:
        print(sent._.gx_section, sent._.gx_labels, sent.text)

Results live where spaCy keeps them: span groups doc.spans["gx_sections"],
doc.spans["gx_sentences"], doc.spans["gx_claims"], and plain values (str, bool, lists,
dicts) in span extensions. Nothing in Doc.user_data holds a Span or another object, so
`nlp.pipe(texts, n_process=2)` and `DocBin(store_user_data=True)` work. The factories are
registered through the `spacy_factories` entry point (pyproject.toml), so
`spacy.blank("zh").add_pipe("gx_tagger")` and config files can name them without importing gxnlp.

Why thin adapters: the parser must not need spaCy, so the work lives in sentences.py,
tagging.py, segment.py and claims.py; the components only map their character offsets onto
spaCy Spans. spaCy's zh tokenizer with the jieba segmenter runs offline (jieba ships its
dictionary); gxnlp/data/userdict.txt keeps domain terms (政务公开, 依申请公开…) whole.

Extensions (all prefixed gx_): Doc._.gx_section (the section key of a one-section text, set
it on `nlp.make_doc(text)` or via the gx_sections `section` config); read-only views
Doc._.gx_sections ({key: Span}), Doc._.gx_sentences and Doc._.gx_claims ([Span]) over the span
groups; Span._.gx_section, Span._.gx_heading, Span._.gx_labels ([(label, score)]),
Span._.gx_text (the sentence as gxnlp reads it: a wrapped line rejoined), Span._.gx_claim_data
(the claim as a dict) and Span._.gx_claim (a model.Claim rebuilt from it).
"""
from __future__ import annotations

import dataclasses
import logging
from functools import lru_cache
from importlib.resources import as_file, files
from typing import Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from gxnlp.check.claims import extract_claims
from gxnlp.io.load import text_lines
from gxnlp.model.core import Claim, Document
from gxnlp.parse.segment import segment
from gxnlp.tag.scorer import default_model, load_model
from gxnlp.tag.sentences import split_sentences
from gxnlp.tag.taxonomy import NO_SECTION

SECTIONS, SENTENCES, CLAIMS = "gx_sections", "gx_sentences", "gx_claims"  # span group keys
SENTENCE_LABEL, CLAIM_LABEL = "gx_sentence", "gx_claim"
SPAN_EXTENSIONS = {"gx_section": None, "gx_heading": False, "gx_labels": None, "gx_text": None,
                   "gx_claim_data": None}
PIPELINE = ("gx_sections", "gx_sentencizer", "gx_tagger", "gx_claims")


def _sections(doc: Doc):
    return {span.label_: span for span in doc.spans[SECTIONS]} if SECTIONS in doc.spans else None


def _group(key: str):
    def get(doc: Doc) -> list:
        return list(doc.spans[key]) if key in doc.spans else []
    return get


def _claim(span: Span) -> Optional[Claim]:
    data = span._.gx_claim_data
    return None if data is None else Claim(**{**data, "span": tuple(data["span"]), "cells": list(data["cells"])})


DOC_EXTENSIONS = {"gx_section": {"default": None}, "gx_sections": {"getter": _sections},
                  "gx_sentences": {"getter": _group(SENTENCES)}, "gx_claims": {"getter": _group(CLAIMS)}}


def register_extensions() -> None:
    """Declare the gx_ extensions once (spaCy raises on a second set_extension)."""
    for name, how in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **how)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    if not Span.has_extension("gx_claim"):
        Span.set_extension("gx_claim", getter=_claim)


register_extensions()


@lru_cache(maxsize=1)
def load_userdict() -> str:
    """Add gxnlp/data/userdict.txt to jieba's (process-wide) dictionary, once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    resource = files("gxnlp.data").joinpath("userdict.txt")
    with as_file(resource) as path:
        jieba.load_userdict(str(path))
    return str(resource)


def make_nlp(*, model=None, threshold: float = 0.5, section: Optional[str] = None, userdict: bool = True,
             components=PIPELINE) -> Language:
    """A blank Chinese pipeline (jieba) with the gxnlp components.

    `model`: a folder with sentence_tagger.json/.npz (default: the shipped model, else the rule layer);
    `threshold`: score needed for a label (0.5 = the model's tuned per-label decision);
    `section`: treat every text as this section instead of looking for section headings.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)  # before spaCy initialises jieba: no "Building prefix dict" chatter
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    if userdict:
        load_userdict()
    configs = {"gx_sections": {"section": section}, "gx_tagger": {"threshold": threshold,
                                                                   "model": str(model) if model else None}}
    for name in components:
        nlp.add_pipe(name, config=configs.get(name, {}))
    return nlp


def regions(doc: Doc) -> list[tuple[str, int, int]]:
    """(section key, start, end) character ranges of the doc to split into sentences."""
    if doc._.gx_sections:
        return [(key, span.start_char, span.end_char) for key, span in doc._.gx_sections.items()]
    return [(doc._.gx_section or NO_SECTION, 0, len(doc.text))]


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Optional[Span]:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


# --- components ----------------------------------------------------------------------------

class SectionFinder:
    """doc.spans["gx_sections"]: the report's sections found by their headings (segment.py)."""

    def __init__(self, section: Optional[str] = None):
        self.section = section

    def __call__(self, doc: Doc) -> Doc:
        if doc._.gx_section or self.section:
            doc._.gx_section = doc._.gx_section or self.section
            return doc
        text = doc.text
        lines = text_lines(text)
        sections, _ = segment(Document("<doc>", "txt", lines))
        offsets, pos = [], 0
        for line in text.split("\n"):
            offsets.append(pos)
            pos += len(line) + 1
        found = []
        for key, sec in sections.items():
            if sec is None or not sec.text:
                continue
            start = text.find(sec.text, offsets[min(sec.start, len(offsets) - 1)])
            span = char_span(doc, start, start + len(sec.text), label=key) if start >= 0 else None
            if span is not None:
                span._.gx_section = key
                found.append(span)
        if found:
            doc.spans[SECTIONS] = found
        return doc


@Language.factory("gx_sections", default_config={"section": None})
def make_sections(nlp: Language, name: str, section: Optional[str]):
    return SectionFinder(section)


@Language.component("gx_sentencizer")
def gx_sentencizer(doc: Doc) -> Doc:
    """Sentence boundaries from sentences.split_sentences; doc.spans["gx_sentences"] holds the Spans.

    Text that is no sentence (table rows, blank lines) becomes its own stretch in doc.sents,
    so doc.sents covers the doc while doc._.gx_sentences has only sentences and headings.
    """
    spans = []
    for key, start, end in regions(doc):
        for sentence in split_sentences(key, doc.text[start:end]):
            span = char_span(doc, start + sentence.span[0], start + sentence.span[1], SENTENCE_LABEL)
            if span is None or (spans and span.start < spans[-1].end):
                continue
            span._.gx_section = key
            span._.gx_heading = sentence.heading
            span._.gx_text = sentence.text
            spans.append(span)
    starts = {0}
    for span in spans:
        starts.add(span.start)
        starts.add(span.end)
    for token in doc:
        token.is_sent_start = token.i in starts
    doc.spans[SENTENCES] = spans
    return doc


class Tagger:
    """Span._.gx_labels for every non-heading sentence, from the trained model or the rule layer."""

    def __init__(self, threshold: float = 0.5, model: Optional[str] = None):
        self.threshold = threshold
        self.model = load_model(model) if model else default_model()

    def __call__(self, doc: Doc) -> Doc:
        body = [s for s in doc._.gx_sentences or [] if not s._.gx_heading]
        if not body:
            return doc
        tagged = self.model.tag([(s._.gx_text or s.text, s._.gx_section) for s in body], threshold=self.threshold)
        for span, labels in zip(body, tagged):
            span._.gx_labels = [(lab, float(score)) for lab, score in labels]
        return doc


@Language.factory("gx_tagger", default_config={"threshold": 0.5, "model": None})
def make_tagger(nlp: Language, name: str, threshold: float, model: Optional[str]):
    return Tagger(threshold, model)


@Language.component("gx_claims")
def gx_claims(doc: Doc) -> Doc:
    """doc.spans["gx_claims"]: numeric claims (claims.py), each with Span._.gx_claim_data (and gx_claim)."""
    spans = []
    for key, start, end in regions(doc):
        claims, _ = extract_claims(key, doc.text[start:end])
        for claim in claims:
            span = char_span(doc, start + claim.span[0], start + claim.span[1], CLAIM_LABEL)
            if span is not None:
                span._.gx_claim_data = dataclasses.asdict(claim)
                spans.append(span)
    doc.spans[CLAIMS] = spans
    return doc
