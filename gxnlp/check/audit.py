"""All the audit checks beyond arithmetic, for `pipeline.build_report` (one call)."""
from __future__ import annotations

from gxnlp.check.columns import column_checks
from gxnlp.check.contradictions import contradiction_checks
from gxnlp.check.outline import outline_checks
from gxnlp.check.style import style_checks
from gxnlp.model.core import Check


def audit_checks(report) -> list[Check]:
    """Contradictions, misfiled columns, the outline and style notices of one parsed report."""
    text = report.document.text if report.document is not None else "\n".join(
        s.text for s in report.sections.values() if s is not None)
    return (contradiction_checks(report.sections, report.tables, report.claims)
            + column_checks(report.tables, report.meta.template)
            + outline_checks(text, report.sections)
            + style_checks(report.sections, report.meta.year_sources))
