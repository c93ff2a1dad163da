"""gxnlp: government information-disclosure annual reports → research-grade data.

The public API is `__all__` (documented in docs/api.md); every other module is internal and
may change. `import gxnlp` loads the parser only: tagging, pandas, scikit-learn, the corpus
and page code are imported when first used.
"""
from gxnlp.errors import GxnlpError, LoadError, RulesError, ScannedPDFError
from gxnlp.model import Report
from gxnlp.pipeline import parse, parse_many
from gxnlp.settings import ParseSettings

__all__ = ["parse", "parse_many", "nlp", "Report", "ParseSettings", "GxnlpError", "LoadError",
           "ScannedPDFError", "RulesError"]
__version__ = "0.1.0"


def nlp(**kwargs):
    """The spaCy pipeline (jieba segmenter + gxnlp components); spaCy is imported only here."""
    from gxnlp.tag.components import make_nlp

    return make_nlp(**kwargs)
