"""Rules files (compiler/rules/<id>.yaml) -> RuleSet: one framework version's rules as data."""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .model import Descriptor, Rating

RULES_DIR = Path(__file__).parent / "rules"
FORMAT_VERSION = 1


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Assumption(_Rules):
    """A rule the inspectorate never published, held explicitly so reports can say so."""

    id: str = Field(description="Stable id, e.g. 'scaled-overall-bands'.")
    text: str = Field(description="What was assumed, in one or two sentences.")


class PromptRule(_Rules):
    id: str = Field(description="Prompt letter, e.g. 'a'.")
    text: str


class KeyQuestionRule(_Rules):
    id: str = Field(description="e.g. '2.1.1'.")
    text: str = Field(description="The key question as the framework words it.")
    short: Optional[str] = Field(None, description="Short label, e.g. 'desistance' (charts, split-stem tables).")
    prompts: list[PromptRule] = Field(default_factory=list)


class StandardRule(_Rules):
    id: str
    name: str
    statement: str
    method: Literal["case-based", "qualitative"]
    key_questions: list[KeyQuestionRule] = Field(default_factory=list)


class DomainRule(_Rules):
    id: str
    name: str
    counts_to_score: bool = Field(True, description="False for resettlement, rated separately.")
    optional: bool = Field(False, description="The domain may be absent from a report (e.g. no resettlement cases).")
    standards: list[StandardRule]


class Band(_Rules):
    min: float = Field(description="Lowest percentage (inclusive) in this band.")
    rating: Rating
    label: Optional[str] = Field(None, description="The band's name, e.g. 'Reasonable majority'.")


class OverallBand(_Rules):
    min: int = Field(description="Lowest total score (inclusive) for this rating, out of `OverallBands.max`.")
    rating: Rating


class OverallBands(_Rules):
    max: int = Field(description="The maximum score these bands were published for (36).")
    bands: list[OverallBand]
    other_maxima: Literal["proportional"] = Field(
        "proportional", description="How bands apply to another maximum (an assumption, see `assumption`)."
    )
    assumption: Optional[Assumption] = None


class Discretion(_Rules):
    boundary_margin: float = Field(5, description="Lowest % within this many points of a band boundary.")
    boundary_inclusive: bool = True
    one_case_change: bool = Field(True, description="Allowed where one case judged differently changes the band.")
    small_sample: int = Field(5, description="Allowed where the sample or sub-sample has at most this many cases.")
    max_bands: int = Field(1, description="How many bands discretion may move a rating.")
    assumption: Optional[Assumption] = None


class LimitingJudgement(_Rules):
    standard: str = Field(description="The standard whose rating limits the overall, e.g. '4.1'.")
    when: Rating = Field(description="The rating that triggers the limit.")
    blocks: Rating = Field(description="The overall rating that is then not allowed.")
    cap: Rating = Field(description="The overall rating given instead.")


class MinCases(_Rules):
    value: int = Field(description="Fewest cases in a domain's sample for its case-based standards to be rated.")
    assumption: Optional[Assumption] = None


class ThemeRule(_Rules):
    id: str
    name: str
    scored: bool = Field(True, description="False for governance, judged qualitatively.")


class ThemeBand(_Rules):
    min: float
    descriptor: Descriptor
    stars: int


class RuleSet(_Rules):
    id: str
    format: int = Field(description="Format version of this rules file.")
    name: str = Field(description="Human name, e.g. 'Youth justice standards (2021 revision)'.")
    family: Literal["standards", "themes"]
    summary: str = Field(description="One line for `inspection frameworks`.")
    percent_rounding: Literal["half-up", "none"] = "half-up"
    band_on: Literal["rounded", "exact"] = Field("rounded", description="Band on the printed whole number or the exact value.")
    bands: list[Band] = Field(default_factory=list, description="Key-question % -> rating, highest first.")
    points: dict[Rating, int] = Field(default_factory=dict)
    overall: Optional[OverallBands] = None
    discretion: Optional[Discretion] = None
    limiting_judgements: list[LimitingJudgement] = Field(default_factory=list)
    min_cases: Optional[MinCases] = None
    show_unrated_in_table: bool = Field(False, description="List optional domains in the ratings table even when not rated.")
    domains: list[DomainRule] = Field(default_factory=list)
    themes: list[ThemeRule] = Field(default_factory=list)
    theme_bands: list[ThemeBand] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list, description="Further documented assumptions.")

    def standard(self, standard_id: str) -> Optional[StandardRule]:
        return next((s for d in self.domains for s in d.standards if s.id == standard_id), None)

    def domain_of(self, standard_id: str) -> Optional[DomainRule]:
        return next((d for d in self.domains for s in d.standards if s.id == standard_id), None)
