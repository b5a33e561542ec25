"""RatedInspection -> its rows of the corpus ratings.csv: one a standard (or theme), plain text values.

Columns, in order: slug, service, published, framework, rules_version, domain, standard, rating,
computed, discretion, points, score, max_score, overall. A theme row has no domain; its rating and
computed are descriptors and its points are its stars. Absent values are empty strings.
"""
from __future__ import annotations

from typing import Any, Optional

from .result import RatedInspection

COLUMNS = ("slug", "service", "published", "framework", "rules_version", "domain", "standard", "rating",
           "computed", "discretion", "points", "score", "max_score", "overall")


def rules_version(rated: RatedInspection) -> str:
    """The version of the rules file the inspection was rated under ('' while rules files carry none)."""
    version = getattr(rated.rules, "version", None)
    return "" if version is None else str(version)


def ratings_rows(rated: RatedInspection) -> list[dict[str, str]]:
    """The inspection's CSV rows, in the order its standards and themes are rated."""
    result, meta = rated.result, rated.inspection.meta
    common = {
        "slug": rated.slug, "service": meta.service, "published": str(meta.published),
        "framework": result.framework, "rules_version": rules_version(rated),
        "score": _text(result.score), "max_score": _text(result.max_score), "overall": _text(result.overall),
    }
    rows = [
        {**common, "domain": s.domain, "standard": s.id, "rating": s.rating.value, "computed": _text(s.computed),
         "discretion": "yes" if s.discretion else "no", "points": _text(s.points)}
        for s in result.standards
    ]
    rows += [
        {**common, "domain": "", "standard": t.id, "rating": _text(t.descriptor), "computed": _text(t.computed),
         "discretion": "yes" if t.moderation_reason else "no", "points": _text(t.stars)}
        for t in result.themes
    ]
    return [{column: row[column] for column in COLUMNS} for row in rows]


def _text(value: Optional[Any]) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))
