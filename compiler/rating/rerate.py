"""Two ratings of one inspection (under its own rules, under other rules) -> what moves between them.

Pure: no I/O, no printing. Standards (or themes) are matched by id; what one side rates and the
other does not is listed, as is an id that names a different standard on each side. A typed rating
or a recorded publication (the report's ratings lock) is the published rating, shown where the
new rules give something else. A discretion decision the new rules no longer allow is a move.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .result import RatedInspection, RatedStandard, RatedTheme


@dataclass(frozen=True)
class Move:
    """One standard (or theme) whose rating or points differ, or whose published rating the new rules change."""

    id: str
    name: str
    before: Optional[str]  # rating (themes: descriptor) under the inspection's own rules; None: not rated there
    after: Optional[str]  # under the new rules; None: not rated there
    before_points: Optional[int]  # points (themes: stars)
    after_points: Optional[int]
    published: Optional[str] = None  # the published rating (recorded in its lock, or typed), if known
    note: Optional[str] = None  # e.g. "discretion no longer allowed"

    @property
    def rated_on_one_side(self) -> bool:
        return self.before is None or self.after is None

    @property
    def moves_a_rating(self) -> bool:
        """False only for a row one side lists as Not rated and the other leaves out: no rating changes."""
        return not (self.rated_on_one_side and (self.before or self.after) == "Not rated")


@dataclass(frozen=True)
class Comparison:
    """An inspection rated under its own rules and under other rules, and what moved."""

    slug: str
    service: str
    framework: str  # the inspection's own framework
    rules: str  # the id of the other rules
    comparable: bool = True
    reason: Optional[str] = None  # why nothing could be compared
    moves: list[Move] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # an id naming a different standard on each side
    score: tuple[Optional[int], Optional[int]] = (None, None)
    max_score: tuple[Optional[int], Optional[int]] = (None, None)
    overall: tuple[Optional[str], Optional[str]] = (None, None)
    published_score: Optional[int] = None
    published_max_score: Optional[int] = None
    published_overall: Optional[str] = None
    rules_before: dict = field(default_factory=dict)  # the inspection's own rules: id, version, sha256
    rules_after: dict = field(default_factory=dict)  # the other rules: id, version, sha256

    @property
    def score_moves(self) -> bool:
        return self.score[0] != self.score[1] or self.max_score[0] != self.max_score[1]

    @property
    def overall_moves(self) -> bool:
        return self.overall[0] != self.overall[1] or (
            self.published_overall is not None and self.published_overall != self.overall[1]
        )

    @property
    def changed(self) -> bool:
        published_score_moves = self.published_score is not None and (
            self.published_score, self.published_max_score) != (self.score[1], self.max_score[1])
        moved = any(move.moves_a_rating for move in self.moves)
        return moved or self.score_moves or self.overall_moves or published_score_moves


def _value(enum_value) -> Optional[str]:
    return enum_value.value if enum_value is not None else None


def _rating(row: RatedStandard | RatedTheme | None) -> Optional[str]:
    if row is None:
        return None
    return _value(row.rating if isinstance(row, RatedStandard) else row.descriptor)


def _points(row: RatedStandard | RatedTheme | None) -> Optional[int]:
    if row is None:
        return None
    return row.points if isinstance(row, RatedStandard) else row.stars


def _discretion_note(before: RatedStandard, after: RatedStandard, wanted: Optional[str]) -> Optional[str]:
    """Whether the new rules take away a discretion decision the report's own rules allowed."""
    if before.discretion is None or after.discretion is not None:
        return None
    if wanted is not None and _value(after.computed) == wanted:
        return "discretion no longer needed: the data alone give the rating it chose"
    return "discretion no longer allowed"


def published_ratings(rated: RatedInspection, record: Optional[dict] = None) -> dict[str, str]:
    """What the report published, by standard or theme id: its recorded ratings, else the ratings it types."""
    if record is not None:
        rows = record.get("standards", []) + record.get("themes", [])
        return {row["id"]: row.get("rating") or row.get("descriptor") for row in rows if isinstance(row, dict)}
    typed: dict[str, str] = {}
    for domain in rated.inspection.domains:
        for standard in domain.standards:
            if standard.rating is not None:
                typed[standard.id] = standard.rating.value
    return typed


def compare(
    before: RatedInspection, after: RatedInspection, record: Optional[dict] = None
) -> Comparison:
    """What moves when `before` (rated under its own rules) is rated as `after` (under other rules).

    `record` is the report's ratings lock, if it has one: the ratings it was published with.
    """
    if before.rules.family != after.rules.family:
        return not_compared(before, after.rules)
    base = _identity(before, after.rules)
    published = published_ratings(before, record)
    wanted = {
        s.id: s.discretion.to.value
        for d in before.inspection.domains for s in d.standards if s.discretion is not None
    }
    old_rows = {row.id: row for row in [*before.result.standards, *before.result.themes]}
    new_rows = {row.id: row for row in [*after.result.standards, *after.result.themes]}
    moves: list[Move] = []
    renamed: list[str] = []
    for row_id in [*old_rows, *(i for i in new_rows if i not in old_rows)]:
        old, new = old_rows.get(row_id), new_rows.get(row_id)
        if isinstance(old, RatedStandard) and isinstance(new, RatedStandard) and (
            old.method != new.method or old.name != new.name
        ):
            renamed.append(
                f"{row_id} is {old.name} ({old.method}) under {before.rules.id} and {new.name} ({new.method}) "
                f"under {after.rules.id}"
            )
        note = _discretion_note(old, new, wanted.get(row_id)) if isinstance(old, RatedStandard) and isinstance(
            new, RatedStandard) else None
        was = published.get(row_id)
        republished = was is not None and new is not None and was != _rating(new)
        if (_rating(old), _points(old)) != (_rating(new), _points(new)) or republished:
            moves.append(Move(row_id, (new or old).name, _rating(old), _rating(new), _points(old), _points(new),
                              was, note))
    return Comparison(
        **base,
        moves=moves,
        renamed=renamed,
        score=(before.result.score, after.result.score),
        max_score=(before.result.max_score, after.result.max_score),
        overall=(_value(before.result.overall), _value(after.result.overall)),
        published_score=record.get("score") if record else None,
        published_max_score=record.get("max_score") if record else None,
        published_overall=record.get("overall") if record else None,
    )


def _identity(before: RatedInspection, rules) -> dict:
    return dict(slug=before.slug, service=before.inspection.meta.service, framework=before.rules.id, rules=rules.id,
                rules_before=rules_identity(before.rules), rules_after=rules_identity(rules))


def rules_identity(rules) -> dict:
    """Which rules a side is: framework id, version and fingerprint."""
    return {"id": rules.id, "version": rules.version, "sha256": getattr(rules, "sha256", None)}


def rules_label(identity: dict) -> str:
    """A side's rules in one cell, e.g. 'standards-2021 version 1.0 (sha256 ab12...)'."""
    sha = f" (sha256 {identity['sha256']})" if identity.get("sha256") else ""
    return f"{identity.get('id')} version {identity.get('version')}{sha}" if identity else ""


def not_compared(before: RatedInspection, rules) -> Comparison:
    """The comparison of an inspection with rules of another family: none, and why."""
    return Comparison(**_identity(before, rules), comparable=False, reason=not_comparable(before.rules, rules))


def not_comparable(own, other) -> str:
    """Why an inspection's ratings cannot be set beside another family's (themes against standards)."""
    return (
        f"it is rated on {own.family} ({own.id}) and {other.id} rates {other.family}: "
        "nothing maps between them"
    )


@dataclass(frozen=True)
class Summary:
    inspections: int
    compared: int
    overall_changes: int
    changes: int
    not_compared: int
    failed: int


def summarise(comparisons: list[Comparison], failed: int = 0) -> Summary:
    compared = [c for c in comparisons if c.comparable]
    return Summary(
        inspections=len(comparisons) + failed,
        compared=len(compared),
        overall_changes=sum(1 for c in compared if c.overall_moves),
        changes=sum(1 for c in compared if c.changed),
        not_compared=len(comparisons) - len(compared),
        failed=failed,
    )
