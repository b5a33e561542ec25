"""What the scorer carries while it rates one inspection: the source, its rules, and the problems and
assumptions found on the way (`Problem` locations are paths into the inspection's YAML data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from ..sources.model import Inspection
from .ruleset import Assumption, RuleSet

Loc = tuple


@dataclass(frozen=True)
class Problem:
    """Something in the source the rules do not accept; `loc` is a path into the inspection's YAML data."""

    loc: Loc
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"


class ScoringContext:
    """Collects problems and assumptions while rating one inspection.

    Under `other_rules` (rules the inspection was not written for: another framework, or an edited
    copy of its own) nothing blocks: the source is a record of what was published, so whatever the
    other rules do not accept is a warning and the ratings are what those rules make of the data.
    """

    def __init__(self, inspection: Inspection, rules: RuleSet, other_rules: bool = False):
        self.inspection = inspection
        self.rules = rules
        self.other_rules = other_rules
        self.problems: list[Problem] = []
        self.assumptions: list[str] = []

    def problem(self, loc: Loc, code: str, message: str, severity: Literal["error", "warning"] = "error") -> None:
        if self.other_rules:
            severity = "warning"
        self.problems.append(Problem(tuple(loc), code, message, severity))

    def note(self, assumption: Optional[Assumption]) -> None:
        """Record that an assumption of the rules file was applied (once)."""
        if assumption is not None and assumption.text not in self.assumptions:
            self.assumptions.append(assumption.text)

    def assume(self, assumption_id: str) -> None:
        self.note(next((a for a in self.rules.assumptions if a.id == assumption_id), None))

    def index(self, ids: list[str], loc: Loc, kind: str, known: set[str]) -> dict[str, int]:
        """Map ids to list positions, reporting unknown and repeated ids."""
        found: dict[str, int] = {}
        code = kind.replace(" ", "-")
        for index, item in enumerate(ids):
            if item not in known:
                options = ", ".join(sorted(known)) or "none"
                self.problem(
                    loc + (index, "id"),
                    f"unknown-{code}",
                    f"unknown {kind} '{item}' for framework '{self.rules.id}' (expected one of: {options})",
                )
            elif item in found:
                self.problem(loc + (index, "id"), f"duplicate-{code}", f"{kind} '{item}' is given twice")
            else:
                found[item] = index
        return found
