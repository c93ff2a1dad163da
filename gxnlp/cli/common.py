"""Helpers every command shares: one line per bad file, and the loop over inputs."""
from __future__ import annotations

import traceback

from gxnlp.errors import GxnlpError
from gxnlp.pipeline import expand_paths, parse


def fail_line(path, error: BaseException, debug: bool) -> str:
    if isinstance(error, GxnlpError):
        return f"gxnlp: {error}"
    if debug:
        traceback.print_exception(error)
    return f"gxnlp: {path}: internal error ({error.__class__.__name__}: {error}); please report it"


def each_report(inputs, settings, debug):
    """Yield (path, report, error_line) for every input file."""
    for path in expand_paths(inputs):
        try:
            yield path, parse(path, settings), None
        except KeyboardInterrupt:
            raise
        except Exception as e:  # a bug must not stop the batch either
            yield path, None, fail_line(path, e, debug)
