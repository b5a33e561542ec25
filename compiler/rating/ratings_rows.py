"""RatedInspection -> its rows of ratings.csv (the corpus file, `rate --csv`): one a standard (or theme).

Columns, in order: slug, service, published, framework, rules_version, rules_sha256, domain,
standard, rating, computed, discretion, points, score, max_score, overall. A theme row has no
domain; its rating and computed are descriptors and its points are its stars. Absent values are
empty strings.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Optional

from .result import RatedInspection

COLUMNS = ("slug", "service", "published", "framework", "rules_version", "rules_sha256", "domain", "standard",
           "rating", "computed", "discretion", "points", "score", "max_score", "overall")


def rules_version(rated: RatedInspection) -> str:
    """The version of the rules file the inspection was rated under."""
    return rated.rules.version


def ratings_rows(rated: RatedInspection) -> list[dict[str, str]]:
    """The inspection's CSV rows, in the order its standards and themes are rated."""
    result, meta = rated.result, rated.inspection.meta
    common = {
        "slug": rated.slug, "service": meta.service, "published": str(meta.published),
        "framework": result.framework, "rules_version": rules_version(rated), "rules_sha256": rated.rules.sha256,
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


def csv_text(rows: Iterable[dict[str, str]]) -> str:
    """Rows (of `ratings_rows`) as CSV text, the header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _text(value: Optional[Any]) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))
