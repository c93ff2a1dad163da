"""Exceptions. `str()` of every GxnlpError is one line: "{path}: {reason}".

Callers branch on the subclass; batch runs turn any GxnlpError into an error
row and carry on. Doubtful *content* is never an exception: it becomes a
warning and null cells.
"""
from __future__ import annotations


class GxnlpError(Exception):
    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


class LoadError(GxnlpError, ValueError):
    """The file cannot be read as a report (empty, garbage, truncated, encrypted…)."""


class ScannedPDFError(LoadError):
    """A PDF with no text layer."""


class RulesError(GxnlpError):
    """A data file in gxnlp/data is malformed."""
