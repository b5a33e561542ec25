"""The typed model of an inspection source: what authors write. Imports nothing from the project.

Field descriptions double as the JSON Schema that editors use, so every field has one.
Narrative is Markdown (raw HTML off): fields typed `Markdown` or `InlineMarkdown`; other text
prints as written. Footnotes are written `[^key]` in Markdown and defined once in
`Inspection.footnotes`; the renderer numbers them in reading order.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (AllowInfNan, BaseModel, ConfigDict, Discriminator, Field, Tag, WithJsonSchema, WrapValidator,
                      field_validator, model_validator)
from pydantic import Strict as StrictType
from pydantic.json_schema import SkipJsonSchema

from .limits import MAX_NAME_LENGTH


class Strict(BaseModel):
    """Base for source types: frozen, unknown keys forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rating(str, Enum):
    """A standard or overall rating, spelled as the reports print it."""

    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"
    NOT_RATED = "Not rated"


# Ratings from worst to best: discretion moves along this scale.
RATING_SCALE = [Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING]


class Descriptor(str, Enum):
    """A Full Joint Inspection theme descriptor (2013 set)."""

    VERY_GOOD = "Very good"
    GOOD = "Good"
    UNSATISFACTORY = "Unsatisfactory"
    POOR = "Poor"


@dataclass(frozen=True)
class MarkdownText:
    """Marks a text field that templates render as Markdown: paragraphs (`| md`), or with `inline`
    one line (`| mdi`). Other text prints as written, so a `[^key]` in it is not a citation."""

    inline: bool = False


_MARKDOWN_DESCRIPTION = "Markdown text (no raw HTML). Footnotes as [^key]."
Markdown = Annotated[str, Field(description=_MARKDOWN_DESCRIPTION), MarkdownText()]
InlineMarkdown = Annotated[str, Field(description=_MARKDOWN_DESCRIPTION), MarkdownText(inline=True)]
# Numbers as written: `true`, "6" or 6.0 where a whole number goes is a mistake, never a 1 or a 6.
WholeNumber = Annotated[int, StrictType()]
Number = Annotated[float, StrictType(), AllowInfNan(False)]
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"

# Text still to be written (see placeholders.py, which reports each one: a warning in a draft, an
# error in a final report). It may also stand where a date goes, so a new report starts with no
# date an author could mistake for a real one.
PLACEHOLDER_PATTERN = r"\[\[\s*placeholder:\s*(?P<what>.*?)\s*\]\]"
_PLACEHOLDER_ONLY = re.compile(r"\s*" + PLACEHOLDER_PATTERN + r"\s*", re.DOTALL)
_PLACEHOLDER_SCHEMA = {"type": "string", "pattern": r"^\s*\[\[\s*placeholder:.*\]\]\s*$"}


def is_placeholder(value: Any) -> bool:
    """Whether a value is one `[[placeholder: ...]]` and nothing else."""
    return isinstance(value, str) and _PLACEHOLDER_ONLY.fullmatch(value) is not None


def _or_placeholder(value: Any, handler):
    return value if is_placeholder(value) else handler(value)


# A date (or month) as written, or a placeholder for it: code reading one checks is_placeholder first.
DateOrPlaceholder = Annotated[dt.date, WrapValidator(_or_placeholder), WithJsonSchema(
    {"anyOf": [{"type": "string", "format": "date"}, _PLACEHOLDER_SCHEMA]})]
MonthOrPlaceholder = Annotated[str, Field(pattern=_MONTH), WrapValidator(_or_placeholder), WithJsonSchema(
    {"anyOf": [{"type": "string", "pattern": _MONTH}, _PLACEHOLDER_SCHEMA]})]


# --------------------------------------------------------------------------- narrative blocks


class TextBlock(Strict):
    text: Markdown = Field(description="A run of Markdown paragraphs.")


class FileBlock(Strict):
    file: str = Field(description="Path of a Markdown file, relative to the inspection folder and inside it.")
    content: SkipJsonSchema[Optional[str]] = Field(
        None, description="Filled in by the loader with the file's text; never written by authors."
    )


class Quote(Strict):
    text: Markdown = Field(description="The quoted words, without quotation marks.")
    speaker: Literal[
        "child", "young person", "parent or carer", "victim", "staff", "partner", "inspector", "other"
    ] = Field(description="Who said it (kind of person, never a name).")
    lead_in: Optional[InlineMarkdown] = Field(None, description="A line introducing the quote, e.g. 'One child told us:'.")
    attribution: Optional[str] = Field(None, description="Printed after the quote, e.g. 'Parent'.")


class QuoteBlock(Strict):
    quote: Quote


class Example(Strict):
    kind: Literal["practice example", "case illustration", "note", "alert", "comment"] = Field(
        "practice example", description="What the boxed aside is; decides its default title."
    )
    title: Optional[str] = Field(None, description="Heading of the box; defaults from `kind`.")
    body: Markdown = Field(description="The box's text.")


class ExampleBlock(Strict):
    example: Example


class Table(Strict):
    caption: Optional[InlineMarkdown] = Field(None, description="Caption or heading above the table.")
    header: Optional[list[InlineMarkdown]] = Field(None, description="Column headings, if the table has a header row.")
    rows: list[list[InlineMarkdown]] = Field(description="Rows of cells (Markdown inline text). Numbers are written as text.")
    row_headers: Union[bool, Literal["last"]] = Field(
        True, description="Whether the first cell of each row is a row heading; `last` when the last cell is "
                          "(a figure followed by what it counts).")
    emphasis_rows: list[Annotated[WholeNumber, Field(ge=0)]] = Field(
        default_factory=list, description="0-based indexes of rows printed in bold."
    )
    footnote: Optional[str] = Field(None, description="Key of a footnote attached to the caption.")
    note: Optional[Markdown] = Field(None, description="A line printed under the table.")

    @field_validator("emphasis_rows")
    @classmethod
    def _rows_exist(cls, value: list[int], info):
        rows = info.data.get("rows")
        missing = [i for i in value if rows is not None and i >= len(rows)]
        if missing:
            raise ValueError(f"emphasis_rows: row {missing[0]} does not exist (rows are counted from 0; "
                             f"the table has {len(rows)})")
        return value


class TableBlock(Strict):
    table: Table


class ListBlock(Strict):
    lead: Optional[Markdown] = Field(None, description="A line before the list.")
    items: list[InlineMarkdown] = Field(description="Bulleted items.")


class BulletsBlock(Strict):
    bullets: ListBlock


_BLOCK_KEYS = ("text", "file", "quote", "example", "table", "bullets")


def _block_kind(value: Any) -> Optional[str]:
    """Pick a block type by its one identifying key, so errors name one type, not six."""
    if isinstance(value, dict):
        return next((k for k in _BLOCK_KEYS if k in value), None)
    return next((k for k in _BLOCK_KEYS if hasattr(value, k)), None)


Block = Annotated[
    Union[
        Annotated[TextBlock, Tag("text")],
        Annotated[FileBlock, Tag("file")],
        Annotated[QuoteBlock, Tag("quote")],
        Annotated[ExampleBlock, Tag("example")],
        Annotated[TableBlock, Tag("table")],
        Annotated[BulletsBlock, Tag("bullets")],
    ],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block needs one of the keys: text, file, quote, example, table, bullets",
    ),
]
Body = Annotated[
    Union[Markdown, list[Block]],
    Field(description="Narrative: a Markdown string, or a list of blocks (text, file, quote, example, table, bullets)."),
]


# --------------------------------------------------------------------------- metadata


class Person(Strict):
    name: str = Field(description="Full name as printed.")
    role: Optional[str] = Field(None, description="Post, e.g. 'HM Chief Inspector of Probation'.")
    date: Optional[str] = Field(None, description="Date printed under a signature, if any (e.g. 'June 2013').")


class Publisher(Strict):
    name: str = Field("HM Inspectorate of Probation", description="Publishing body.")
    address: list[str] = Field(default_factory=list, description="Postal address, one line per item.")
    social: Optional[str] = Field(None, description="Social media handle, e.g. '@hmiprobation'.")
    website: Optional[str] = Field(None, description="Website address printed in the front matter.")


class Fieldwork(Strict):
    start: DateOrPlaceholder = Field(description="First day of fieldwork (YYYY-MM-DD).")
    end: Optional[DateOrPlaceholder] = Field(None, description="Last day of fieldwork.")
    note: Optional[str] = Field(None, description="Extra wording, e.g. 'conducted remotely'.")

    @model_validator(mode="after")
    def _ordered(self):
        if is_placeholder(self.start) or is_placeholder(self.end):
            return self
        if self.end and self.end < self.start:
            raise ValueError("fieldwork end is before its start")
        return self


class BackPageLine(Strict):
    text: str = Field(description="The line as printed.")
    language: Optional[str] = Field(None, description="BCP 47 tag if the line is in another language, e.g. 'cy'.")


class Meta(Strict):
    service: str = Field(max_length=MAX_NAME_LENGTH, description="Full name of the inspected service, as in the ratings table.")
    short_name: Optional[str] = Field(None, max_length=MAX_NAME_LENGTH, description="Abbreviation used in the text, e.g. 'YOS'.")
    area: str = Field(max_length=MAX_NAME_LENGTH, description="Area name as printed on the cover, e.g. 'Blaenau Gwent & Caerphilly'.")
    title: str = Field(
        "An inspection of youth justice services in", max_length=MAX_NAME_LENGTH, description="Cover line printed above the area name."
    )
    report_title: Optional[str] = Field(
        None, max_length=MAX_NAME_LENGTH, description="Full title if the report has its own (e.g. the FJI title); else built from title + area."
    )
    inspectorate: str = Field("HM Inspectorate of Probation", max_length=MAX_NAME_LENGTH, description="Inspectorate named on the cover.")
    published: MonthOrPlaceholder = Field(description="Month of publication (YYYY-MM).")
    fieldwork: Fieldwork = Field(description="Fieldwork dates.")
    lead_inspector: Optional[Person] = Field(
        None, description="The lead inspector named in the acknowledgements (some reports name none)."
    )
    isbn: Optional[str] = Field(None, pattern=r"^97[89]-[0-9-]{10,16}$", description="ISBN-13 with hyphens.")
    publisher: Publisher = Field(default_factory=Publisher, description="Publisher block in the front matter.")
    language: str = Field("en-GB", description="BCP 47 language tag of the report.")
    copyright_year: Optional[WholeNumber] = Field(
        None, ge=1000, le=9999, description="Year in the copyright line; defaults to the publication year."
    )
    back_page_lines: list[Union[str, BackPageLine]] = Field(
        default_factory=list,
        description="Lines printed on the back page above the publisher's address, e.g. a title in Welsh "
        "(a string, or {text, language}).",
    )


class Labels(Strict):
    """Headings that differ between report generations."""

    foreword: str = Field("Foreword", description="Heading of the foreword (Merton: 'Introduction').")
    executive_summary: str = Field("Executive summary", description="Heading of the summary (Western Bay: 'Overall findings').")
    background: str = Field("Background", description="Heading of the background section.")
    contextual_facts: str = Field("Contextual facts", description="Heading of the facts section ('Key facts').")
    annex: str = Field("Annexe", description="Word for an annex: 'Annexe', 'Annex' or 'Appendix'.")
    strengths: str = Field("Strengths", description="Heading of a strengths list.")
    improvements: str = Field("Areas for improvement", description="Heading of an areas-for-improvement list.")
    domain_prefix: str = Field("", description="Printed before a domain heading, e.g. 'Domain one: '.")
    score: str = Field(
        "Score {score}/{max_score}",
        description="Score line of the ratings table; {score} and {max_score} are filled in (e.g. '{score}' alone).",
    )
    annexes_title: Optional[str] = Field(
        None, description="A title printed above the first annex, e.g. 'Appendices' (not listed in the contents)."
    )
    annex_separator: Optional[str] = Field(
        None, description="Between an annex's number and title, e.g. ' – '; omitted: ': ' (FJI reports: a space)."
    )


SectionKey = Literal[
    "cover",
    "contents",
    "front_matter",
    "foreword",
    "ratings",
    "executive_summary",
    "recommendations",
    "background",
    "role",
    "standards_note",
    "contextual_facts",
    "domains",
    "themes",
    "further_information",
    "annexes",
]


# --------------------------------------------------------------------------- front sections


class FrontMatter(Strict):
    acknowledgements: Optional[Body] = Field(None, description="Thanks and the lead inspector's name.")
    role: Optional[Body] = Field(None, description="'The role of HM Inspectorate of Probation' text.")
    names_note: Optional[Markdown] = Field(None, description="Note that names in examples have been changed.")
    licence: Optional[Body] = Field(None, description="Copyright and re-use licence text.")


class Foreword(Strict):
    body: Body = Field(description="The foreword's paragraphs.")
    signatory: Person = Field(description="Who signs the foreword.")


class SummaryPart(Strict):
    title: str = Field(description="Sub-heading, usually a domain name.")
    body: Optional[Body] = Field(None, description="Narrative before the key findings.")
    findings_lead: Optional[Markdown] = Field(None, description="Line before the findings, e.g. 'Our key findings ... are as follows:'.")
    findings: list[InlineMarkdown] = Field(default_factory=list, description="Positive (or mixed) key findings.")
    concerns_lead: Optional[Markdown] = Field(None, description="Line before the concerns, e.g. 'But:'.")
    concerns: list[InlineMarkdown] = Field(default_factory=list, description="Key findings that are concerns.")


class ExecutiveSummary(Strict):
    intro: Optional[Body] = Field(None, description="Opening narrative.")
    parts: list[SummaryPart] = Field(default_factory=list, description="One part per domain (or theme).")


class Recommendation(Strict):
    text: InlineMarkdown = Field(description="The recommendation, usually starting with a verb.")
    owner: Optional[InlineMarkdown] = Field(None, description="Responsible post printed in brackets (FJI style).")


class RecommendationGroup(Strict):
    addressee: Optional[str] = Field(None, description="Who should act, e.g. 'The YOS Management Board should:'.")
    items: list[Union[InlineMarkdown, Recommendation]] = Field(min_length=1, description="The recommendations, in order.")


class Recommendations(Strict):
    intro: Optional[Markdown] = Field(
        None,
        description="Lead-in text. Write {count} and {count_words} where the number of recommendations belongs; "
        "the count is computed from the list.",
    )
    groups: list[RecommendationGroup] = Field(min_length=1, description="Addressee groups; numbering runs on across groups.")


class Section(Strict):
    """A titled section of narrative (background, facts, an unrated domain section, an annex ...)."""

    id: Optional[str] = Field(None, description="Stable id (used for anchors and placement).")
    title: str = Field(description="Heading as printed.")
    body: Optional[Body] = Field(None, description="The section's narrative and tables.")
    subsections: list["Section"] = Field(default_factory=list, description="Nested sections.")
    in_contents: bool = Field(True, description="Whether the section is listed in the contents.")


# --------------------------------------------------------------------------- domains and standards


class Prompt(Strict):
    id: str = Field(description="Prompt letter as in the rules file, e.g. 'a'.")
    text: Optional[str] = Field(None, description="Override of the rules file's prompt wording, if printed differently.")
    yes: Optional[WholeNumber] = Field(None, ge=0, description="Cases judged sufficient ('Yes').")
    of: Optional[WholeNumber] = Field(None, ge=0, description="Relevant cases.")
    percent: Optional[Number] = Field(None, ge=0, description="Published % 'Yes' where no counts were published.")
    where_applicable: bool = Field(False, description="Whether the prompt only applies to some cases.")


class KeyQuestion(Strict):
    id: str = Field(description="Key question id as in the rules file, e.g. '2.1.1'.")
    text: Optional[str] = Field(None, description="Override of the rules file's wording, if printed differently.")
    yes: Optional[WholeNumber] = Field(None, ge=0, description="Relevant cases judged sufficient ('Yes').")
    of: Optional[WholeNumber] = Field(None, ge=0, description="Relevant cases for this key question.")
    percent: Optional[Number] = Field(
        None, ge=0, description="Published % 'Yes', only where the report published no counts."
    )
    footnote: Optional[str] = Field(None, description="Key of a footnote on this row (e.g. a sub-sample note).")
    narrative: Optional[Body] = Field(None, description="Findings under this key question's heading.")
    prompts: list[Prompt] = Field(default_factory=list, description="Prompt-level results.")
    prompts_caption: Optional[InlineMarkdown] = Field(None, description="Caption of the prompt table, e.g. 'Of the 9 cases inspected:'.")


class Discretion(Strict):
    to: Rating = Field(description="The rating after professional discretion.")
    reason: InlineMarkdown = Field(description="The panel's rationale.")


class KeyDataTable(Strict):
    caption: str = Field("Key data", description="Table caption, e.g. 'Key staffing data'.")
    footnote: Optional[str] = Field(None, description="Key of a footnote on the caption.")
    rows: list[list[InlineMarkdown]] = Field(description="[label, value] pairs (value as printed, e.g. '£1,749,355').")


class Standard(Strict):
    id: str = Field(description="Standard id from the rules file, e.g. '2.2'.")
    rating: Optional[Rating] = Field(
        None,
        description="Qualitative standards: the inspectors' rating. Case-based standards: leave it out (the rating "
        "is computed); if given it is a record of the published rating, which must agree with the computed rating "
        "(after discretion) under the report's own rules.",
    )
    not_rated_reason: Optional[Markdown] = Field(None, description="Why the standard was not rated.")
    discretion: Optional[Discretion] = Field(None, description="A professional-discretion decision on this standard.")
    key_data: list[KeyDataTable] = Field(default_factory=list, description="Key data tables under the heading.")
    intro: Optional[Body] = Field(None, description="Narrative after the heading, before any tables.")
    key_questions: list[KeyQuestion] = Field(default_factory=list, description="Results and narrative per key question.")
    kq_table_caption: Optional[InlineMarkdown] = Field(None, description="Caption of the key-question table, e.g. 'Of the 9 cases inspected'.")
    kq_table_style: Optional[Literal["percent", "counts", "counts-only", "split-stem"]] = Field(
        None,
        description="Columns of the key-question table: 'percent' (key question, % 'Yes'); 'counts' (adds relevant "
        "cases and number 'Yes'); 'counts-only' (the caption is the first column's header, then relevant cases and "
        "number 'Yes', with no percentage: 2021 style); 'split-stem' (the caption is the shared stem ending in a "
        "colon, printed as the first column's header, and each row shows the key question's completion). Omitted: "
        "'counts' when a caption is given and counts exist, else 'percent'.",
    )
    after_table: Optional[Body] = Field(
        None, description="Narrative printed right after the key-question table, e.g. a summary of the rating (2021 style)."
    )
    narrative: Optional[Body] = Field(None, description="Narrative for the whole standard (after the key questions).")
    strengths: list[InlineMarkdown] = Field(default_factory=list, description="Strengths listed under this standard.")
    improvements: list[InlineMarkdown] = Field(default_factory=list, description="Areas for improvement under this standard.")


class Sample(Strict):
    cases: WholeNumber = Field(ge=0, description="Number of cases inspected in this domain.")
    breakdown: dict[str, Annotated[WholeNumber, Field(ge=0)]] = Field(
        default_factory=dict, description="Cases by kind, e.g. {'youth conditional caution': 1, 'community resolution': 8}."
    )
    interviews: Optional[WholeNumber] = Field(None, ge=0, description="Case-manager interviews held.")


class PlacedSection(Section):
    after: Optional[str] = Field(
        None, description="Standard id this section follows (e.g. '1.3'); omitted: after the last standard."
    )


class Domain(Strict):
    id: str = Field(description="Domain id from the rules file: '1', '2', '3' or '4'.")
    heading: Optional[str] = Field(
        None, description="Heading as printed, where it does not follow `labels.domain_prefix` and the domain's name."
    )
    in_contents: bool = Field(
        True, description="Whether the domain and its standards are listed in the contents (a domain not rated as a "
        "whole may be left out); it keeps its PDF bookmark either way."
    )
    intro: Optional[Body] = Field(None, description="Narrative at the head of the domain.")
    sample: Optional[Sample] = Field(None, description="Case sample for a case-based domain.")
    not_rated_reason: Optional[Markdown] = Field(None, description="Why the whole domain was not rated.")
    strengths: list[InlineMarkdown] = Field(default_factory=list, description="Domain-level strengths.")
    improvements: list[InlineMarkdown] = Field(default_factory=list, description="Domain-level areas for improvement.")
    summary_after_standards: bool = Field(False, description="Print strengths/improvements after the standards (2019 style).")
    framing: Optional[Markdown] = Field(None, description="Short lead-in printed before the standards.")
    standards: list[Standard] = Field(default_factory=list, description="The domain's standards, in rules order.")
    sections: list[PlacedSection] = Field(default_factory=list, description="Unrated sections (involvement, diversity ...).")


# --------------------------------------------------------------------------- FJI themes


class ThemeScore(Strict):
    yes: Optional[WholeNumber] = Field(None, ge=0, description="Scoring answers judged well enough.")
    of: Optional[WholeNumber] = Field(None, ge=0, description="Scoring answers in all.")
    percent: Optional[Number] = Field(None, ge=0, description="Published case assessment score, where no counts exist.")


class Moderation(Strict):
    to: Descriptor = Field(description="Descriptor after moderation.")
    reason: InlineMarkdown = Field(description="Why the descriptor was moderated.")


class ExplanationPart(Strict):
    title: str = Field(description="Numbered sub-heading text without its number, e.g. 'Assessment'.")
    paragraphs: list[Block] = Field(description="Numbered paragraphs (text blocks) with boxes interleaved.")


class SelectedResult(Strict):
    question: str = Field(description="What was asked of each case, e.g. 'Sufficient planning to manage risk of harm'.")
    yes: WholeNumber = Field(ge=0, description="Relevant cases where the work was done well enough.")
    of: WholeNumber = Field(ge=0, description="Relevant cases.")


class Theme(Strict):
    id: str = Field(description="Theme id from the rules file, e.g. 'reducing-reoffending'.")
    title: Optional[str] = Field(None, description="Override of the theme's printed name.")
    expectation: Optional[Body] = Field(None, description="'What we expect to see'.")
    score: Optional[ThemeScore] = Field(None, description="Case assessment score (case-scored themes only).")
    descriptor: Optional[Descriptor] = Field(
        None, description="Qualitative themes: the inspectors' descriptor. Scored themes: optional check."
    )
    moderation: Optional[Moderation] = Field(None, description="A moderation decision on the descriptor.")
    key_findings: list[InlineMarkdown] = Field(default_factory=list, description="Numbered key findings.")
    explanation: list[ExplanationPart] = Field(default_factory=list, description="'Explanation of findings' parts.")
    summary: Optional[Body] = Field(None, description="Closing summary (also used in the front summary).")
    data_summary: Optional[Body] = Field(None, description="'Data summary' note; its first paragraph introduces the chart.")
    data_chart: list[SelectedResult] = Field(
        default_factory=list,
        description="Results of selected questions that the data summary charts, each as cases done well enough "
        "(`yes`) of the relevant cases (`of`).",
    )


# --------------------------------------------------------------------------- annexes


class GlossaryEntry(Strict):
    term: str
    definition: Markdown


class Annex(Section):
    kind: Literal["text", "methodology", "inspection-data", "glossary", "rules", "team"] = Field(
        "text",
        description="'inspection-data' and 'rules' are generated from the rated data and rules file; "
        "'glossary' uses `glossary`.",
    )
    glossary: list[GlossaryEntry] = Field(default_factory=list, description="Glossary entries (kind: glossary).")


# --------------------------------------------------------------------------- the inspection


class Inspection(Strict):
    """One inspection report's source."""

    framework: str = Field(description="Rules id from `inspection frameworks`, e.g. 'standards-2021'.")
    wording: Optional[str] = Field(
        None,
        description="Which printing of the framework's own wording (standard statements, key questions) the report "
        "follows, where the framework has more than one (`inspection frameworks` lists them); omitted: the wording "
        "as first published.",
    )
    status: Literal["draft", "final"] = Field("draft", description="Drafts carry a DRAFT mark; final reports may hold no placeholders.")
    meta: Meta
    labels: Labels = Field(default_factory=Labels)
    layout: Optional[list[SectionKey]] = Field(None, description="Section order, if not the generation's default.")
    front_matter: FrontMatter = Field(default_factory=FrontMatter)
    foreword: Optional[Foreword] = None
    executive_summary: Optional[ExecutiveSummary] = None
    recommendations: Optional[Recommendations] = None
    background: Optional[Section] = None
    role: Optional[Section] = Field(None, description="A role section placed in the body (2019 style).")
    standards_note: Optional[Section] = Field(None, description="'HM Inspectorate of Probation standards' section (2019 style).")
    contextual_facts: Optional[Section] = None
    domains: list[Domain] = Field(default_factory=list, description="Standards generations: the domains in order.")
    themes: list[Theme] = Field(default_factory=list, description="FJI generation: the themes in order.")
    further_information: Optional[Section] = None
    annexes: list[Annex] = Field(default_factory=list)
    footnotes: dict[str, InlineMarkdown] = Field(default_factory=dict, description="Footnote texts by key, cited as [^key].")
    discretion_notes: list[Literal["ratings", "standard", "annex"]] = Field(
        default_factory=lambda: ["ratings", "standard", "annex"],
        description="Where a rating reached by professional discretion says so: 'ratings' (a footnote in the ratings "
        "table), 'standard' (a note under the standard's rating), 'annex' (a footnote on the rating in the "
        "inspection-data annex). [] where the narrative alone tells it (2022 style).",
    )
    charts: Optional[bool] = Field(
        None,
        description="Whether the report draws charts: a bar chart of the key questions under each key-question table "
        "(standards reports), the data summary chart of each theme (FJI reports). Omitted: as its generation was "
        "published (FJI reports draw them, standards reports do not).",
    )
    theme_dividers: bool = Field(
        False, description="Print a divider page with the theme's name and number before each theme (2013 style)."
    )
    prompt_tables: Literal["lettered", "counts-only"] = Field(
        "lettered",
        description="How prompt tables print: 'lettered' (each prompt after its letter, the caption above the table, "
        "and relevant cases, number 'Yes' and % 'Yes' where counts exist); 'counts-only' (no letters, the caption "
        "as the first column's header, then relevant cases and number 'Yes' only: 2021 style).",
    )
    kq_tables: Literal["body", "annex"] = Field(
        "body",
        description="Where key-question tables and charts print: under each standard ('body'), or only in the "
        "inspection-data annex ('annex', 2019 style).",
    )

    @field_validator("layout")
    @classmethod
    def _each_section_once(cls, value: Optional[list[str]]):
        repeated = next((key for i, key in enumerate(value or []) if key in value[:i]), None)
        if repeated:
            raise ValueError(f"layout lists '{repeated}' twice; each section is placed once")
        return value
