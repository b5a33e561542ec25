"""The view the templates read: plain dataclasses of ready-made values, one per part of the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from markupsafe import Markup

from ..rating.result import RatedStandard
from ..sources.model import Annex, Domain, KeyQuestion, PlacedSection, Rating, Standard, Theme

Media = Literal["screen", "print"]


@dataclass
class ContentsEntry:
    target: str
    label: str
    level: int


@dataclass
class RecommendationItem:
    number: int
    html: Markup


@dataclass
class RecommendationGroupView:
    addressee: Optional[str]
    items: list[RecommendationItem]


@dataclass
class KQView:
    id: str
    text: str
    percent: Optional[float]
    percent_text: str
    yes: Optional[int]
    of: Optional[int]
    lowest: bool
    footnote: Optional[str]
    source: Optional[KeyQuestion]
    prompts: list[dict]
    band: Optional[Rating] = None
    row_text: str = ""


@dataclass
class StandardView:
    anchor: str
    heading: str
    source: Standard
    rated: Optional[RatedStandard]
    rating: Optional[Rating]
    rating_class: str
    statement: str
    case_based: bool
    key_questions: list[KQView]
    chart: Optional[Markup]
    lowest_note: Optional[str]
    discretion_text: Optional[Markup]
    discretion_note: Optional[str] = None
    table_style: str = "percent"
    table_stem: Optional[str] = None
    placed_after: list[Any] = field(default_factory=list)


@dataclass
class PlacedView:
    anchor: str
    section: PlacedSection


@dataclass
class DomainView:
    anchor: str
    heading: str
    source: Domain
    standards: list[StandardView]
    trailing_sections: list[PlacedView]
    not_rated: bool = False


@dataclass
class ThemeView:
    anchor: str
    number: int
    heading: str
    source: Theme
    percent_text: Optional[str]
    descriptor: Optional[str]
    stars: Optional[int]
    star_slots: int
    explanation: list[dict]
    chart: Optional[Markup]
    name: str = ""


@dataclass
class AnnexView:
    anchor: str
    heading: str
    source: Annex
    data: list[dict] = field(default_factory=list)
    rules: Optional[dict] = None


@dataclass
class RatingsRow:
    kind: Literal["domain", "standard"]
    label: str
    rating: Optional[Rating] = None
    rating_class: str = ""
    note: Optional[str] = None
    rating_note: Optional[str] = None


@dataclass
class ReportView:
    media: Media
    title: str
    family: str
    sections: list[str]
    published: str
    fieldwork_started: str
    score_line: Optional[str]
    contents: list[ContentsEntry]
    ratings_rows: list[RatingsRow]
    recommendations: list[RecommendationGroupView]
    recommendations_intro: Optional[Markup]
    summary_parts: list[Any]
    domains: list[DomainView]
    themes: list[ThemeView]
    annexes: list[AnnexView]
    copyright_year: int
    created: str
    colophon: bool
    star_slots: int = 0
    stars_key: list[dict] = field(default_factory=list)
    rating_key: list[dict] = field(default_factory=list)
    alternative_formats: Optional[str] = None
