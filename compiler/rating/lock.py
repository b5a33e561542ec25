"""A final report's ratings lock (`ratings.lock` beside its inspection.yaml) <-> its rated result.

The lock records the ratings a report was published with: each standard's (or theme's) rating and
points, the score and the overall rating, and the rules (framework, version, fingerprint) that
gave them. A build of a final report whose computed ratings differ is refused, naming every
rating that moved, until the change is accepted deliberately (`inspection build --accept-ratings`),
which rewrites the lock. Only ratings are compared: an edit that moves none passes (`--accept-ratings`
then records the new fingerprint). Reading the lock is here; writing it is the builds stage's,
through builds/output.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from ..sources.diagnostics import Diagnostics, Span
from ..sources.yaml_source import SourceFile
from .result import RatedInspection

LOCK_NAME = "ratings.lock"
ACCEPT_OPTION = "--accept-ratings"
ABOUT = (
    "The ratings this report was published with. `inspection build` refuses to build it when its computed "
    f"ratings differ; `inspection build {ACCEPT_OPTION}` accepts new ones and rewrites this file. Keep it in git."
)


@dataclass(frozen=True)
class Change:
    """One recorded value that the current rating no longer gives."""

    what: str  # e.g. "2.4 Reviewing", "score", "overall rating"
    before: Any
    after: Any
    loc: tuple = ()  # where in the inspection's YAML data it stands, if anywhere

    def describe(self) -> str:
        return f"{self.what}: {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: Any) -> str:
    return "not rated" if value is None else str(value)


def lock_path(entry: Path) -> Path:
    """Where the lock of the inspection whose entry file is `entry` lives."""
    return Path(entry).parent / LOCK_NAME


def lock_record(rated: RatedInspection) -> dict[str, Any]:
    """What the lock holds for a rated inspection."""
    result = rated.result
    return {
        "about": ABOUT,
        "slug": rated.slug,
        "framework": result.framework,
        "rules_version": result.rules_version,
        "rules_sha256": result.rules_sha256,
        "overall": result.overall.value if result.overall else None,
        "score": result.score,
        "max_score": result.max_score,
        "standards": [{"id": s.id, "rating": s.rating.value, "points": s.points} for s in result.standards],
        "themes": [
            {"id": t.id, "descriptor": t.descriptor.value if t.descriptor else None, "stars": t.stars}
            for t in result.themes
        ],
    }


def lock_text(rated: RatedInspection) -> str:
    """The lock as JSON text, a line per standard or theme so that a change reads as one line in a diff."""
    parts = []
    for key, value in lock_record(rated).items():
        if isinstance(value, list) and value:
            rows = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in value)
            parts.append(f"  {json.dumps(key)}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def read_lock(path: Path, diagnostics: Diagnostics) -> Optional[dict[str, Any]]:
    """The record in a lock file, None if there is none; an unreadable one is an error at the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error("lock-unreadable", f"cannot read {path.name} ({getattr(exc, 'strerror', None) or exc})",
                          Span(str(path)))
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        diagnostics.error("lock-invalid", f"{path.name} is not valid JSON ({exc.msg})", Span(str(path), exc.lineno,
                          exc.colno), f"restore it from git, or rebuild with `inspection build {ACCEPT_OPTION}`")
        return None
    if not isinstance(record, dict) or not isinstance(record.get("standards", []), list) or not isinstance(
        record.get("themes", []), list
    ):
        diagnostics.error("lock-invalid", f"{path.name} does not hold a record of ratings", Span(str(path)),
                          f"restore it from git, or rebuild with `inspection build {ACCEPT_OPTION}`")
        return None
    return record


def _current_text(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def changes(record: dict[str, Any], rated: RatedInspection) -> list[Change]:
    """Every recorded rating the rated inspection no longer gives, in report order; the score and overall last."""
    now = lock_record(rated)
    found: list[Change] = []
    names = {row.id: row.name for row in [*rated.result.standards, *rated.result.themes]}
    places = _places(rated)
    for key, fields in (("standards", ("rating", "points")), ("themes", ("descriptor", "stars"))):
        old = {row.get("id"): row for row in record.get(key, []) if isinstance(row, dict)}
        new = {row["id"]: row for row in now[key]}
        for row_id in [*new, *(i for i in old if i not in new)]:
            was, is_ = old.get(row_id, {}), new.get(row_id, {})
            if tuple(was.get(f) for f in fields) != tuple(is_.get(f) for f in fields):
                what = f"{row_id} {names[row_id]}" if row_id in names else str(row_id)
                found.append(Change(what, _described(was, fields), _described(is_, fields), places.get(row_id, ())))
    if record.get("framework") != now["framework"]:
        found.append(Change("framework", record.get("framework"), now["framework"], ("framework",)))
    for key, what in (("score", "score"), ("max_score", "maximum score"), ("overall", "overall rating")):
        if record.get(key) != now[key]:
            found.append(Change(what, record.get(key), now[key]))
    return found


def _described(row: dict, fields: tuple[str, str]) -> Optional[str]:
    value, count = row.get(fields[0]), row.get(fields[1])
    if value is None:
        return None
    if count is None:
        return str(value)
    unit = "point" if fields[1] == "points" else "star"
    return f"{value} ({count} {unit}{'' if count == 1 else 's'})"


def _places(rated: RatedInspection) -> dict[str, tuple]:
    """Each standard's and theme's location in the inspection's YAML data."""
    places: dict[str, tuple] = {}
    for d_index, domain in enumerate(rated.inspection.domains):
        for s_index, standard in enumerate(domain.standards):
            places.setdefault(standard.id, ("domains", d_index, "standards", s_index, "id"))
    for t_index, theme in enumerate(rated.inspection.themes):
        places.setdefault(theme.id, ("themes", t_index, "id"))
    return places


def check(
    rated: RatedInspection, entry: Path, source: SourceFile, diagnostics: Diagnostics, *, accept: bool = False
) -> dict[Path, str]:
    """Compare a final report's ratings with its lock; return the lock to write (path -> text), if any.

    No lock yet: the report is being published, so the lock is written. Ratings that moved are an
    error each, at the standard, with one at `status` that says how to accept them; with `accept`
    the new ratings are recorded instead.
    """
    path = lock_path(entry)
    record = read_lock(path, diagnostics)
    if record is None:
        return {} if diagnostics.has_errors() else {path: lock_text(rated)}
    if accept:  # the current ratings and rules, recorded (a rules edit that moved nothing updates the fingerprint)
        text = lock_text(rated)
        return {path: text} if _current_text(path) != text else {}
    moved = changes(record, rated)
    if not moved:
        return {}
    for change in moved:
        if change.loc:
            diagnostics.error(
                "published-rating-changed",
                f"{change.what} was published as {_shown(change.before)} and is now {_shown(change.after)}; "
                "the ratings of a final report do not change silently",
                source.span(change.loc),
            )
    listed = "; ".join(change.describe() for change in moved)
    diagnostics.error(
        "published-ratings-changed",
        f"the ratings of this final report differ from those it was published with ({path.name}): {listed}",
        source.span(("status",)),
        f"if the change is meant, accept it with `inspection build {ACCEPT_OPTION} {entry.parent}`, which rebuilds "
        f"the report and records the new ratings in {path.name} (commit that file)",
        f"`inspection rerate --rules {rated.rules.id} {entry.parent}` shows what moved",
    )
    return {}
