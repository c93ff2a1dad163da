"""The spaCy pipeline: jieba segmentation with the domain dictionary, and gxnlp components.

    nlp = gxnlp.nlp()
    doc = nlp(report_text)                 # a whole report: sections found by their headings
    for sent in doc._.gx_sentences:
        print(sent._.gx_section, sent._.gx_labels, sent.text)

Why thin adapters: the parser must not need spaCy, so the work lives in sentences.py,
tagging.py, segment.py and claims.py; the components only map their character offsets onto
spaCy Spans. spaCy's zh tokenizer with the jieba segmenter runs offline (jieba ships its
dictionary); gxnlp/data/userdict.txt keeps domain terms (政务公开, 依申请公开…) whole.

Extensions (all prefixed gx_): Doc._.gx_section (the section key of a one-section text, set
it on `nlp.make_doc(text)` or via the gx_sections `section` config), Doc._.gx_sections
({key: Span}), Doc._.gx_sentences ([Span]), Doc._.gx_claims ([Span]); Span._.gx_section,
Span._.gx_heading, Span._.gx_labels ([(label, score)]), Span._.gx_text (the sentence as
gxnlp reads it: a wrapped line rejoined), Span._.gx_claim (a model.Claim).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib.resources import as_file, files
from typing import Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from gxnlp.check.claims import extract_claims
from gxnlp.io.load import text_lines
from gxnlp.model.core import Document
from gxnlp.parse.segment import segment
from gxnlp.tag.sentences import split_sentences
from gxnlp.tag.tagger import NO_SECTION, default_model, load_model

DOC_EXTENSIONS = ("gx_section", "gx_sections", "gx_sentences", "gx_claims")
SPAN_EXTENSIONS = {"gx_section": None, "gx_heading": False, "gx_labels": None, "gx_text": None, "gx_claim": None}
PIPELINE = ("gx_sections", "gx_sentencizer", "gx_tagger", "gx_claims")


def register_extensions() -> None:
    """Declare the gx_ extensions once (spaCy raises on a second set_extension)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


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

    `model`: a path to a .skops model (default: the shipped model, else the rule layer);
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


def char_span(doc: Doc, start: int, end: int) -> Optional[Span]:
    return doc.char_span(start, end, alignment_mode="expand")


# --- components ----------------------------------------------------------------------------

class SectionFinder:
    """Doc._.gx_sections: the report's sections found by their headings (segment.py)."""

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
        found = {}
        for key, sec in sections.items():
            if sec is None or not sec.text:
                continue
            start = text.find(sec.text, offsets[min(sec.start, len(offsets) - 1)])
            span = char_span(doc, start, start + len(sec.text)) if start >= 0 else None
            if span is not None:
                span._.gx_section = key
                found[key] = span
        doc._.gx_sections = found or None
        return doc


@Language.factory("gx_sections", default_config={"section": None})
def make_sections(nlp: Language, name: str, section: Optional[str]):
    return SectionFinder(section)


@Language.component("gx_sentencizer")
def gx_sentencizer(doc: Doc) -> Doc:
    """Sentence boundaries from sentences.split_sentences; Doc._.gx_sentences holds the Spans.

    Text that is no sentence (table rows, blank lines) becomes its own stretch in doc.sents,
    so doc.sents covers the doc while doc._.gx_sentences has only sentences and headings.
    """
    spans = []
    for key, start, end in regions(doc):
        for sentence in split_sentences(key, doc.text[start:end]):
            span = char_span(doc, start + sentence.span[0], start + sentence.span[1])
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
    doc._.gx_sentences = spans
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
            span._.gx_labels = labels
        return doc


@Language.factory("gx_tagger", default_config={"threshold": 0.5, "model": None})
def make_tagger(nlp: Language, name: str, threshold: float, model: Optional[str]):
    return Tagger(threshold, model)


@Language.component("gx_claims")
def gx_claims(doc: Doc) -> Doc:
    """Doc._.gx_claims: numeric claims (claims.py) as Spans, each with Span._.gx_claim."""
    spans = []
    for key, start, end in regions(doc):
        claims, _ = extract_claims(key, doc.text[start:end])
        for claim in claims:
            span = char_span(doc, start + claim.span[0], start + claim.span[1])
            if span is not None:
                span._.gx_claim = claim
                spans.append(span)
    doc._.gx_claims = spans
    return doc
