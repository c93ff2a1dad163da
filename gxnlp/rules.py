"""Rules that are data: read once from gxnlp/data/*.toml, checked against the spec names.

No Chinese label string lives in code; stages ask this module for the rules.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType

from gxnlp.errors import RulesError

SECTION_KEYS = ("overview", "active_disclosure", "requests", "review_litigation", "problems", "other")
TABLE3_ROWS = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
    "rejected_confirmation", "other_no_correction", "other_no_fee", "other_other",
    "total_processed", "carried_forward", "other_processing",
)
TABLE3_COLUMNS = (
    "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
    "legal_service_org", "other_org", "total",
)
TABLE4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
TABLE4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
TABLE2_2021 = ("regulations", "normative_documents", "licensing", "penalty", "coercion", "fees_10k_yuan")
TABLE2_2019 = ("regulations", "normative_documents", "licensing", "other_services", "penalty", "coercion",
               "fees", "procurement")


def freeze(obj):
    """Deep read-only view, so a stage cannot change the shared rules by accident."""
    if isinstance(obj, dict):
        return MappingProxyType({k: freeze(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return tuple(freeze(v) for v in obj)
    return obj


@lru_cache(maxsize=None)
def load(name: str):
    path = files("gxnlp.data").joinpath(f"{name}.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(f"gxnlp/data/{name}.toml", str(e)) from e
    validate = VALIDATORS.get(name)
    if validate:
        validate(data)
    return freeze(data)


def _unknown(file: str, kind: str, keys, allowed):
    bad = sorted(set(keys) - set(allowed))
    if bad:
        raise RulesError(f"gxnlp/data/{file}.toml", f"unknown {kind} {bad[0]!r}")


def _validate_sections(data):
    _unknown("sections", "section key", [s["key"] for s in data["section"]], SECTION_KEYS)


def _validate_table_rows(data):
    _unknown("table_rows", "table3 row key", data["table3"]["rows"], TABLE3_ROWS)
    _unknown("table_rows", "table3 column", data["table3"]["columns"], TABLE3_COLUMNS)
    _unknown("table_rows", "table4 group", data["table4"]["groups"], TABLE4_GROUPS)
    _unknown("table_rows", "table2 row key", data["table2"]["rows_2021"], TABLE2_2021)
    _unknown("table_rows", "table2 row key", data["table2"]["rows_2019"], TABLE2_2019)
    for key, row in data["table3"]["rows"].items():
        if "group" in row and row["group"] not in data["table3"]["groups"]:
            raise RulesError("gxnlp/data/table_rows.toml", f"row {key!r} names unknown group {row['group']!r}")


def _validate_metadata(data):
    for rule in data["level"]:
        try:
            re.compile(rule["pattern"])
        except re.error as e:
            raise RulesError("gxnlp/data/metadata.toml", f"bad level pattern {rule['pattern']!r}: {e}") from e


VALIDATORS = {
    "sections": _validate_sections,
    "table_rows": _validate_table_rows,
    "metadata": _validate_metadata,
}
