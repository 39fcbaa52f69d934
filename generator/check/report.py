"""Formatting check reports: Vietnamese text grouped by element, and JSON for machines."""

from __future__ import annotations

import json

from . import DocumentReport, RuleResult
from .catalogue import NOT_APPLICABLE, UNOBSERVABLE

MARK = {"lỗi": "✗", "cảnh báo": "!"}


def summary(report: DocumentReport) -> str:
    errors, warnings, unseen = len(report.errors), len(report.warnings), len(report.unobservable)
    verdict = "ĐẠT" if report.ok else "KHÔNG ĐẠT"
    parts = [f"{errors} lỗi", f"{warnings} cảnh báo"]
    if unseen:
        parts.append(f"{unseen} quy tắc không đánh giá được")
    return f"{report.path}: {verdict} ({', '.join(parts)})"


def as_text(report: DocumentReport) -> str:
    lines = [summary(report)]
    failed = [r for r in report.results if r.failed]
    elements: dict[str, list[RuleResult]] = {}
    for result in failed:
        elements.setdefault(result.rule.element, []).append(result)
    for element, results in elements.items():
        lines.append(f"  {element}")
        for result in results:
            rule = result.rule
            lines.append(f"    {MARK[rule.severity]} {rule.severity} [{rule.id}] {rule.message} ({rule.ref})")
            for violation in result.outcome.violations[:8]:
                lines.append(f"        {violation.finding}")
            if len(result.outcome.violations) > 8:
                lines.append(f"        … và {len(result.outcome.violations) - 8} chỗ khác")
            lines.append(f"        Cách sửa: {rule.hint}")
    unseen = report.unobservable
    if unseen:
        lines.append("  Không đánh giá được")
        for result in unseen:
            lines.append(f"    ? [{result.rule.id}] {result.outcome.reason}")
    return "\n".join(lines)


def as_dict(report: DocumentReport) -> dict:
    return {
        "file": str(report.path),
        "ok": report.ok,
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "unobservable": len(report.unobservable),
            "not_applicable": sum(r.outcome.status == NOT_APPLICABLE for r in report.results),
        },
        "results": [
            {
                "rule": r.rule.id,
                "ref": r.rule.ref,
                "element": r.rule.element,
                "severity": r.rule.severity,
                "status": r.status,
                "message": r.rule.message,
                "hint": r.rule.hint,
                "reason": r.outcome.reason,
                "violations": [
                    # line: the line it is about (check.locate), None when about the whole document
                    # finding: what is wrong and the text it is about, quoted, as the text report prints it
                    {"text": v.text, "detail": v.detail, "finding": v.finding, "line": r.place(i)}
                    for i, v in enumerate(r.outcome.violations)
                ],
            }
            for r in report.results
        ],
    }


def as_json(reports: list[DocumentReport]) -> str:
    return json.dumps({"files": [as_dict(r) for r in reports]}, ensure_ascii=False, indent=2)


__all__ = ["as_json", "as_text", "summary", "UNOBSERVABLE"]
