"""Rules files (compiler/rating/rules/<id>.yaml) -> RuleSet: one framework version's rules as data."""
from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..sources.diagnostics import CompileError, Diagnostic, Diagnostics, Span
from ..sources.model import Descriptor, Rating
from ..sources.validate import model_diagnostics
from ..sources.yaml_source import load_yaml

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
    text: str = Field(description="The prompt as the framework words it.")


class KeyQuestionRule(_Rules):
    id: str = Field(description="e.g. '2.1.1'.")
    text: str = Field(description="The key question as the framework words it.")
    short: Optional[str] = Field(None, description="Short label, e.g. 'desistance' (charts, split-stem tables).")
    prompts: list[PromptRule] = Field(
        default_factory=list, description="The prompts inspectors answer under this key question (case-based standards)."
    )


class StandardRule(_Rules):
    id: str = Field(description="e.g. '2.1': the domain's id, a dot and the standard's number.")
    name: str = Field(description="Short name, e.g. 'Assessment'.")
    statement: str = Field(description="The standard's statement as the framework words it.")
    method: Literal["case-based", "qualitative"] = Field(
        description="'case-based': rated from its key questions' counts; 'qualitative': the inspectors' rating."
    )
    key_questions: list[KeyQuestionRule] = Field(
        default_factory=list, description="The standard's key questions (a case-based standard needs at least one)."
    )


class DomainRule(_Rules):
    id: str = Field(description="e.g. '2'.")
    name: str = Field(description="e.g. 'Court disposals'.")
    counts_to_score: bool = Field(True, description="False for resettlement, rated separately.")
    optional: bool = Field(False, description="The domain may be absent from a report (e.g. no resettlement cases).")
    standards: list[StandardRule] = Field(description="The domain's standards, in report order.")


class Band(_Rules):
    min: float = Field(ge=0, le=100, allow_inf_nan=False, description="Lowest percentage (inclusive) in this band.")
    rating: Rating = Field(description="The rating of a key question (and a standard) in this band.")
    label: Optional[str] = Field(None, description="The band's name, e.g. 'Reasonable majority'.")


class OverallBand(_Rules):
    min: int = Field(ge=0, description="Lowest total score (inclusive) for this rating, out of `OverallBands.max`.")
    rating: Rating = Field(description="The overall rating for scores from `min` up to the next band.")


class OverallBands(_Rules):
    max: int = Field(ge=1, description="The maximum score these bands were published for (36).")
    bands: list[OverallBand] = Field(min_length=1, description="Score -> overall rating, highest first, the last at 0.")
    other_maxima: Literal["proportional"] = Field(
        "proportional", description="How bands apply to another maximum (an assumption, see `assumption`)."
    )
    assumption: Optional[Assumption] = Field(None, description="The assumption made for other maxima, stated in reports.")


class Discretion(_Rules):
    boundary_margin: float = Field(
        5, ge=0, allow_inf_nan=False, description="Lowest % within this many points of a band boundary."
    )
    boundary_inclusive: bool = Field(True, description="Whether exactly `boundary_margin` points away counts as within.")
    one_case_change: bool = Field(True, description="Allowed where one case judged differently changes the band.")
    small_sample: int = Field(5, ge=0, description="Allowed where the sample or sub-sample has at most this many cases.")
    max_bands: int = Field(1, ge=0, description="How many bands discretion may move a rating.")
    assumption: Optional[Assumption] = Field(None, description="How these conditions read the published wording.")


class LimitingJudgement(_Rules):
    standard: str = Field(description="The standard whose rating limits the overall, e.g. '4.1'.")
    when: Rating = Field(description="The rating that triggers the limit.")
    blocks: Rating = Field(description="The overall rating that is then not allowed.")
    cap: Rating = Field(description="The overall rating given instead.")


class MinCases(_Rules):
    value: int = Field(ge=0, description="Fewest cases in a domain's sample for its case-based standards to be rated.")
    assumption: Optional[Assumption] = Field(None, description="Why this number, stated in reports that apply it.")


class ThemeRule(_Rules):
    id: str = Field(description="e.g. 'reducing-reoffending'.")
    name: str = Field(description="e.g. 'Reducing the likelihood of reoffending'.")
    scored: bool = Field(True, description="False for governance, judged qualitatively.")


class ThemeBand(_Rules):
    min: float = Field(ge=0, le=100, allow_inf_nan=False, description="Lowest case assessment score (%) in this band.")
    descriptor: Descriptor = Field(description="The theme's descriptor in this band, e.g. 'Very good'.")
    stars: int = Field(ge=0, description="The stars that go with the descriptor.")


class WordingEdition(_Rules):
    """A later printing of the framework's own wording under the same rules (e.g. 'children' for
    'children and young people'): the standards' statements and key questions it rewords."""

    id: str = Field(description="Named by an inspection's `wording`, e.g. 'children'.")
    name: str = Field(description="What this printing is, e.g. 'Reworded for children (reports of 2020 and 2021)'.")
    statements: dict[str, str] = Field(default_factory=dict, description="Standard id -> its statement as reworded.")
    key_questions: dict[str, str] = Field(default_factory=dict, description="Key question id -> its text as reworded.")


class RuleSet(_Rules):
    id: str = Field(description="The framework's id, e.g. 'standards-2021'; a built-in file is named after it.")
    format: int = Field(description="Format version of this rules file (1): the keys this compiler reads.")
    version: str = Field(
        pattern=r"^[0-9]+(\.[0-9]+)*$",
        description="Version of these rules, e.g. '1.0', written in quotes; raise it whenever a rule changes. "
        "Reports name it with the file's fingerprint.",
    )
    name: str = Field(description="Human name, e.g. 'Youth justice standards (2021 revision)'.")
    family: Literal["standards", "themes"] = Field(
        description="'standards': domains of standards, points and an overall rating; 'themes': Full Joint "
        "Inspection themes with descriptors and stars."
    )
    summary: str = Field(description="One line for `inspection frameworks`.")
    percent_rounding: Literal["half-up", "none"] = Field(
        "half-up", description="How percentages are printed: whole numbers rounded half up, or not rounded."
    )
    band_on: Literal["rounded", "exact"] = Field("rounded", description="Band on the printed whole number or the exact value.")
    bands: list[Band] = Field(default_factory=list, description="Key-question % -> rating, highest first.")
    points: dict[Rating, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Points of each rating, added up to the score."
    )
    overall: Optional[OverallBands] = Field(None, description="Score -> overall rating (standards frameworks).")
    discretion: Optional[Discretion] = Field(
        None, description="When professional discretion may move a case-based rating; absent: never."
    )
    limiting_judgements: list[LimitingJudgement] = Field(
        default_factory=list, description="Ratings of one standard that cap the overall rating."
    )
    min_cases: Optional[MinCases] = Field(
        None, description="The smallest domain sample that is rated; absent: any sample is."
    )
    show_unrated_in_table: bool = Field(False, description="List optional domains in the ratings table even when not rated.")
    domains: list[DomainRule] = Field(default_factory=list, description="The domains and their standards (standards).")
    themes: list[ThemeRule] = Field(default_factory=list, description="The themes (themes frameworks).")
    theme_bands: list[ThemeBand] = Field(
        default_factory=list, description="Case assessment score (%) -> descriptor and stars, highest first."
    )
    star_slots: Optional[int] = Field(
        None, ge=1, description="Places the published star table prints, filled and hollow (five in 2013); omitted: "
        "the most stars a band gives."
    )
    assumptions: list[Assumption] = Field(default_factory=list, description="Further documented assumptions.")
    editions: list[WordingEdition] = Field(
        default_factory=list, description="Later printings of the wording; the texts above are the first printing."
    )
    _sha256: str = PrivateAttr("")

    @property
    def sha256(self) -> str:
        """The SHA-256 of the rules file's bytes, as `sha256sum` prints it: which exact rules rated a report."""
        return self._sha256

    def all_assumptions(self) -> list[Assumption]:
        """Every assumption the file documents: the general ones and those beside a rule, in file order."""
        beside = [getattr(self, key).assumption for key in ("overall", "discretion", "min_cases") if getattr(self, key)]
        return [a for a in beside if a is not None] + list(self.assumptions)

    def in_wording(self, edition_id: str) -> "RuleSet":
        """These rules with the standards' statements and key questions of one edition (an id of `editions`)."""
        edition = next(e for e in self.editions if e.id == edition_id)
        domains = [d.model_copy(update={"standards": [
            s.model_copy(update={
                "statement": edition.statements.get(s.id, s.statement),
                "key_questions": [q.model_copy(update={"text": edition.key_questions.get(q.id, q.text)})
                                  for q in s.key_questions],
            }) for s in d.standards]}) for d in self.domains]
        return self.model_copy(update={"domains": domains})

    def standard(self, standard_id: str) -> Optional[StandardRule]:
        return next((s for d in self.domains for s in d.standards if s.id == standard_id), None)

    def domain_of(self, standard_id: str) -> Optional[DomainRule]:
        return next((d for d in self.domains for s in d.standards if s.id == standard_id), None)


# --------------------------------------------------------------------------- loading rules files

def rules_path(ref: str | Path) -> Path:
    """The rules file a reference names: a path as given, or a framework id in RULES_DIR."""
    text = str(ref)
    if isinstance(ref, Path) or text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(ref)
    return RULES_DIR / f"{text}.yaml"


def framework_ids() -> list[str]:
    """Ids of the built-in framework versions, sorted."""
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))


def load_ruleset(ref: str | Path, diagnostics: Optional[Diagnostics] = None) -> RuleSet:
    """Load and check one rules file (a framework id or a path); raise CompileError on any error.

    Problems are also added to `diagnostics` when given, positioned in the rules file.
    """
    found = Diagnostics()
    ruleset = _load(ref, found)
    if diagnostics is not None:
        diagnostics.extend(found)
    if ruleset is None or found.has_errors():
        raise CompileError(found)
    return ruleset


def list_frameworks() -> list[RuleSet]:
    """Every built-in framework version, in id order."""
    return [load_ruleset(framework_id) for framework_id in framework_ids()]


def _load(ref: str | Path, diagnostics: Diagnostics) -> Optional[RuleSet]:
    path = rules_path(ref)
    by_id = path.parent == RULES_DIR and not isinstance(ref, Path) and str(ref) == path.stem
    if by_id and not path.exists():
        known = ", ".join(framework_ids())
        diagnostics.error("unknown-framework", f"unknown framework '{ref}' (known: {known})", Span(str(path)))
        return None
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):  # `load_yaml` reads it again and says what is wrong
        return _parse(path, by_id, None, diagnostics)
    ruleset, found = _parse_cached(path, by_id, text, hashlib.sha256(raw).hexdigest())
    diagnostics.extend(found)
    # A copy: the cached rules stay as read whatever a caller does with its own.
    return ruleset.model_copy(deep=True) if ruleset is not None else None


@lru_cache(maxsize=32)
def _parse_cached(
    path: Path, by_id: bool, text: str, sha256: str
) -> tuple[Optional[RuleSet], tuple[Diagnostic, ...]]:
    """`_parse` keyed by the file's text, so an edited rules file is read afresh."""
    found = Diagnostics()
    ruleset = _parse(path, by_id, text, found)
    if ruleset is not None:
        ruleset._sha256 = sha256
    return ruleset, tuple(found)


def _parse(path: Path, by_id: bool, text: Optional[str], diagnostics: Diagnostics) -> Optional[RuleSet]:
    source = load_yaml(path, diagnostics, text=text)
    if source is None:
        return None
    data = source.data
    if not isinstance(data, dict):
        diagnostics.error("rules-not-mapping", "a rules file must be a mapping of keys to values", source.span(()))
        return None
    version = data.get("format")
    if type(version) is not int or version != FORMAT_VERSION:  # `true` and 1.0 equal 1 in Python
        where = source.span(("format",)) if "format" in data else source.span(())
        shown = "missing" if version is None else repr(version)
        diagnostics.error(
            "rules-format",
            f"rules format {shown} is not supported: this compiler reads format {FORMAT_VERSION}",
            where,
        )
        return None
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        found = model_diagnostics(exc, source, RuleSet)
        diagnostics.extend([dataclasses.replace(d, code="rules-schema") for d in found])
        return None
    if by_id and ruleset.id != path.stem:
        diagnostics.error(
            "rules-id", f"rules file {path.name} declares id '{ruleset.id}'; expected '{path.stem}'", source.span(("id",))
        )
    for loc, message in _consistency_problems(ruleset):
        diagnostics.error("rules-inconsistent", message, source.span(loc))
    return ruleset


def _descending(values: list[float]) -> bool:
    return all(a > b for a, b in zip(values, values[1:]))


def _duplicates(ids: list[str]) -> list[int]:
    seen: set[str] = set()
    repeated = []
    for index, item in enumerate(ids):
        if item in seen:
            repeated.append(index)
        seen.add(item)
    return repeated


def _consistency_problems(rules: RuleSet) -> list[tuple[tuple, str]]:
    """Checks a schema cannot express: unique ids, nested ids, ordered bands, complete points."""
    problems: list[tuple[tuple, str]] = []
    _check_bands(rules, problems)
    _check_structure(rules, problems)
    _check_assumptions(rules, problems)
    return problems


def _check_assumptions(rules: RuleSet, problems: list[tuple[tuple, str]]) -> None:
    """The assumptions the scorer reports by id must be written down, so a report never applies one unsaid."""
    needed = {"rounding": "percentages are rounded"}
    if rules.family == "themes":
        needed["stars"] = "themes get stars"
    if rules.limiting_judgements:
        needed["limiting-judgement"] = "limiting judgements are listed"
    have = {a.id for a in rules.assumptions}
    for assumption_id, why in needed.items():
        if assumption_id not in have:
            problems.append((("assumptions",) if rules.assumptions else (),
                             f"assumption '{assumption_id}' is missing: the scorer states it whenever {why}"))


def _check_bands(rules: RuleSet, problems: list[tuple[tuple, str]]) -> None:
    for key, mins in (("bands", [b.min for b in rules.bands]), ("theme_bands", [b.min for b in rules.theme_bands])):
        if mins and not _descending(mins):
            problems.append(((key,), f"{key} must be listed from the highest minimum down, each lower than the last"))
        if mins and mins[-1] != 0:
            problems.append(((key, len(mins) - 1, "min"), f"the last of {key} must start at 0"))
    for index, band in enumerate(rules.bands):
        if band.rating not in rules.points:
            problems.append((("bands", index, "rating"), f"rating '{band.rating.value}' has no points"))
    if rules.overall:
        mins = [b.min for b in rules.overall.bands]
        if not _descending(mins) or (mins and mins[-1] != 0):
            problems.append((("overall", "bands"), "overall bands must descend strictly to a last minimum of 0"))
        if mins and mins[0] > rules.overall.max:
            problems.append((("overall", "bands", 0, "min"), "an overall band starts above the maximum score"))
    needed = ("bands", "points", "overall", "domains") if rules.family == "standards" else ("themes", "theme_bands")
    for key in needed:
        if not getattr(rules, key):
            problems.append(((), f"a {rules.family} framework needs '{key}'"))


def _check_structure(rules: RuleSet, problems: list[tuple[tuple, str]]) -> None:
    def twice(loc: tuple, kind: str, item_id: str) -> None:
        problems.append((loc, f"{kind} id '{item_id}' is used twice"))

    for index in _duplicates([d.id for d in rules.domains]):
        twice(("domains", index, "id"), "domain", rules.domains[index].id)
    all_standards = [s.id for d in rules.domains for s in d.standards]
    repeated = {all_standards[i] for i in _duplicates(all_standards)}
    for d_index, domain in enumerate(rules.domains):
        for s_index, standard in enumerate(domain.standards):
            s_loc = ("domains", d_index, "standards", s_index)
            if standard.id in repeated:
                twice(s_loc + ("id",), "standard", standard.id)
            if not standard.id.startswith(domain.id + "."):
                problems.append((s_loc + ("id",), f"standard '{standard.id}' is not numbered within domain '{domain.id}'"))
            if standard.method == "case-based" and not standard.key_questions:
                problems.append((s_loc, f"case-based standard '{standard.id}' has no key questions"))
            questions = standard.key_questions
            for index in _duplicates([q.id for q in questions]):
                twice(s_loc + ("key_questions", index, "id"), "key question", questions[index].id)
            for q_index, question in enumerate(questions):
                q_loc = s_loc + ("key_questions", q_index)
                if not question.id.startswith(standard.id + "."):
                    problems.append(
                        (q_loc + ("id",), f"key question '{question.id}' is not numbered within standard '{standard.id}'")
                    )
                for index in _duplicates([p.id for p in question.prompts]):
                    twice(q_loc + ("prompts", index, "id"), "prompt", question.prompts[index].id)
    for index, limit in enumerate(rules.limiting_judgements):
        if rules.standard(limit.standard) is None:
            problems.append(
                (("limiting_judgements", index, "standard"), f"limiting judgement names unknown standard '{limit.standard}'")
            )
    top = max((b.stars for b in rules.theme_bands), default=0)
    if rules.star_slots is not None and rules.star_slots < top:
        problems.append((("star_slots",), f"star_slots is {rules.star_slots}, fewer than the {top} stars a band gives"))
    for index in _duplicates([t.id for t in rules.themes]):
        twice(("themes", index, "id"), "theme", rules.themes[index].id)
    _check_editions(rules, problems)


def _check_editions(rules: RuleSet, problems: list[tuple[tuple, str]]) -> None:
    """An edition rewords only standards and key questions these rules have."""
    questions = {q.id for d in rules.domains for s in d.standards for q in s.key_questions}
    for index in _duplicates([e.id for e in rules.editions]):
        problems.append((("editions", index, "id"), f"edition id '{rules.editions[index].id}' is used twice"))
    for e_index, edition in enumerate(rules.editions):
        for key, known, kind in (("statements", None, "standard"), ("key_questions", questions, "key question")):
            for item_id in getattr(edition, key):
                if (rules.standard(item_id) is None) if known is None else (item_id not in known):
                    problems.append(((("editions", e_index, key, item_id)),
                                     f"edition '{edition.id}' rewords unknown {kind} '{item_id}'"))
