"""A short seeded fuzz run in the suite: mutants of real reports in every format (tests/fixtures/formats,
corpora/seeds, corpora/real/files) end as a Report or a GxnlpError, never another exception.
The long run is benchmarks/fuzz.py (figures in benchmarks/fuzz.json)."""
import sys
import time

import pytest

import gxnlp
from conftest import ROOT
from gxnlp.errors import GxnlpError
from gxnlp.settings import ParseSettings

sys.path.insert(0, str(ROOT / "tests" / "tools"))
import fuzzing  # noqa: E402

PER_FORMAT = 40


@pytest.mark.parametrize("suffix", fuzzing.SUFFIXES)
def test_mutants_raise_only_gxnlp_errors(tmp_path, suffix):
    files = [p for p in fuzzing.seed_files() if p.suffix == suffix]
    assert files, f"no {suffix} fixtures to fuzz"
    settings = ParseSettings(tag_sentences=False)
    escaped, slowest = [], 0.0
    for case, suf, data in fuzzing.cases(18, PER_FORMAT, files):
        path = tmp_path / f"mutant{suf}"
        path.write_bytes(data)
        start = time.process_time()  # CPU time: a loaded CI machine stretches wall time, a hang stretches both
        try:
            gxnlp.parse(path, settings)
        except GxnlpError:
            pass
        except Exception as e:  # the contract: a damaged file is a GxnlpError, never a crash
            escaped.append(f"{case}: {type(e).__name__}: {e}")
        slowest = max(slowest, time.process_time() - start)
    assert escaped == []
    assert slowest < 10, f"one mutant took {slowest:.1f} s of CPU"


def test_the_fixtures_cover_every_format():
    found = {p.suffix for p in fuzzing.seed_files()}
    assert found == set(fuzzing.SUFFIXES)
    real = [p for p in fuzzing.seed_files() if "real" in p.parts]
    assert {p.suffix for p in real} >= {".pdf", ".txt", ".html"}
