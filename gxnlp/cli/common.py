"""Helpers every command shares: one line per bad file, the loop over inputs, and the one line
(never a traceback) for a missing dependency or an internal error."""
from __future__ import annotations

import os
import sys
import traceback

from gxnlp.errors import GxnlpError

# import name → what to install. Optional features name their extra; the rest are gxnlp's own
# dependencies (a plain `pip install gxnlp` brings them), named by their distribution.
EXTRAS = {"dask": "dask", "distributed": "dask", "rapidocr_onnxruntime": "ocr", "rapidocr": "ocr",
          "onnxruntime": "ocr", "matplotlib": "notebooks", "nbclient": "notebooks", "nbformat": "notebooks"}
DISTRIBUTIONS = {"sklearn": "scikit-learn", "yaml": "pyyaml", "docx": "python-docx", "skops": "skops",
                 "opencc": "opencc", "pyarrow": "pyarrow", "duckdb": "duckdb", "tqdm": "tqdm"}
EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def debug_requested() -> bool:
    return bool(os.environ.get("GXNLP_DEBUG")) or "--debug" in sys.argv[1:]


def missing_line(command: str | None, error: ImportError) -> str:
    """`gxnlp: batch needs pyarrow; pip install pyarrow` — the one line for a missing module."""
    name = (getattr(error, "name", None) or str(error).split("'")[1 if "'" in str(error) else 0]).split(".")[0]
    who = f"{command} needs" if command else "this needs"
    if name in EXTRAS:
        return f'gxnlp: {who} {name}; pip install "gxnlp[{EXTRAS[name]}]"'
    dist = DISTRIBUTIONS.get(name, name)
    return f'gxnlp: {who} {name}; pip install "{dist}" (a dependency of gxnlp: reinstalling gxnlp brings it back)'


def is_missing_dependency(error: BaseException) -> bool:
    """A third-party module that is not installed (a missing gxnlp module is a bug, not this)."""
    if not isinstance(error, ImportError):
        return False
    name = getattr(error, "name", None) or ""
    return bool(name) and name.split(".")[0] != "gxnlp"


def fail_line(path, error: BaseException, debug: bool) -> str:
    if isinstance(error, GxnlpError):
        return f"gxnlp: {error}"
    if debug:
        traceback.print_exception(error)
    return f"gxnlp: {path}: internal error ({error.__class__.__name__}: {error}); please report it"


def each_report(inputs, settings, debug):
    """Yield (path, report, error_line) for every input file."""
    from gxnlp.pipeline import expand_paths, parse

    for path in expand_inputs(inputs, expand_paths):
        if isinstance(path, str):  # an input that holds no report file: its one line
            yield path.split(": ", 1)[0], None, f"gxnlp: {path}"
            continue
        try:
            yield path, parse(path, settings=settings), None
        except KeyboardInterrupt:
            raise
        except Exception as e:  # a bug must not stop the batch either
            if is_missing_dependency(e):
                raise
            yield path, None, fail_line(path, e, debug)


REPORT_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf")


def expand_inputs(inputs, expand_paths):
    """The report files of each input, in order; for a folder that holds none (or a folder named
    like a file, x.txt), the string "FOLDER: reason" instead, so it fails loudly, not silently."""
    from pathlib import Path

    for item in inputs:
        paths = expand_paths([item])
        if not paths and Path(item).is_dir():
            yield (f"{item}: is a directory, not a report file" if Path(item).suffix.lower() in REPORT_SUFFIXES
                   else f"{item}: no report files ({' '.join(REPORT_SUFFIXES)}) in this folder")
        yield from paths
