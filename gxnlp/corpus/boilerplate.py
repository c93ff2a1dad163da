"""Boilerplate: template wording, copying between agencies, an agency's reuse of its own earlier text.

The work is done in gxnlp.corpus.reuse (narrative → seed → align → kinds); this module keeps the
public entry point `run(out_dir)` and the names the CLI, the store and the notebooks import.
"""
from __future__ import annotations

from gxnlp.corpus.reuse import KINDS, OUT_SUBDIR, add_views, analyse, run

__all__ = ["KINDS", "OUT_SUBDIR", "add_views", "analyse", "run"]
