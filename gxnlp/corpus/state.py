"""A store's run state: the lock that keeps one batch per output folder, and the key that says
whether the tables on disk are already what a rebuild would give (so a rerun with nothing new
rebuilds nothing)."""
from __future__ import annotations

import json
from pathlib import Path

from gxnlp.errors import GxnlpError

LOCK_FILE = ".lock"
STORE_STATE = ".store-state.json"  # what the tables were last built from, and their counts


class Lock:
    """One batch per OUT_DIR at a time (two runs appending to one journal would interleave)."""

    def __init__(self, out: Path):
        self.path = Path(out) / LOCK_FILE
        self.f = None

    def __enter__(self):
        from filelock import FileLock, Timeout

        # an OS lock on every platform (fcntl/msvcrt), released when this process dies
        self.f = FileLock(str(self.path), timeout=0)
        try:
            self.f.acquire()
        except Timeout as e:
            raise GxnlpError(self.path.parent, "another gxnlp batch is using this output folder") from e
        return self

    def __exit__(self, *exc):
        self.f.release()


def store_state(out: Path, latest: dict, corrections) -> str:
    """A key for everything the tables are built from: the journal's records, the corrections
    and the corpus code. Equal keys → the tables on disk are already what a rebuild would give."""
    import hashlib

    h = hashlib.sha256(json.dumps([latest[p] for p in sorted(latest)], sort_keys=True).encode())
    h.update(repr(corrections).encode())
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()
