"""Rate an inspection under its rules: key-question bands, standard ratings, score and overall, FJI themes.

Pure functions: no I/O. Every figure is computed from the source's counts; typed ratings are
checked against the data, and anything the rules do not allow becomes a `Problem` whose `loc`
is the path of the offending node in the inspection's YAML data.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal, Optional

from ..sources.model import RATING_SCALE, Descriptor, Domain, Inspection, KeyQuestion, Rating, Standard, Theme
from .result import (
    DiscretionDecision,
    RatedKeyQuestion,
    RatedPrompt,
    RatedStandard,
    RatedTheme,
    RatingResult,
    ScoreRange,
)
from .ruleset import Assumption, DomainRule, RuleSet, StandardRule, ThemeRule

Loc = tuple


@dataclass(frozen=True)
class Problem:
    """Something in the source the rules do not accept; `loc` is a path into the inspection's YAML data."""

    loc: Loc
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"


# --------------------------------------------------------------------------- percentages and bands


def exact_percent(yes: int, of: int) -> Fraction:
    return Fraction(yes * 100, of)


def round_percent(value: Fraction | float, rules: RuleSet) -> float:
    """The printed percentage: a whole number rounded half up, unless the rules say not to round."""
    if rules.percent_rounding == "none":
        return float(value)
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(str(value))
    return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band_for(value: float | Fraction, rules: RuleSet) -> Rating:
    """The rating band a key-question percentage falls in (bands are listed highest first)."""
    for band in rules.bands:
        if value >= Fraction(str(band.min)):
            return band.rating
    return rules.bands[-1].rating


def _banded_value(exact: Fraction | float, rules: RuleSet) -> Fraction | float:
    return Fraction(str(round_percent(exact, rules))) if rules.band_on == "rounded" else exact


def points_for(rating: Rating, rules: RuleSet) -> Optional[int]:
    return rules.points.get(rating)


def overall_for(score: int, max_score: int, rules: RuleSet) -> Optional[Rating]:
    """The overall rating for a score; bands published for another maximum are scaled in proportion.

    A published band that starts at `min` covers every score above the previous band's top
    (`min - 1`), so on another maximum a score belongs to it when score * published_max exceeds
    (min - 1) * max_score.
    """
    if rules.overall is None or max_score <= 0:
        return None
    published = rules.overall.max
    for band in rules.overall.bands:
        if band.min <= 0:
            return band.rating
        if max_score == published:
            if score >= band.min:
                return band.rating
        elif score * published > (band.min - 1) * max_score:
            return band.rating
    return rules.overall.bands[-1].rating


def overall_bands(max_score: int, rules: RuleSet) -> list[ScoreRange]:
    """The score ranges that `overall_for` gives on this maximum, lowest first."""
    ranges: list[ScoreRange] = []
    for score in range(max_score + 1):
        rating = overall_for(score, max_score, rules)
        if rating is None:
            return []
        if ranges and ranges[-1].rating == rating:
            ranges[-1] = ranges[-1].model_copy(update={"high": score})
        else:
            ranges.append(ScoreRange(low=score, high=score, rating=rating))
    return ranges


def descriptor_for(value: float | Fraction, rules: RuleSet) -> tuple[Descriptor, int]:
    for band in rules.theme_bands:
        if value >= Fraction(str(band.min)):
            return band.descriptor, band.stars
    last = rules.theme_bands[-1]
    return last.descriptor, last.stars


def _stars_for(descriptor: Descriptor, rules: RuleSet) -> Optional[int]:
    return next((b.stars for b in rules.theme_bands if b.descriptor == descriptor), None)


# --------------------------------------------------------------------------- the scorer


class _Scorer:
    """Collects problems and assumptions while rating one inspection."""

    def __init__(self, inspection: Inspection, rules: RuleSet):
        self.inspection = inspection
        self.rules = rules
        self.problems: list[Problem] = []
        self.assumptions: list[str] = []

    def problem(self, loc: Loc, code: str, message: str, severity: Literal["error", "warning"] = "error") -> None:
        self.problems.append(Problem(tuple(loc), code, message, severity))

    def note(self, assumption: Optional[Assumption]) -> None:
        """Record that an assumption of the rules file was applied (once)."""
        if assumption is not None and assumption.text not in self.assumptions:
            self.assumptions.append(assumption.text)

    def assume(self, assumption_id: str) -> None:
        self.note(next((a for a in self.rules.assumptions if a.id == assumption_id), None))

    # ----------------------------------------------------------------- standards family

    def rate_standards(self) -> RatingResult:
        rules = self.rules
        if self.inspection.themes:
            self.problem(("themes",), "themes-unexpected", f"framework '{rules.id}' rates standards, not themes")
        by_id = self._index(
            [d.id for d in self.inspection.domains], ("domains",), "domain", {d.id for d in rules.domains}
        )
        standards: list[RatedStandard] = []
        for domain_rule in rules.domains:
            d_index = by_id.get(domain_rule.id)
            if d_index is None:
                standards.extend(self._absent_domain(domain_rule))
                continue
            standards.extend(self._rate_domain(domain_rule, self.inspection.domains[d_index], d_index))

        counted = [s for s in standards if s.counts_to_score and s.points is not None]
        top = max(rules.points.values(), default=0)
        score = sum(s.points for s in counted)
        max_score = top * len(counted)
        overall = overall_for(score, max_score, rules) if counted else None
        if counted and rules.overall and max_score != rules.overall.max:
            self.note(rules.overall.assumption)
        before = overall
        limits: list[str] = []
        for limit in rules.limiting_judgements:
            limiting = next((s for s in standards if s.id == limit.standard), None)
            if limiting and limiting.rating == limit.when and overall == limit.blocks:
                overall = limit.cap
                limits.append(
                    f"Standard {limit.standard} is rated {limit.when.value}, so the overall rating cannot be "
                    f"{limit.blocks.value}; it is {limit.cap.value} instead."
                )
                self.assume("limiting-judgement")
        return RatingResult(
            framework=rules.id,
            overall=overall,
            overall_before_limits=before if limits else None,
            score=score if counted else None,
            max_score=max_score if counted else None,
            overall_bands=overall_bands(max_score, rules) if counted else [],
            standards=standards,
            limits_applied=limits,
            assumptions=self.assumptions,
        )

    def _index(self, ids: list[str], loc: Loc, kind: str, known: set[str]) -> dict[str, int]:
        """Map ids to list positions, reporting unknown and repeated ids."""
        found: dict[str, int] = {}
        code = kind.replace(" ", "-")
        for index, item in enumerate(ids):
            if item not in known:
                options = ", ".join(sorted(known)) or "none"
                self.problem(loc + (index, "id"), f"unknown-{code}",
                             f"unknown {kind} '{item}' for framework '{self.rules.id}' (expected one of: {options})")
            elif item in found:
                self.problem(loc + (index, "id"), f"duplicate-{code}", f"{kind} '{item}' is given twice")
            else:
                found[item] = index
        return found

    def _absent_domain(self, domain_rule: DomainRule) -> list[RatedStandard]:
        if domain_rule.optional:
            if not self.rules.show_unrated_in_table:
                return []
            return [self._not_rated(domain_rule, s, None, "No relevant cases.") for s in domain_rule.standards]
        self.problem(("domains",), "domain-missing",
                     f"domain {domain_rule.id} ({domain_rule.name}) is missing; framework '{self.rules.id}' requires it")
        return [self._not_rated(domain_rule, s, None, None) for s in domain_rule.standards]

    def _not_rated(self, domain_rule: DomainRule, rule: StandardRule, source: Optional[Standard],
                   reason: Optional[str], key_questions: Optional[list[RatedKeyQuestion]] = None) -> RatedStandard:
        return RatedStandard(
            id=rule.id, name=rule.name, statement=rule.statement, method=rule.method, domain=domain_rule.id,
            rating=Rating.NOT_RATED, points=None, computed=None, discretion=None,
            counts_to_score=domain_rule.counts_to_score,
            not_rated_reason=(source.not_rated_reason if source and source.not_rated_reason else reason),
            key_questions=key_questions if key_questions is not None else self._blank_questions(rule, source),
        )

    def _rate_domain(self, domain_rule: DomainRule, domain: Domain, d_index: int) -> list[RatedStandard]:
        loc = ("domains", d_index)
        too_small = bool(
            self.rules.min_cases and domain.sample is not None and domain.sample.cases < self.rules.min_cases.value
        )
        if too_small and domain.not_rated_reason is None:
            self.note(self.rules.min_cases.assumption)
            self._warn_unexplained_small_sample(domain_rule, domain, loc)
        by_id = self._index([s.id for s in domain.standards], loc + ("standards",), "standard",
                            {s.id for s in domain_rule.standards})
        rated: list[RatedStandard] = []
        for rule in domain_rule.standards:
            s_index = by_id.get(rule.id)
            source = domain.standards[s_index] if s_index is not None else None
            s_loc = loc + ("standards", s_index)
            domain_off = domain.not_rated_reason is not None or (too_small and rule.method == "case-based")
            if source is None:
                if not domain_off:
                    self.problem(loc + ("standards",), "standard-missing",
                                 f"standard {rule.id} ({rule.name}) is missing; framework '{self.rules.id}' requires it")
                rated.append(self._not_rated(domain_rule, rule, None, domain.not_rated_reason))
                continue
            if domain_off:
                if source.rating not in (None, Rating.NOT_RATED):
                    why = ("the domain is marked not rated" if domain.not_rated_reason is not None else
                           f"the domain sample of {domain.sample.cases} is below the minimum of "
                           f"{self.rules.min_cases.value} cases")
                    self.problem(s_loc + ("rating",), "rating-contradicts-data",
                                 f"standard {rule.id} is rated {source.rating.value}, but {why}")
                self._no_discretion_when_not_rated(rule, source, s_loc)
                questions = (self._rate_questions(rule, source, s_loc, required=False)
                             if rule.method == "case-based" else None)
                rated.append(self._not_rated(domain_rule, rule, source, domain.not_rated_reason, questions))
                continue
            if source.rating == Rating.NOT_RATED or source.not_rated_reason is not None:
                if source.rating not in (None, Rating.NOT_RATED):
                    self.problem(s_loc + ("rating",), "rating-contradicts-data",
                                 f"standard {rule.id} gives a reason for not being rated but is rated {source.rating.value}")
                self._no_discretion_when_not_rated(rule, source, s_loc)
                questions = (self._rate_questions(rule, source, s_loc, required=False)
                             if rule.method == "case-based" else None)
                rated.append(self._not_rated(domain_rule, rule, source, None, questions))
                continue
            if rule.method == "qualitative":
                rated.append(self._rate_qualitative(domain_rule, rule, source, s_loc))
            else:
                rated.append(self._rate_case_based(domain_rule, rule, source, s_loc, domain))
        return rated

    def _no_discretion_when_not_rated(self, rule: StandardRule, source: Standard, loc: Loc) -> None:
        if source.discretion is not None:
            self.problem(loc + ("discretion",), "discretion-not-allowed",
                         f"standard {rule.id} is Not rated, so there is no rating for professional discretion to move")

    def _warn_unexplained_small_sample(self, domain_rule: DomainRule, domain: Domain, loc: Loc) -> None:
        """A domain too small to rate should say why; silence usually means the counts are unfinished."""
        case_based = {s.id for s in domain_rule.standards if s.method == "case-based"}
        present = [s for s in domain.standards if s.id in case_based]
        if present and all(s.not_rated_reason for s in present):
            return
        where = ("the domain" if len(case_based) == len(domain_rule.standards) else
                 "each of its case-based standards")
        self.problem(loc + ("sample", "cases"), "domain-too-small",
                     f"domain {domain_rule.id} ({domain_rule.name}) has {domain.sample.cases} cases, fewer than the "
                     f"{self.rules.min_cases.value} needed to rate it, so its case-based standards are Not rated; "
                     f"give {where} a 'not_rated_reason' to say why in the report", severity="warning")

    # ----------------------------------------------------------------- one standard

    def _blank_questions(self, rule: StandardRule, source: Optional[Standard]) -> list[RatedKeyQuestion]:
        overrides = {q.id: q.text for q in (source.key_questions if source else []) if q.text}
        return [
            RatedKeyQuestion(id=q.id, text=overrides.get(q.id) or q.text, yes=None, of=None, percent=None, band=None)
            for q in rule.key_questions
        ]

    def _rate_qualitative(self, domain_rule: DomainRule, rule: StandardRule, source: Standard, loc: Loc) -> RatedStandard:
        known = {q.id for q in rule.key_questions}
        self._index([q.id for q in source.key_questions], loc + ("key_questions",), "key question", known)
        if source.discretion is not None:
            self.problem(loc + ("discretion",), "discretion-not-allowed",
                         f"standard {rule.id} is judged qualitatively; professional discretion applies only to "
                         "case-based standards")
        for index, question in enumerate(source.key_questions):
            if question.yes is not None or question.of is not None or question.percent is not None:
                self.problem(loc + ("key_questions", index), "counts-on-qualitative",
                             f"key question {question.id}: standard {rule.id} is judged qualitatively, so its "
                             "figures are not used or printed", severity="warning")
        if source.rating is None:
            self.problem(loc, "rating-missing",
                         f"standard {rule.id} ({rule.name}) is judged qualitatively and needs a 'rating'")
            return self._not_rated(domain_rule, rule, source, None)
        return RatedStandard(
            id=rule.id, name=rule.name, statement=rule.statement, method=rule.method, domain=domain_rule.id,
            rating=source.rating, points=points_for(source.rating, self.rules), computed=None,
            counts_to_score=domain_rule.counts_to_score, key_questions=self._blank_questions(rule, source),
        )

    def _rate_questions(self, rule: StandardRule, source: Standard, loc: Loc, *, required: bool = True
                        ) -> list[RatedKeyQuestion]:
        """Percent and band of every key question, in rules order, reporting bad (and, if required, missing) data."""
        q_loc = loc + ("key_questions",)
        by_id = self._index([q.id for q in source.key_questions], q_loc, "key question",
                            {q.id for q in rule.key_questions})
        rated: list[RatedKeyQuestion] = []
        for question_rule in rule.key_questions:
            index = by_id.get(question_rule.id)
            if index is None:
                if required:
                    self.problem(q_loc, "key-question-missing",
                                 f"standard {rule.id} has no data for key question {question_rule.id}")
                rated.append(RatedKeyQuestion(id=question_rule.id, text=question_rule.text, yes=None, of=None,
                                              percent=None, band=None))
                continue
            question = source.key_questions[index]
            prompts = self._rate_prompts(question_rule, question, q_loc + (index,))
            rated.append(self._rate_question(question_rule.id, question_rule.text, question, q_loc + (index,),
                                             required, prompts))
        return rated

    def _figures(self, yes: Optional[int], of: Optional[int], percent: Optional[float], loc: Loc,
                 what: str) -> tuple[Optional[Fraction | float], bool]:
        """The exact percentage from counts (or a published one), and whether any figure was given."""
        if yes is None and of is None and percent is None:
            return None, False
        if percent is not None and percent > 100:
            self.problem(loc + ("percent",), "percent-over-100", f"{what}: a percentage cannot exceed 100 ({percent:g})")
            return None, True
        if (yes is None) != (of is None):
            missing = "of" if of is None else "yes"
            self.problem(loc + (missing,), "counts-incomplete", f"{what}: 'yes' and 'of' must be given together")
            return None, True
        if yes is not None and of is not None:
            if yes > of:
                self.problem(loc + ("yes",), "yes-over-of", f"{what}: 'yes: {yes}' is more than 'of: {of}'")
                return None, True
            if of == 0:
                return None, True
            exact = exact_percent(yes, of)
            if percent is not None and round_percent(exact, self.rules) != round_percent(percent, self.rules):
                self.problem(loc + ("percent",), "percent-mismatch",
                             f"{what}: percent {percent:g} does not match {yes}/{of} "
                             f"({round_percent(exact, self.rules):g}%)")
            return exact, True
        return percent, True

    def _rate_question(self, qid: str, text: str, question: KeyQuestion, loc: Loc, required: bool,
                       prompts: list[RatedPrompt]) -> RatedKeyQuestion:
        exact, given = self._figures(question.yes, question.of, question.percent, loc, f"key question {qid}")
        if not given and required:
            self.problem(loc, "key-question-no-data", f"key question {qid} needs 'yes' and 'of' (or a published 'percent')")
        if question.of == 0 and required:
            self.problem(loc + ("of",), "no-relevant-cases",
                         f"key question {qid}: 'of: 0' means no relevant cases, so it is left out of the rating",
                         severity="warning")
        percent = round_percent(exact, self.rules) if exact is not None else None
        band = band_for(_banded_value(exact, self.rules), self.rules) if exact is not None else None
        return RatedKeyQuestion(id=qid, text=question.text or text, yes=question.yes, of=question.of,
                                percent=percent, band=band, prompts=prompts)

    def _rate_prompts(self, question_rule, question: KeyQuestion, loc: Loc) -> list[RatedPrompt]:
        """Each prompt's figures checked and its percentage rounded as a key question's is."""
        p_loc = loc + ("prompts",)
        self._index([p.id for p in question.prompts], p_loc, "prompt", {p.id for p in question_rule.prompts})
        rated: list[RatedPrompt] = []
        for index, prompt in enumerate(question.prompts):
            exact, _ = self._figures(prompt.yes, prompt.of, prompt.percent, p_loc + (index,),
                                     f"prompt {question_rule.id} {prompt.id})")
            percent = round_percent(exact, self.rules) if exact is not None else None
            rated.append(RatedPrompt(id=prompt.id, yes=prompt.yes, of=prompt.of, percent=percent))
        return rated

    def _rate_case_based(self, domain_rule: DomainRule, rule: StandardRule, source: Standard, loc: Loc,
                         domain: Domain) -> RatedStandard:
        questions = self._rate_questions(rule, source, loc)
        self._check_sample(source, loc, domain)
        scored = [q for q in questions if q.percent is not None]
        if not scored:
            if source.key_questions:
                self.problem(loc + ("key_questions",), "standard-no-data",
                             f"standard {rule.id} has no key-question figures to rate it by")
            return self._not_rated(domain_rule, rule, source, None, questions)
        # The standard takes the worst key-question band; its lowest figure is the one shown in bold.
        computed = min((q.band for q in scored), key=RATING_SCALE.index)
        in_band = [q for q in scored if q.band == computed]
        lowest_value = min(self._band_value(q) for q in in_band)
        lowest_ids = {q.id for q in in_band if self._band_value(q) == lowest_value}
        questions = [q.model_copy(update={"lowest": q.id in lowest_ids}) for q in questions]
        rating, decision = computed, None
        if source.discretion is not None:
            decision = self._discretion(rule, source, loc, computed, [q for q in questions if q.lowest], domain)
            if decision is not None:
                rating = decision.to
        if source.rating is not None and source.rating != rating:
            hint = f" (computed {computed.value}" + (f", {rating.value} after discretion)" if decision else ")")
            self.problem(loc + ("rating",), "rating-contradicts-data",
                         f"standard {rule.id} is given as {source.rating.value}, but the data rate it "
                         f"{rating.value}{hint}; rating contradicts the data")
        return RatedStandard(
            id=rule.id, name=rule.name, statement=rule.statement, method=rule.method, domain=domain_rule.id,
            rating=rating, points=points_for(rating, self.rules), computed=computed, discretion=decision,
            counts_to_score=domain_rule.counts_to_score, key_questions=questions,
        )

    def _check_sample(self, source: Standard, loc: Loc, domain: Domain) -> None:
        """Warn where a key question counts more relevant cases than the domain inspected."""
        if domain.sample is None:
            return
        for index, question in enumerate(source.key_questions):
            if question.of is not None and question.of > domain.sample.cases:
                self.problem(loc + ("key_questions", index, "of"), "of-over-sample",
                             f"key question {question.id}: 'of: {question.of}' is more than the "
                             f"{domain.sample.cases} cases inspected in domain {domain.id}", severity="warning")

    def _band_value(self, question: RatedKeyQuestion) -> Fraction:
        """The value a key question is banded on (the rounded figure, or the exact one)."""
        if self.rules.band_on == "exact" and question.yes is not None and question.of:
            return exact_percent(question.yes, question.of)
        return Fraction(str(question.percent))

    # ----------------------------------------------------------------- professional discretion

    def _discretion_triggers(self, lowest: list[RatedKeyQuestion], domain: Domain, computed: Rating,
                             wanted: Rating) -> list[str]:
        """Which of the rules' conditions for discretion hold for a move from `computed` towards `wanted`.

        A boundary counts only if the move crosses it, and a one-case change only if it moves the band
        the same way the panel did.
        """
        conditions = self.rules.discretion
        if conditions is None:
            return []
        triggers: list[str] = []
        upper = max(computed, wanted, key=RATING_SCALE.index)
        crossed = [Fraction(str(b.min)) for b in self.rules.bands if b.rating == upper and b.min > 0]
        margin = Fraction(str(conditions.boundary_margin))
        upwards = RATING_SCALE.index(wanted) > RATING_SCALE.index(computed)
        for question in lowest:
            value = Fraction(str(question.percent))
            near = [b for b in crossed
                    if (abs(value - b) <= margin if conditions.boundary_inclusive else abs(value - b) < margin)]
            if near and "boundary" not in triggers:
                triggers.append("boundary")
            if conditions.one_case_change and question.yes is not None and question.of:
                other = question.yes + 1 if upwards else question.yes - 1
                if 0 <= other <= question.of:
                    there = band_for(_banded_value(exact_percent(other, question.of), self.rules), self.rules)
                    if there == wanted and "one-case" not in triggers:
                        triggers.append("one-case")
            if question.of is not None and question.of <= conditions.small_sample and "small-sample" not in triggers:
                triggers.append("small-sample")
        if domain.sample is not None and domain.sample.cases <= conditions.small_sample and "small-sample" not in triggers:
            triggers.append("small-sample")
        return triggers

    def _discretion(self, rule: StandardRule, source: Standard, loc: Loc, computed: Rating,
                    lowest: list[RatedKeyQuestion], domain: Domain) -> Optional[DiscretionDecision]:
        d_loc = loc + ("discretion",)
        wanted = source.discretion.to
        conditions = self.rules.discretion
        if conditions is None:
            self.problem(d_loc, "discretion-not-allowed", f"framework '{self.rules.id}' allows no professional discretion")
            return None
        self.note(conditions.assumption)
        if wanted == Rating.NOT_RATED:
            self.problem(d_loc + ("to",), "discretion-not-rated", "discretion cannot make a standard 'Not rated'")
            return None
        if wanted == computed:
            self.problem(d_loc + ("to",), "discretion-unchanged",
                         f"discretion on standard {rule.id} leaves the computed rating ({computed.value}) unchanged",
                         "warning")
            return None
        steps = abs(RATING_SCALE.index(wanted) - RATING_SCALE.index(computed))
        if steps > conditions.max_bands:
            self.problem(d_loc + ("to",), "discretion-too-far",
                         f"discretion may move a rating by {conditions.max_bands} band at most; standard {rule.id} "
                         f"would move {steps} bands, from {computed.value} to {wanted.value}")
            return None
        triggers = self._discretion_triggers(lowest, domain, computed, wanted)
        if not triggers:
            shown = ", ".join(f"{q.id} at {q.percent:g}%" for q in lowest)
            self.problem(d_loc, "discretion-not-allowed",
                         f"discretion on standard {rule.id} is not allowed: its lowest key question ({shown}) is not "
                         f"within {conditions.boundary_margin:g} points of the boundary between {computed.value} and "
                         f"{wanted.value}, one case judged differently would not move it to {wanted.value}, and the "
                         f"sample is larger than {conditions.small_sample} cases")
            return None
        return DiscretionDecision(from_=computed, to=wanted, reason=source.discretion.reason, triggers=triggers)

    # ----------------------------------------------------------------- themes family

    def rate_themes(self) -> RatingResult:
        rules = self.rules
        if self.inspection.domains:
            self.problem(("domains",), "domains-unexpected", f"framework '{rules.id}' rates themes, not domains")
        by_id = self._index([t.id for t in self.inspection.themes], ("themes",), "theme", {t.id for t in rules.themes})
        themes: list[RatedTheme] = []
        for theme_rule in rules.themes:
            index = by_id.get(theme_rule.id)
            if index is None:
                self.problem(("themes",), "theme-missing",
                             f"theme '{theme_rule.id}' ({theme_rule.name}) is missing; framework '{rules.id}' requires it")
                themes.append(RatedTheme(id=theme_rule.id, name=theme_rule.name, percent=None, computed=None,
                                         descriptor=None, stars=None))
                continue
            themes.append(self._rate_theme(theme_rule, self.inspection.themes[index], ("themes", index)))
        return RatingResult(framework=rules.id, overall=None, score=None, max_score=None, themes=themes,
                            assumptions=self.assumptions)

    def _rate_theme(self, rule: ThemeRule, theme: Theme, loc: Loc) -> RatedTheme:
        name = theme.title or rule.name
        if not rule.scored:
            if theme.score is not None:
                self.problem(loc + ("score",), "theme-score-unexpected", f"theme '{rule.id}' has no case assessment score")
            if theme.descriptor is None:
                self.problem(loc, "descriptor-missing", f"theme '{rule.id}' is judged qualitatively and needs a 'descriptor'")
            if theme.moderation is not None:
                self.problem(loc + ("moderation",), "moderation-not-allowed",
                             f"theme '{rule.id}' has no case score to moderate")
            return RatedTheme(id=rule.id, name=name, percent=None, computed=None, descriptor=theme.descriptor, stars=None)
        exact = None
        if theme.score is None:
            self.problem(loc, "theme-score-missing", f"theme '{rule.id}' needs a case assessment 'score'")
        else:
            exact, given = self._figures(theme.score.yes, theme.score.of, theme.score.percent, loc + ("score",),
                                         f"theme '{rule.id}'")
            if not given:
                self.problem(loc + ("score",), "theme-score-missing", f"theme '{rule.id}' needs 'yes' and 'of' or a 'percent'")
        if exact is None:
            return RatedTheme(id=rule.id, name=name, percent=None, computed=None, descriptor=theme.descriptor, stars=None)
        self.assume("rounding")
        percent = round_percent(exact, self.rules)
        computed, stars = descriptor_for(_banded_value(exact, self.rules), self.rules)
        final, reason = computed, None
        if theme.moderation is not None:
            if theme.moderation.to == computed:
                self.problem(loc + ("moderation", "to"), "moderation-unchanged",
                             f"moderation of theme '{rule.id}' leaves the descriptor ({computed.value}) unchanged", "warning")
            else:
                final, reason = theme.moderation.to, theme.moderation.reason
                stars = _stars_for(final, self.rules)
        if theme.descriptor is not None and theme.descriptor != final:
            self.problem(loc + ("descriptor",), "descriptor-contradicts-data",
                         f"theme '{rule.id}' is given as {theme.descriptor.value}, but its score of {percent:g}% gives "
                         f"{final.value}; descriptor contradicts the data")
        self.assume("stars")
        return RatedTheme(id=rule.id, name=name, percent=percent, computed=computed, descriptor=final, stars=stars,
                          moderation_reason=reason)


def rate(inspection: Inspection, rules: RuleSet) -> tuple[RatingResult, list[Problem]]:
    """Rate one inspection under `rules`; problems are returned, never raised."""
    scorer = _Scorer(inspection, rules)
    if rules.family == "themes":
        result = scorer.rate_themes()
    else:
        result = scorer.rate_standards()
        if any(q.percent is not None and q.yes is not None for s in result.standards for q in s.key_questions):
            scorer.assume("rounding")
    return result.model_copy(update={"assumptions": list(scorer.assumptions)}), scorer.problems
