"""The scorer against the published rules: band boundaries, rounding, discretion, Not rated, scaled
maxima, the limiting judgement, FJI descriptors, problem locations, and properties over generated data."""
from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.sources.model import Inspection, Rating
from compiler.rating.ruleset import load_ruleset
from compiler.rating.ratings_json import result_to_json
from compiler.rating.bands import overall_for
from compiler.rating.scoring import rate
from compiler.sources.model import RATING_SCALE

I, RI, G, O, NR = "Inadequate", "Requires improvement", "Good", "Outstanding", "Not rated"
RULES = {
    fid: load_ruleset(fid)
    for fid in ("standards-2018", "standards-2021", "standards-2021-joint-working", "standards-2024", "fji-2013")
}
META = {"service": "Test Youth Justice Service", "area": "Testshire", "published": "2024-01",
        "fieldwork": {"start": "2023-10-02"}}


def standards_data(framework: str = "standards-2021", qualitative: str = G, yes: int = 10, of: int = 10,
                   sample: int = 10, resettlement: str | None = None) -> dict:
    """A complete source for a standards framework: every qualitative standard rated `qualitative`,
    every key question at `yes`/`of`."""
    rules = RULES[framework]
    domains = []
    for domain in rules.domains:
        if domain.optional and resettlement is None:
            continue
        standards = []
        for standard in domain.standards:
            if standard.method == "qualitative":
                rating = resettlement if domain.optional else qualitative
                standards.append({"id": standard.id, "rating": rating})
            else:
                standards.append({"id": standard.id, "key_questions": [
                    {"id": q.id, "yes": yes, "of": of} for q in standard.key_questions]})
        entry = {"id": domain.id, "standards": standards}
        if any(s.method == "case-based" for s in domain.standards):
            entry["sample"] = {"cases": sample}
        domains.append(entry)
    return {"framework": framework, "meta": META, "domains": domains}


def where(data: dict, standard_id: str) -> tuple[int, int]:
    for d_index, domain in enumerate(data["domains"]):
        for s_index, standard in enumerate(domain["standards"]):
            if standard["id"] == standard_id:
                return d_index, s_index
    raise KeyError(standard_id)


def source_standard(data: dict, standard_id: str) -> dict:
    d_index, s_index = where(data, standard_id)
    return data["domains"][d_index]["standards"][s_index]


def set_kq(data: dict, standard_id: str, index: int, **figures) -> None:
    question = source_standard(data, standard_id)["key_questions"][index]
    for key in ("yes", "of", "percent"):
        question.pop(key, None)
    question.update(figures)


def run(data: dict, framework: str | None = None):
    inspection = Inspection.model_validate(data)
    return rate(inspection, RULES[framework or data["framework"]])


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def only_problem(problems, code: str):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


# --------------------------------------------------------------------------- bands and rounding


@pytest.mark.parametrize(
    "yes, expected",
    [(49, I), (50, RI), (64, RI), (65, G), (79, G), (80, O)],
    ids=["49", "50", "64", "65", "79", "80"],
)
def test_key_question_band_boundaries(yes, expected):
    data = standards_data(of=100, yes=100, sample=100)
    set_kq(data, "2.1", 1, yes=yes, of=100)
    result, problems = run(data)
    assert problems == []
    question = result.standard("2.1").key_questions[1]
    assert (question.percent, question.band.value) == (yes, expected)
    assert result.standard("2.1").rating.value == expected


@pytest.mark.parametrize(
    "yes, of, percent, band",
    [
        (2, 3, 67, G),       # 66.67 rounds to 67
        (8, 9, 89, O),       # 88.9 rounds to 89
        (1, 9, 11, I),
        (4, 9, 44, I),
        (1, 8, 13, I),       # 12.5: half rounds up
        (99, 200, 50, RI),   # 49.5 rounds up into Requires improvement
        (129, 200, 65, G),   # 64.5 rounds up into Good
        (159, 200, 80, O),   # 79.5 rounds up into Outstanding
        (20, 31, 65, G),     # 64.52
    ],
)
def test_percentages_are_rounded_half_up_and_banded_on_the_rounded_figure(yes, of, percent, band):
    data = standards_data(of=200, yes=200, sample=200)
    set_kq(data, "3.1", 2, yes=yes, of=of)
    result, _ = run(data)
    question = result.standard("3.1").key_questions[2]
    assert question.percent == percent
    assert question.band.value == band


def test_published_percent_is_used_only_without_counts():
    data = standards_data(of=20, yes=20, sample=20)
    set_kq(data, "2.2", 0, percent=62)
    result, problems = run(data)
    assert problems == []
    assert result.standard("2.2").key_questions[0].percent == 62
    assert result.standard("2.2").rating.value == RI


def test_percent_that_disagrees_with_counts_is_a_problem():
    data = standards_data()
    set_kq(data, "2.2", 0, yes=6, of=10, percent=70)
    result, problems = run(data)
    d, s = where(data, "2.2")
    assert only_problem(problems, "percent-mismatch").loc == ("domains", d, "standards", s, "key_questions", 0, "percent")
    assert result.standard("2.2").key_questions[0].percent == 60


def test_standard_takes_the_band_of_its_lowest_key_question_and_flags_it():
    data = standards_data()
    set_kq(data, "2.3", 0, yes=9, of=10)
    set_kq(data, "2.3", 1, yes=7, of=10)
    set_kq(data, "2.3", 2, yes=7, of=10)
    result, _ = run(data)
    standard = result.standard("2.3")
    assert standard.rating.value == G and standard.computed.value == G
    assert [q.lowest for q in standard.key_questions] == [False, True, True]


# --------------------------------------------------------------------------- professional discretion


def with_discretion(data: dict, standard_id: str, to: str, reason: str = "Strong practice on the other questions.") -> None:
    source_standard(data, standard_id)["discretion"] = {"to": to, "reason": reason}


def test_discretion_allowed_within_five_points_of_a_boundary():
    data = standards_data(of=40, yes=40, sample=40)
    set_kq(data, "2.2", 0, yes=24, of=40)  # 60%, 5 points below Good: inclusive
    with_discretion(data, "2.2", G)
    result, problems = run(data)
    assert problems == []
    standard = result.standard("2.2")
    assert (standard.computed.value, standard.rating.value, standard.points) == (RI, G, 2)
    assert standard.discretion.triggers == ["boundary"]
    assert any("within 5 points" in a for a in result.assumptions)


def test_discretion_allowed_when_one_case_would_change_the_band():
    data = standards_data(of=7, yes=7, sample=7)
    set_kq(data, "2.4", 1, yes=4, of=7)  # 57%: 7 and 8 points from boundaries, but 3/7 is 43%
    with_discretion(data, "2.4", I)
    result, problems = run(data)
    assert problems == []
    standard = result.standard("2.4")
    assert (standard.computed.value, standard.rating.value) == (RI, I)
    assert standard.discretion.triggers == ["one-case"]


def test_discretion_allowed_for_a_sub_sample_of_five_or_fewer():
    data = standards_data(of=10, yes=10, sample=10)
    set_kq(data, "3.3", 2, yes=0, of=5)  # 0%: far from any boundary; 1/5 is still Inadequate
    with_discretion(data, "3.3", RI)
    result, problems = run(data)
    assert problems == []
    assert result.standard("3.3").discretion.triggers == ["small-sample"]
    assert result.standard("3.3").rating.value == RI


def test_discretion_allowed_for_a_domain_sample_of_five_or_fewer():
    data = standards_data(of=5, yes=5, sample=5)
    set_kq(data, "2.1", 0, percent=30)
    with_discretion(data, "2.1", RI)
    result, problems = run(data)
    assert problems == []
    assert result.standard("2.1").discretion.triggers == ["small-sample"]


def test_discretion_refused_when_no_condition_holds():
    data = standards_data(of=100, yes=100, sample=100)
    set_kq(data, "2.2", 0, yes=59, of=100)  # 6 points from Good, 9 from RI's floor; 58 and 60 are RI too
    with_discretion(data, "2.2", G)
    result, problems = run(data)
    d, s = where(data, "2.2")
    problem = only_problem(problems, "discretion-not-allowed")
    assert problem.loc == ("domains", d, "standards", s, "discretion")
    assert problem.severity == "error"
    assert result.standard("2.2").rating.value == RI
    assert result.standard("2.2").discretion is None


def test_discretion_just_outside_the_margin_is_refused_but_at_the_margin_allowed():
    refused = standards_data(of=100, yes=100, sample=100)
    set_kq(refused, "3.1", 0, yes=44, of=100)  # 6 below 50
    with_discretion(refused, "3.1", RI)
    allowed = copy.deepcopy(refused)
    set_kq(allowed, "3.1", 0, yes=45, of=100)  # 5 below 50
    assert "discretion-not-allowed" in codes(run(refused)[1])
    assert run(allowed)[1] == []


def test_discretion_moves_one_band_only():
    data = standards_data(of=40, yes=40, sample=40)
    set_kq(data, "2.2", 0, yes=24, of=40)  # 60%, eligible
    with_discretion(data, "2.2", O)
    result, problems = run(data)
    d, s = where(data, "2.2")
    assert only_problem(problems, "discretion-too-far").loc == ("domains", d, "standards", s, "discretion", "to")
    assert result.standard("2.2").rating.value == RI


def test_discretion_on_a_qualitative_standard_is_refused():
    data = standards_data()
    with_discretion(data, "1.2", O)
    _, problems = run(data)
    d, s = where(data, "1.2")
    assert only_problem(problems, "discretion-not-allowed").loc == ("domains", d, "standards", s, "discretion")


def test_discretion_that_changes_nothing_is_a_warning():
    data = standards_data(of=40, yes=40, sample=40)
    set_kq(data, "2.2", 0, yes=24, of=40)
    with_discretion(data, "2.2", RI)
    _, problems = run(data)
    assert only_problem(problems, "discretion-unchanged").severity == "warning"


# --------------------------------------------------------------------------- typed ratings and data problems


def test_typed_rating_that_contradicts_the_data():
    data = standards_data()
    set_kq(data, "3.2", 1, yes=6, of=10)
    source_standard(data, "3.2")["rating"] = G
    _, problems = run(data)
    d, s = where(data, "3.2")
    problem = only_problem(problems, "rating-contradicts-data")
    assert problem.loc == ("domains", d, "standards", s, "rating")
    assert "contradicts the data" in problem.message


def test_typed_rating_agreeing_after_discretion_is_accepted():
    data = standards_data(of=40, yes=40, sample=40)
    set_kq(data, "2.2", 0, yes=24, of=40)
    with_discretion(data, "2.2", G)
    source_standard(data, "2.2")["rating"] = G
    assert run(data)[1] == []


def test_yes_greater_than_of():
    data = standards_data()
    set_kq(data, "3.2", 0, yes=11, of=10)
    _, problems = run(data)
    assert only_problem(problems, "yes-over-of").loc == ("domains", 2, "standards", 1, "key_questions", 0, "yes")


def test_percent_over_100():
    data = standards_data()
    set_kq(data, "2.4", 2, percent=101)
    _, problems = run(data)
    assert only_problem(problems, "percent-over-100").loc == ("domains", 1, "standards", 3, "key_questions", 2, "percent")


def test_prompt_figures_are_checked():
    data = standards_data()
    source_standard(data, "2.1")["key_questions"][0]["prompts"] = [{"id": "a", "yes": 3, "of": 2}, {"id": "z", "yes": 1, "of": 2}]
    _, problems = run(data)
    base = ("domains", 1, "standards", 0, "key_questions", 0, "prompts")
    assert only_problem(problems, "yes-over-of").loc == base + (0, "yes")
    assert only_problem(problems, "unknown-prompt").loc == base + (1, "id")


def test_unknown_standard_and_key_question_ids():
    data = standards_data()
    data["domains"][2]["standards"].append({"id": "3.5", "rating": G})
    source_standard(data, "2.3")["key_questions"].append({"id": "2.3.9", "yes": 1, "of": 1})
    _, problems = run(data)
    assert only_problem(problems, "unknown-standard").loc == ("domains", 2, "standards", 4, "id")
    assert only_problem(problems, "unknown-key-question").loc == ("domains", 1, "standards", 2, "key_questions", 3, "id")


def test_standard_missing_for_the_framework():
    data = standards_data()
    del data["domains"][1]["standards"][2]
    result, problems = run(data)
    problem = only_problem(problems, "standard-missing")
    assert problem.loc == ("domains", 1, "standards")
    assert "2.3" in problem.message


def test_case_counts_do_not_rate_the_qualitative_2021_standard_3_4():
    data = standards_data("standards-2018")  # 3.4 Joint working: counts, no typed rating
    result, problems = run(data, "standards-2021")
    assert only_problem(problems, "rating-missing").loc == ("domains", 2, "standards", 3)
    assert result.standard("3.4").name == "Out-of-court disposal policy and provision"


def test_key_question_without_data():
    data = standards_data()
    source_standard(data, "3.3")["key_questions"][1] = {"id": "3.3.2"}
    del source_standard(data, "3.1")["key_questions"][2]
    _, problems = run(data)
    assert only_problem(problems, "key-question-no-data").loc == ("domains", 2, "standards", 2, "key_questions", 1)
    missing = only_problem(problems, "key-question-missing")
    assert missing.loc == ("domains", 2, "standards", 0, "key_questions") and "3.1.3" in missing.message


def test_qualitative_standard_without_rating():
    data = standards_data()
    del source_standard(data, "1.3")["rating"]
    _, problems = run(data)
    assert only_problem(problems, "rating-missing").loc == ("domains", 0, "standards", 2)


def test_a_refused_discretion_is_one_error_at_the_discretion_not_a_second_beside_it():
    data = standards_data(of=100, yes=100, sample=100)
    set_kq(data, "2.2", 0, yes=59, of=100)
    with_discretion(data, "2.2", G)
    source_standard(data, "2.2")["rating"] = G  # the rating the refused discretion wanted
    _, problems = run(data)
    d, s = where(data, "2.2")
    assert [(p.code, p.loc, p.severity) for p in problems] == [
        ("discretion-not-allowed", ("domains", d, "standards", s, "discretion"), "error")]


def test_a_typed_rating_is_a_record_under_other_rules_never_an_error():
    """Under rules the report was not written for, a typed rating that the data no longer give, and a
    discretion those rules refuse, are warnings; the ratings are what those rules make of the data."""
    data = standards_data(of=100, yes=100, sample=100)
    set_kq(data, "3.2", 1, yes=70, of=100)
    source_standard(data, "3.2")["rating"] = G
    set_kq(data, "2.2", 0, yes=59, of=100)
    with_discretion(data, "2.2", G)
    rules = RULES["standards-2021"]
    bands = [b.model_copy(update={"min": 75}) if b.rating.value == G else b for b in rules.bands]  # Good from 75 %
    stricter = rules.model_copy(update={"bands": bands, "discretion": None})
    assert codes(run(data)[1]) == ["discretion-not-allowed"]
    result, problems = rate(Inspection.model_validate(data), stricter, other_rules=True)
    assert {p.severity for p in problems} == {"warning"}
    moved = only_problem(problems, "published-rating-moves")
    assert moved.message == "standard 3.2 was published as Good; under 'standards-2021' the data rate it Requires improvement"
    assert "discretion-not-allowed" in codes(problems)
    assert (result.standard("3.2").rating.value, result.standard("2.2").rating.value) == (RI, RI)
    assert result.standard("2.2").discretion is None


def test_not_rated_typed_on_a_case_based_standard_the_sample_could_rate_warns():
    data = standards_data(sample=12)
    source_standard(data, "2.3")["rating"] = NR
    result, problems = run(data)
    problem = only_problem(problems, "not-rated-hides-data")
    d, s = where(data, "2.3")
    assert (problem.loc, problem.severity) == (("domains", d, "standards", s, "rating"), "warning")
    assert "domain 2 has a sample of 12 cases" in problem.message and "the minimum is 5" in problem.message
    assert result.standard("2.3").rating.value == NR
    source_standard(data, "2.3")["not_rated_reason"] = "The cases were inspected before the changes."
    assert run(data)[1] == []


def test_not_rated_typed_where_the_sample_is_too_small_does_not_warn_of_hiding():
    data = standards_data(sample=3)
    data["domains"][1]["not_rated_reason"] = "Three cases only."
    source_standard(data, "2.3")["rating"] = NR
    assert "not-rated-hides-data" not in codes(run(data)[1])


def test_a_prompt_counting_more_cases_than_its_key_question_warns():
    data = standards_data(of=8, yes=8, sample=10)
    question = source_standard(data, "2.1")["key_questions"][0]
    question["prompts"] = [{"id": "a", "yes": 8, "of": 8}, {"id": "b", "yes": 7, "of": 9}]
    _, problems = run(data)
    problem = only_problem(problems, "prompt-over-key-question")
    d, s = where(data, "2.1")
    assert (problem.loc, problem.severity) == (
        ("domains", d, "standards", s, "key_questions", 0, "prompts", 1, "of"), "warning")
    assert problem.message == "prompt 2.1.1 b): 'of: 9' is more than the 8 relevant cases of key question 2.1.1"


# --------------------------------------------------------------------------- Not rated, maxima, limits


def test_explicitly_not_rated_standard_leaves_score_and_maximum():
    data = standards_data()  # every standard Good or Outstanding
    source_standard(data, "2.4").update(rating=NR, not_rated_reason="No cases needed reviewing.")
    result, problems = run(data)
    assert problems == []
    assert result.standard("2.4").rating.value == NR and result.standard("2.4").points is None
    assert result.max_score == 33


def test_domain_not_rated_gives_a_maximum_of_24():
    data = standards_data(qualitative=I)
    court = data["domains"][1]
    court["not_rated_reason"] = "Too few court cases."
    court["standards"] = [{"id": s["id"], "rating": NR} for s in court["standards"]]
    for standard_id in ("3.1", "3.2", "3.3"):
        for index in range(3):
            set_kq(data, standard_id, index, yes=0, of=9)
    source_standard(data, "1.2")["rating"] = RI
    result, problems = run(data)
    assert problems == []
    assert [result.standard(f"2.{n}").rating.value for n in range(1, 5)] == [NR] * 4
    assert (result.score, result.max_score, result.overall.value) == (1, 24, I)
    assert any("maximum/36" in a for a in result.assumptions)


def test_domain_sample_below_the_minimum_is_not_rated_with_the_assumption_recorded():
    data = standards_data("standards-2024")
    data["domains"][2]["sample"] = {"cases": 3}
    result, problems = run(data)
    assert codes(problems) == ["domain-too-small"]  # a warning that asks for the reason
    assert "each of its case-based standards" in problems[0].message  # 3.4 is qualitative and still rated
    for n in range(1, 4):
        source_standard(data, f"3.{n}")["not_rated_reason"] = "Three cases only."
    result, problems = run(data)
    assert problems == []
    assert [result.standard(f"3.{n}").rating.value for n in range(1, 4)] == [NR] * 3
    assert result.standard("3.4").rating.value == G  # qualitative: still rated
    assert result.max_score == 27
    assert any("fewer than 5" in a for a in result.assumptions)


def test_rating_typed_on_a_standard_of_a_domain_too_small_to_rate():
    data = standards_data()
    data["domains"][1]["sample"] = {"cases": 4}
    source_standard(data, "2.1")["rating"] = O
    _, problems = run(data)
    assert only_problem(problems, "rating-contradicts-data").loc == ("domains", 1, "standards", 0, "rating")


@pytest.mark.parametrize(
    "score, expected",
    [(0, I), (4, I), (5, RI), (12, RI), (13, G), (20, G), (21, O), (24, O)],
)
def test_overall_bands_scaled_to_24(score, expected):
    assert overall_for(score, 24, RULES["standards-2024"]).value == expected


@pytest.mark.parametrize(
    "score, expected",
    [(0, I), (4, I), (5, RI), (13, RI), (14, G), (22, G), (23, O), (27, O)],
)
def test_overall_bands_scaled_to_27(score, expected):
    assert overall_for(score, 27, RULES["standards-2024"]).value == expected


@pytest.mark.parametrize(
    "score, expected",
    [(0, I), (6, I), (7, RI), (18, RI), (19, G), (30, G), (31, O), (36, O)],
)
def test_overall_bands_for_36_are_the_published_ones(score, expected):
    assert overall_for(score, 36, RULES["standards-2021"]).value == expected


def test_resettlement_does_not_count_to_the_score():
    result, problems = run(standards_data(qualitative=O, resettlement=G))
    assert problems == []
    assert result.standard("4.1").points == 2 and result.standard("4.1").counts_to_score is False
    assert (result.score, result.max_score, result.overall.value) == (36, 36, O)


def test_limiting_judgement_caps_outstanding_at_good():
    result, problems = run(standards_data(qualitative=O, resettlement=I))
    assert problems == []
    assert (result.score, result.overall.value, result.overall_before_limits.value) == (36, G, O)
    assert len(result.limits_applied) == 1 and "4.1" in result.limits_applied[0]


def test_limiting_judgement_leaves_lower_ratings_alone():
    result, _ = run(standards_data(qualitative=G, yes=7, of=10, resettlement=I))
    assert result.overall.value == G and result.limits_applied == []


def test_transition_version_rates_joint_working_from_cases_and_limits_by_resettlement():
    data = standards_data("standards-2021-joint-working", qualitative=O, resettlement=I)
    set_kq(data, "3.4", 1, yes=3, of=3)
    result, problems = run(data)
    assert problems == []
    joint = result.standard("3.4")
    assert (joint.name, joint.method, joint.computed.value) == ("Joint working", "case-based", O)
    assert (result.score, result.overall.value) == (36, G)
    assert result.limits_applied


def test_optional_resettlement_absent_is_omitted_in_2021_and_listed_not_rated_in_2024():
    assert run(standards_data("standards-2021"))[0].standard("4.1") is None
    listed = run(standards_data("standards-2024"))[0].standard("4.1")
    assert listed.rating.value == NR and listed.points is None


def test_missing_required_domain():
    data = standards_data()
    del data["domains"][2]
    result, problems = run(data)
    assert only_problem(problems, "domain-missing").loc == ("domains",)


# --------------------------------------------------------------------------- FJI themes


def fji_data(percents=(73, 59, 53, 83), governance="Unsatisfactory") -> dict:
    ids = ["reducing-reoffending", "protecting-the-public", "protecting-children", "sentence-served"]
    themes = [{"id": i, "score": {"percent": p}} for i, p in zip(ids, percents)]
    themes.append({"id": "governance", "descriptor": governance})
    return {"framework": "fji-2013", "meta": META, "themes": themes}


@pytest.mark.parametrize(
    "percent, descriptor, stars",
    [(80, "Very good", 4), (79, "Good", 3), (65, "Good", 3), (64, "Unsatisfactory", 2),
     (50, "Unsatisfactory", 2), (49, "Poor", 1)],
)
def test_fji_descriptor_and_stars(percent, descriptor, stars):
    result, problems = run(fji_data(percents=(percent, 70, 70, 70)))
    assert problems == []
    theme = result.theme("reducing-reoffending")
    assert (theme.descriptor.value, theme.stars) == (descriptor, stars)


def test_fji_theme_percent_from_counts():
    data = fji_data()
    data["themes"][0]["score"] = {"yes": 129, "of": 200}  # 64.5 -> 65
    result, _ = run(data)
    theme = result.theme("reducing-reoffending")
    assert (theme.percent, theme.descriptor.value) == (65, "Good")


def test_fji_data_chart_counts_more_done_well_than_relevant_are_refused():
    data = fji_data()
    data["themes"][2]["data_chart"] = [{"question": "Plans good enough", "yes": 3, "of": 4},
                                       {"question": "Reviews good enough", "yes": 5, "of": 4}]
    _result, problems = run(data)
    [problem] = problems
    assert problem.code == "yes-over-of" and tuple(problem.loc) == ("themes", 2, "data_chart", 1, "yes")


def test_fji_moderation_moves_the_descriptor_and_is_recorded():
    data = fji_data()
    data["themes"][1]["moderation"] = {"to": "Poor", "reason": "Serious shortfalls in risk of harm work."}
    result, problems = run(data)
    assert problems == []
    theme = result.theme("protecting-the-public")
    assert (theme.computed.value, theme.descriptor.value, theme.stars) == ("Unsatisfactory", "Poor", 1)
    assert theme.moderation_reason == "Serious shortfalls in risk of harm work."


def test_fji_typed_descriptor_must_agree_and_governance_needs_one():
    data = fji_data()
    data["themes"][3]["descriptor"] = "Good"
    del data["themes"][4]["descriptor"]
    result, problems = run(data)
    assert only_problem(problems, "descriptor-contradicts-data").loc == ("themes", 3, "descriptor")
    assert only_problem(problems, "descriptor-missing").loc == ("themes", 4)
    assert result.overall is None and result.score is None


def test_fji_unknown_theme():
    data = fji_data()
    data["themes"].append({"id": "court-work", "score": {"percent": 70}})
    _, problems = run(data)
    assert only_problem(problems, "unknown-theme").loc == ("themes", 5, "id")


# --------------------------------------------------------------------------- JSON document


def test_result_to_json_shape():
    data = standards_data(of=40, yes=40, sample=40)
    set_kq(data, "2.2", 0, yes=24, of=40)
    with_discretion(data, "2.2", G, "Close to the boundary.")
    document = result_to_json("testshire-2024", run(data)[0])
    assert set(document) == {"slug", "framework", "rules_version", "rules_sha256", "overall", "score", "max_score",
                             "standards", "themes", "assumptions", "overall_before_limits", "limits_applied"}
    assert (document["slug"], document["framework"]) == ("testshire-2024", "standards-2021")
    rules = RULES["standards-2021"]
    assert (document["rules_version"], document["rules_sha256"]) == (rules.version, rules.sha256)
    assert len(rules.sha256) == 64
    standard = next(s for s in document["standards"] if s["id"] == "2.2")
    assert set(standard) == {"id", "name", "domain", "rating", "points", "counts_to_score", "computed", "discretion",
                             "not_rated_reason", "key_questions"}
    assert (standard["domain"], standard["counts_to_score"], standard["not_rated_reason"]) == ("2", True, None)
    assert standard["discretion"] == {"from": RI, "to": G, "reason": "Close to the boundary.",
                                      "triggers": ["boundary"]}  # 25/40 would still round to 63
    assert standard["key_questions"][0] == {
        "id": "2.2.1", "text": "Does planning focus sufficiently on supporting the child's desistance?",
        "yes": 24, "of": 40, "percent": 60, "band": RI, "lowest": True, "prompts": []}
    assert isinstance(standard["key_questions"][0]["percent"], int)
    assert next(s for s in document["standards"] if s["id"] == "2.1")["discretion"] is None
    themes = result_to_json("powys", run(fji_data())[0])["themes"]
    assert set(themes[0]) == {"id", "name", "percent", "descriptor", "stars"}


# --------------------------------------------------------------------------- properties


def reference_overall(score: int, max_score: int, rules) -> str:
    """The overall band read straight off the rules file: each band's top scaled to the maximum."""
    bands = rules.overall.bands  # highest first
    for lower, upper_band in zip(reversed(bands), list(reversed(bands))[1:] + [None]):
        top = rules.overall.max if upper_band is None else upper_band.min - 1
        if Fraction(score) <= Fraction(top * max_score, rules.overall.max):
            return lower.rating.value
    return bands[0].rating.value


CASE_BASED_2018 = [
    (s.id, len(s.key_questions))
    for d in RULES["standards-2018"].domains for s in d.standards if s.method == "case-based"
]
QUALITATIVE_2018 = [s.id for d in RULES["standards-2018"].domains for s in d.standards if s.method == "qualitative"]


@st.composite
def generated_inspection(draw):
    data = standards_data("standards-2018", sample=30)
    for standard_id, count in CASE_BASED_2018:
        for index in range(count):
            of = draw(st.integers(min_value=1, max_value=30))
            set_kq(data, standard_id, index, yes=draw(st.integers(min_value=0, max_value=of)), of=of)
    for standard_id in QUALITATIVE_2018:
        source_standard(data, standard_id)["rating"] = draw(st.sampled_from([I, RI, G, O, NR]))
    if draw(st.booleans()):
        data["domains"][1]["not_rated_reason"] = "Too few cases."
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=generated_inspection(), pick=st.integers(min_value=0), step=st.integers(min_value=1, max_value=5))
def test_raising_a_yes_never_lowers_a_rating_or_the_score(data, pick, step):
    before, problems = run(data)
    assert problems == []
    questions = [(s, i) for s, n in CASE_BASED_2018 for i in range(n)]
    standard_id, index = questions[pick % len(questions)]
    question = source_standard(data, standard_id)["key_questions"][index]
    question["yes"] = min(question["of"], question["yes"] + step)
    after, _ = run(data)
    for old, new in zip(before.standards, after.standards, strict=True):
        assert old.id == new.id
        if old.rating.value != NR:
            assert RATING_SCALE.index(new.rating) >= RATING_SCALE.index(old.rating)
    assert (after.score or 0) >= (before.score or 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=generated_inspection())
def test_score_within_maximum_and_overall_follows_the_rules_bands(data):
    result, _ = run(data)
    rules = RULES["standards-2018"]
    if result.max_score is None:
        assert result.overall is None
        return
    assert 0 <= result.score <= result.max_score
    rated = [s for s in result.standards if s.points is not None and s.counts_to_score]
    assert result.max_score == 3 * len(rated)
    assert result.score == sum(s.points for s in rated)
    assert result.overall.value == reference_overall(result.score, result.max_score, rules)


# --------------------------------------------------------------------------- locations point into the YAML


def test_problem_locations_are_paths_in_the_yaml_source(tmp_path):
    from compiler.sources.diagnostics import Diagnostics
    from compiler.sources.yaml_source import load_yaml

    text = """framework: standards-2018
meta: {service: S, area: A, published: '2020-01', fieldwork: {start: '2019-10-01'}}
domains:
  - id: '1'
    standards:
      - {id: '1.1', rating: Good}
      - {id: '1.2', rating: Good}
      - {id: '1.3', rating: Good}
      - {id: '1.4', rating: Good}
  - id: '2'
    sample: {cases: 10}
    standards:
""" + "".join(
        f"""      - id: '2.{n}'
        key_questions:
          - {{id: 2.{n}.1, yes: 9, of: 10}}
          - {{id: 2.{n}.2, yes: 9, of: 10}}
          - id: 2.{n}.3
            yes: {11 if n == 3 else 9}
            of: 10
""" for n in range(1, 5)) + """  - id: '3'
    sample: {cases: 10}
    standards:
""" + "".join(
        f"""      - id: '3.{n}'
        key_questions:
""" + "".join(f"          - {{id: 3.{n}.{k}, yes: 9, of: 10}}\n" for k in range(1, 4 if n < 4 else 3))
        for n in range(1, 5))
    path = tmp_path / "inspection.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_yaml(path, Diagnostics())
    _, problems = rate(Inspection.model_validate(source.data), RULES["standards-2018"])
    problem = only_problem(problems, "yes-over-of")
    assert problem.loc in source.positions
    assert source.span(problem.loc).line == text.splitlines().index("            yes: 11") + 1


def test_template_zero_counts_warn_but_do_not_fail():
    data = standards_data(framework="standards-2024", yes=0, of=0, sample=0)
    result, problems = run(data)
    warned = [p for p in problems if p.code == "domain-too-small"]
    assert [p.loc for p in warned] == [("domains", 1, "sample", "cases"), ("domains", 2, "sample", "cases")]
    assert all(p.severity == "warning" for p in problems)
    assert all(s.rating == NR for s in result.standards if s.method == "case-based")


def test_no_relevant_cases_warns_and_leaves_the_question_unrated():
    data = standards_data()
    set_kq(data, "2.1", 1, yes=0, of=0)
    result, problems = run(data)
    problem = only_problem(problems, "no-relevant-cases")
    assert (problem.loc, problem.severity) == (("domains", 1, "standards", 0, "key_questions", 1, "of"), "warning")
    assert next(s for s in result.standards if s.id == "2.1").key_questions[1].percent is None


def test_more_relevant_cases_than_the_domain_sample_warns():
    data = standards_data(sample=12)
    set_kq(data, "3.3", 0, yes=5, of=13)
    _, problems = run(data)
    problem = only_problem(problems, "of-over-sample")
    assert (problem.loc, problem.severity) == (("domains", 2, "standards", 2, "key_questions", 0, "of"), "warning")
    assert "13" in problem.message and "12" in problem.message


@pytest.mark.parametrize("how", ["domain reason", "domain too small", "standard reason"])
def test_discretion_on_a_standard_that_is_not_rated_is_an_error(how):
    data = standards_data(of=4, yes=4, sample=10)
    if how == "domain reason":
        data["domains"][1]["not_rated_reason"] = "Not inspected."
    elif how == "domain too small":
        data["domains"][1]["sample"] = {"cases": 4}
        data["domains"][1]["not_rated_reason"] = "Four cases only."
    else:
        source_standard(data, "2.2")["not_rated_reason"] = "No relevant cases."
    with_discretion(data, "2.2", O)
    result, problems = run(data)
    problem = only_problem(problems, "discretion-not-allowed")
    assert problem.loc == ("domains", 1, "standards", 1, "discretion") and problem.severity == "error"
    assert result.standard("2.2").rating.value == NR


def test_figures_on_a_qualitative_standard_warn_that_they_are_unused():
    data = standards_data()
    source_standard(data, "1.1")["key_questions"] = [{"id": "1.1.1", "yes": 0, "of": 10}]
    result, problems = run(data)
    problem = only_problem(problems, "counts-on-qualitative")
    assert (problem.loc, problem.severity) == (("domains", 0, "standards", 0, "key_questions", 0), "warning")
    assert result.standard("1.1").rating.value == G


def test_prompt_percentages_are_rounded_as_key_questions_are():
    data = standards_data()
    question = source_standard(data, "2.1")["key_questions"][0]
    question["prompts"] = [{"id": "a", "yes": 1, "of": 8}, {"id": "b", "yes": 2, "of": 3}, {"id": "c", "percent": 88.9},
                           {"id": "d"}]
    result, problems = run(data)
    assert problems == []
    prompts = result.standard("2.1").key_questions[0].prompts
    assert [(p.id, p.percent) for p in prompts] == [("a", 13.0), ("b", 67.0), ("c", 89.0), ("d", None)]  # 12.5 -> 13
    unrounded = RULES["standards-2021"].model_copy(update={"percent_rounding": "none"})
    result, _ = rate(Inspection.model_validate(data), unrounded)
    assert [p.percent for p in result.standard("2.1").key_questions[0].prompts][:3] == [12.5, pytest.approx(66.667, abs=1e-3), 88.9]


def test_overall_bands_agree_with_overall_for_on_any_maximum():
    from compiler.rating.bands import overall_bands

    rules = RULES["standards-2024"]
    as_tuples = lambda bands: [(b.low, b.high, b.rating) for b in bands]  # noqa: E731
    assert as_tuples(overall_bands(36, rules)) == [(0, 6, Rating.INADEQUATE), (7, 18, Rating.REQUIRES_IMPROVEMENT),
                                                   (19, 30, Rating.GOOD), (31, 36, Rating.OUTSTANDING)]
    for maximum in (3, 12, 24, 27, 33):
        bands = as_tuples(overall_bands(maximum, rules))
        assert bands[0][0] == 0 and bands[-1][1] == maximum
        for low, high, rating in bands:
            assert all(overall_for(score, maximum, rules) == rating for score in range(low, high + 1))
    result, _ = run(standards_data("standards-2024"))
    assert result.overall_bands == overall_bands(result.max_score, rules)


def test_standard_rating_agrees_with_its_key_question_bands_when_banding_exact_figures():
    exact = RULES["standards-2021"].model_copy(update={"band_on": "exact"})
    data = standards_data()
    set_kq(data, "2.1", 0, percent=64.6)  # published without counts: rounds to 65 but bands as 64.6
    set_kq(data, "2.1", 1, yes=7, of=10)
    result, problems = rate(Inspection.model_validate(data), exact)
    assert problems == []
    standard = result.standard("2.1")
    assert [q.band.value for q in standard.key_questions[:2]] == [RI, G]
    assert standard.computed.value == RI and standard.key_questions[0].lowest


def test_discretion_counts_only_the_boundary_the_move_crosses():
    data = standards_data(of=100, yes=100, sample=100)
    set_kq(data, "2.2", 0, yes=60, of=100)  # 60%: 5 points below Good, 10 above Inadequate
    with_discretion(data, "2.2", I)
    _, problems = run(data)
    problem = only_problem(problems, "discretion-not-allowed")
    assert "between Requires improvement and Inadequate" in problem.message
    with_discretion(data, "2.2", G)
    result, problems = run(data)
    assert problems == [] and result.standard("2.2").discretion.triggers == ["boundary"]


def test_a_small_domain_warns_until_every_case_based_standard_says_why():
    data = standards_data("standards-2024")
    data["domains"][2]["sample"] = {"cases": 3}
    source_standard(data, "3.1")["not_rated_reason"] = "Three cases only."
    assert codes(run(data)[1]) == ["domain-too-small"]
    for n in (2, 3):
        source_standard(data, f"3.{n}")["not_rated_reason"] = "Three cases only."
    assert run(data)[1] == []
