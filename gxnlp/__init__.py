"""gxnlp: government information-disclosure annual reports → research-grade data."""
from .errors import GxnlpError, LoadError, RulesError, ScannedPDFError
from .model import Report
from .pipeline import parse, parse_many
from .settings import ParseSettings

__all__ = ["parse", "parse_many", "nlp", "Report", "ParseSettings", "GxnlpError", "LoadError",
           "ScannedPDFError", "RulesError"]
__version__ = "0.1.0"


def nlp(**kwargs):
    """The spaCy pipeline (jieba segmenter + gxnlp components); spaCy is imported only here."""
    from .spacy_components import make_nlp

    return make_nlp(**kwargs)
