"""The data model at the bottom of the house: dataclasses, their one saved form, and frames.

Imports no stage. `core` holds the dataclasses, `saved` turns a Report into the
spec's JSON and back, `frames` gives pandas views.
"""
from gxnlp.model.core import (Breakdown, Cell, Check, Claim, Document, Indicator, Line, Loc, Meta, Report,
                              Section, Sentence, Table)

__all__ = ["Breakdown", "Cell", "Check", "Claim", "Document", "Indicator", "Line", "Loc", "Meta", "Report", "Section",
           "Sentence", "Table"]
