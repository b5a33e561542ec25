"""The rated model: what the scorer adds to an inspection (ratings, points, score, overall)."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..sources.model import Descriptor, Inspection, Rating


class Rated(BaseModel):
    model_config = ConfigDict(frozen=True)


class RatedPrompt(Rated):
    id: str
    yes: Optional[int]
    of: Optional[int]
    percent: Optional[float] = Field(description="Rounded as the rules say, like a key question's.")


class RatedKeyQuestion(Rated):
    id: str
    text: str
    yes: Optional[int]
    of: Optional[int]
    percent: Optional[float] = Field(description="Rounded as the rules say (whole numbers).")
    band: Optional[Rating]
    lowest: bool = Field(False, description="Whether this is (one of) the lowest in its standard.")
    prompts: list[RatedPrompt] = Field(default_factory=list, description="Prompt-level figures, in source order.")


class DiscretionDecision(Rated):
    from_: Rating = Field(alias="from")
    to: Rating
    reason: str
    triggers: list[str] = Field(default_factory=list, description="Which allowed conditions held.")

    model_config = ConfigDict(frozen=True, populate_by_name=True)


class RatedStandard(Rated):
    id: str
    name: str
    statement: str
    method: Literal["case-based", "qualitative"]
    domain: str
    rating: Rating
    points: Optional[int]
    computed: Optional[Rating] = Field(description="Rating from the data before discretion (case-based).")
    discretion: Optional[DiscretionDecision] = None
    counts_to_score: bool = True
    not_rated_reason: Optional[str] = None
    key_questions: list[RatedKeyQuestion] = Field(default_factory=list)


class RatedTheme(Rated):
    id: str
    name: str
    percent: Optional[float]
    computed: Optional[Descriptor]
    descriptor: Optional[Descriptor]
    stars: Optional[int]
    moderation_reason: Optional[str] = Field(None, description="Why moderation moved the descriptor, if it did.")


class ScoreRange(Rated):
    low: int
    high: int
    rating: Rating


class RatingResult(Rated):
    framework: str
    rules_version: str = Field("", description="The version of the rules file the ratings were computed under.")
    rules_sha256: str = Field("", description="The SHA-256 of that rules file's bytes.")
    overall: Optional[Rating]
    overall_before_limits: Optional[Rating] = None
    score: Optional[int]
    max_score: Optional[int]
    overall_bands: list[ScoreRange] = Field(
        default_factory=list, description="The overall rating's score ranges on this report's maximum, lowest first."
    )
    standards: list[RatedStandard] = Field(default_factory=list)
    themes: list[RatedTheme] = Field(default_factory=list)
    limits_applied: list[str] = Field(default_factory=list, description="Limiting judgements that changed the overall.")
    assumptions: list[str] = Field(default_factory=list, description="Documented assumptions the scorer applied.")

    def standard(self, standard_id: str) -> Optional[RatedStandard]:
        return next((s for s in self.standards if s.id == standard_id), None)

    def theme(self, theme_id: str) -> Optional[RatedTheme]:
        return next((t for t in self.themes if t.id == theme_id), None)


class RatedInspection(Rated):
    """What templates receive: the source, its rules and the ratings computed from them."""

    slug: str
    inspection: Inspection
    rules: Any = Field(description="The RuleSet the inspection was rated under.")
    result: RatingResult
