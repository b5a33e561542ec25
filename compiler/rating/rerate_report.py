"""Comparisons (`rerate.py`) -> the `inspection rerate` report: text lines, a JSON document or CSV rows."""
from __future__ import annotations

import csv
import io
from typing import Any, Optional

from .rerate import Comparison, Move, Summary, rules_label, summarise

CSV_COLUMNS = [
    "slug", "service", "framework", "rules", "rules_version", "standard", "name", "before", "after",
    "before_points", "after_points", "published", "note", "score_before", "score_after",
    "max_score_before", "max_score_after", "overall_before", "overall_after",
    "rules_before", "rules_after",
]


def _side(comparison: Comparison, new: bool) -> str:
    """How a side is named: by framework id, or 'its own rules' / 'the new rules' where both ids are one."""
    if comparison.framework == comparison.rules:
        return "the new rules" if new else "its own rules"
    return comparison.rules if new else comparison.framework


def _rated(rating: Optional[str], points: Optional[int], unit: str) -> str:
    if rating is None:
        return "not rated"
    if points is None:
        return rating
    return f"{rating} ({points} {unit}{'' if points == 1 else 's'})"


def move_text(comparison: Comparison, move: Move, unit: str = "point") -> str:
    """One moved standard or theme in words, e.g. '2.4 Reviewing: Outstanding (3 points) -> Good (2 points)'."""
    head = f"{move.id} {move.name}"
    before = _rated(move.before, move.before_points, unit)
    after = _rated(move.after, move.after_points, unit)
    if move.before is None and move.after is not None:
        return f"{head} is rated under {_side(comparison, True)} only: {after}"
    if move.after is None:
        return f"{head} is rated under {_side(comparison, False)} only: {before}"
    if move.note is not None:
        return f"{head}: {move.note}: {before} -> {after}"
    if (move.before, move.before_points) == (move.after, move.after_points):  # moved since it was published
        return f"{head}: published {move.published}, now {after}"
    tail = f" (published {move.published})" if move.published not in (None, move.before) else ""
    return f"{head}: {before} -> {after}{tail}"


def _figure(what: str, before: Any, after: Any, published: Any) -> Optional[str]:
    if before == after:
        if published is not None and published != after:
            return f"{what}: published {published}, now {after}"
        return None
    tail = f" (published {published})" if published is not None and published != before else ""
    return f"{what}: {before} -> {after}{tail}"


def comparison_lines(comparison: Comparison) -> list[str]:
    """An inspection's part of the report: one line if nothing moved, else a heading and what moved."""
    head = f"{comparison.slug} ({comparison.service})"
    if not comparison.comparable:
        return [f"{head}: not compared: {comparison.reason}"]
    if not comparison.changed and not comparison.moves and not comparison.renamed:
        return [f"{head}: unchanged"]
    unit = "point" if comparison.score != (None, None) else "star"
    lines = [f"{head}: from {rules_label(comparison.rules_before)} to {rules_label(comparison.rules_after)}"]
    lines += [f"  {move_text(comparison, move, unit)}" for move in comparison.moves]
    (score_before, score_after), (max_before, max_after) = comparison.score, comparison.max_score
    if score_before is not None or score_after is not None:
        published = comparison.published_score
        shown = _figure(
            "score", _score(score_before, max_before), _score(score_after, max_after),
            None if published is None else _score(published, comparison.published_max_score),
        )
        lines.append(f"  {shown}" if shown else f"  score: {_score(score_after, max_after)}, unchanged")
        overall = _figure("overall", *comparison.overall, comparison.published_overall)
        lines.append(f"  {overall}" if overall else f"  overall: {comparison.overall[1]}, unchanged")
    lines += [f"  note: {text}" for text in comparison.renamed]
    return lines


def _score(score: Optional[int], max_score: Optional[int]) -> str:
    return "none" if score is None else f"{score}/{max_score}"


def summary_line(summary: Summary) -> str:
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    parts = [f"{summary.overall_changes} of {count(summary.inspections, 'inspection', 'inspections')} "
             f"{'changes its' if summary.inspections == 1 else 'change their'} overall rating"]
    parts.append(f"{summary.changes} {'changes' if summary.changes == 1 else 'change'} a rating or the score")
    if summary.not_compared:
        parts.append(f"{summary.not_compared} could not be compared")
    if summary.failed:
        parts.append(f"{summary.failed} could not be rated (see the errors above)")
    return "; ".join(parts) + "."


def rerate_text(comparisons: list[Comparison], rules_line: str, failed: int = 0) -> str:
    """The whole report for the terminal: the rules compared against, each inspection, the summary."""
    lines = [rules_line, ""]
    for comparison in comparisons:
        lines += comparison_lines(comparison)
    lines += ["", summary_line(summarise(comparisons, failed))]
    return "\n".join(lines)


def rerate_json(comparisons: list[Comparison], rules: dict[str, Any], failed: int = 0) -> dict[str, Any]:
    """The report as one JSON document: the rules, each inspection with its moves, and the summary."""
    summary = summarise(comparisons, failed)
    return {
        "rules": rules,
        "inspections": [_comparison_json(c) for c in comparisons],
        "summary": {
            "inspections": summary.inspections, "compared": summary.compared, "not_compared": summary.not_compared,
            "failed": summary.failed, "changed": summary.changes, "overall_changed": summary.overall_changes,
        },
    }


def _comparison_json(c: Comparison) -> dict[str, Any]:
    return {
        "slug": c.slug,
        "service": c.service,
        "framework": c.framework,
        "rules": c.rules,
        "rules_before": dict(c.rules_before),
        "rules_after": dict(c.rules_after),
        "comparable": c.comparable,
        "reason": c.reason,
        "changed": c.changed if c.comparable else False,
        "moves": [
            {"id": m.id, "name": m.name, "before": m.before, "after": m.after, "before_points": m.before_points,
             "after_points": m.after_points, "published": m.published, "note": m.note}
            for m in c.moves
        ],
        "notes": list(c.renamed),
        "score": {"before": c.score[0], "after": c.score[1], "published": c.published_score},
        "max_score": {"before": c.max_score[0], "after": c.max_score[1]},
        "overall": {"before": c.overall[0], "after": c.overall[1], "published": c.published_overall},
    }


def rerate_csv(comparisons: list[Comparison], rules_version: str) -> str:
    """A row per inspection and standard (or theme) that moves, before and after, with the score and overall."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for c in comparisons:
        for m in c.moves:
            writer.writerow([
                c.slug, c.service, c.framework, c.rules, rules_version, m.id, m.name, m.before or "", m.after or "",
                _cell(m.before_points), _cell(m.after_points), m.published or "", m.note or "",
                _cell(c.score[0]), _cell(c.score[1]), _cell(c.max_score[0]), _cell(c.max_score[1]),
                c.overall[0] or "", c.overall[1] or "",
                rules_label(c.rules_before), rules_label(c.rules_after),
            ])
    return buffer.getvalue()


def _cell(value: Optional[int]) -> str:
    return "" if value is None else str(value)
