"""Shared test helpers: paths, and the contract's scorer (copied from shared/tools/score.py)."""
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpora" / "seeds"
TRUTH = ROOT / "corpora" / "truth"
FIXTURES = ROOT / "tests" / "fixtures"

_spec = importlib.util.spec_from_file_location("gx_score", ROOT / "tests" / "tools" / "score.py")
score_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score_module)


def score(pred: dict, truth: dict) -> tuple[dict, list[str]]:
    """Ratios per scored field and the misses, exactly as shared/tools/score.py computes them."""
    tally = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    score_module.score_file(truth, pred, tally, misses)
    return {k: a / b for k, (a, b) in tally.items() if b}, misses


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(SEEDS.glob("*.txt"))
