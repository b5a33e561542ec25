"""The five seed inspections rate exactly as their published reports: every standard, score, maximum,
overall rating, discretion decision and FJI theme figure below is the published one."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.rating.ruleset import load_ruleset
from compiler.rating.ratings_json import result_to_json
from compiler.rating.scoring import rate
from compiler.sources.validate import load_inspection

INSPECTIONS = Path(__file__).resolve().parent.parent / "inspections"

I, RI, G, O, NR = "Inadequate", "Requires improvement", "Good", "Outstanding", "Not rated"

# Published ratings tables (standard id -> rating), scores, maxima and overall ratings.
PUBLISHED = {
    "western-bay-2019": {
        "framework": "standards-2018",
        "ratings": {
            "1.1": I, "1.2": I, "1.3": I, "1.4": I,
            "2.1": I, "2.2": I, "2.3": I, "2.4": I,
            "3.1": G, "3.2": RI, "3.3": I, "3.4": O,
        },
        "score": 6, "max_score": 36, "overall": I,
    },
    "merton-2021": {
        "framework": "standards-2018",
        "ratings": {
            "1.1": G, "1.2": G, "1.3": O, "1.4": RI,
            "2.1": O, "2.2": O, "2.3": O, "2.4": O,
            "3.1": O, "3.2": G, "3.3": G, "3.4": O,
        },
        "score": 30, "max_score": 36, "overall": G,
    },
    "blaenau-gwent-caerphilly-2022": {
        "framework": "standards-2021",
        "ratings": {
            "1.1": G, "1.2": G, "1.3": G, "1.4": O,
            "2.1": O, "2.2": G, "2.3": RI, "2.4": O,
            "3.1": O, "3.2": O, "3.3": O, "3.4": RI,
        },
        "score": 28, "max_score": 36, "overall": G,
    },
    "ceredigion-2024": {
        "framework": "standards-2024",
        "ratings": {
            "1.1": I, "1.2": RI, "1.3": I, "1.4": I,
            "2.1": NR, "2.2": NR, "2.3": NR, "2.4": NR,
            "3.1": I, "3.2": I, "3.3": I, "3.4": I,
            "4.1": NR,
        },
        "score": 1, "max_score": 24, "overall": I,
    },
}

# Published key-question percentages (as printed: whole numbers) for the case-based standards.
PUBLISHED_KQ_PERCENT = {
    "western-bay-2019": {
        "2.1": [65, 42, 37], "2.2": [74, 41, 25], "2.3": [55, 41, 38], "2.4": [52, 29, 32],
        "3.1": [85, 65, 80], "3.2": [89, 64, 71], "3.3": [81, 50, 67], "3.4": [95, 80],
    },
    "blaenau-gwent-caerphilly-2022": {
        "2.1": [100, 100, 100], "2.2": [60, 80, 80], "2.3": [40, 80, 60], "2.4": [80, 100, 80],
        "3.1": [100, 100, 90], "3.2": [100, 100, 90], "3.3": [100, 100, 90],
    },
    "ceredigion-2024": {"3.1": [11, 0, 0], "3.2": [33, 0, 0], "3.3": [44, 11, 11]},
}

# The three published professional-discretion decisions: (from, to).
DISCRETION = {
    ("blaenau-gwent-caerphilly-2022", "2.2"): (RI, G),
    ("blaenau-gwent-caerphilly-2022", "2.3"): (I, RI),
    ("western-bay-2019", "3.3"): (RI, I),
}


def _rated(slug: str):
    inspection, diagnostics, _ = load_inspection(INSPECTIONS / slug)
    assert inspection is not None, "\n".join(d.format() for d in diagnostics)
    result, problems = rate(inspection, load_ruleset(inspection.framework))
    return inspection, result, problems


@pytest.fixture(scope="module", params=sorted(PUBLISHED) + ["powys-2013"])
def seed(request):
    slug = request.param
    if not (INSPECTIONS / slug / "inspection.yaml").exists():
        pytest.fail(f"seed inspection {slug} is missing")
    return (slug, *_rated(slug))


def test_seed_rates_without_problems(seed):
    slug, _, _, problems = seed
    assert [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("slug", sorted(PUBLISHED))
def test_published_standard_ratings_score_and_overall(slug):
    inspection, result, _ = _rated(slug)
    expected = PUBLISHED[slug]
    document = result_to_json(slug, result)
    assert inspection.framework == expected["framework"]
    assert {s["id"]: s["rating"] for s in document["standards"]} == expected["ratings"]
    assert document["score"] == expected["score"]
    assert document["max_score"] == expected["max_score"]
    assert document["overall"] == expected["overall"]


@pytest.mark.parametrize("slug", sorted(PUBLISHED_KQ_PERCENT))
def test_published_key_question_percentages(slug):
    _, result, _ = _rated(slug)
    for standard_id, percents in PUBLISHED_KQ_PERCENT[slug].items():
        assert [q.percent for q in result.standard(standard_id).key_questions] == percents, standard_id


@pytest.mark.parametrize("slug", sorted(PUBLISHED))
def test_discretion_decisions_are_exactly_the_published_ones(slug):
    _, result, _ = _rated(slug)
    decisions = {
        (slug, s.id): (s.discretion.from_.value, s.discretion.to.value) for s in result.standards if s.discretion
    }
    expected = {key: value for key, value in DISCRETION.items() if key[0] == slug}
    assert decisions == expected


def test_western_bay_discretion_changes_the_overall():
    """Without the downward discretion on 3.3 the score would be 7, which is Requires improvement."""
    inspection, result, _ = _rated("western-bay-2019")
    standard = result.standard("3.3")
    assert standard.computed.value == RI and standard.rating.value == I
    assert (result.score, result.overall.value) == (6, I)
    # The same data with the discretion taken out.
    domains = [d.model_copy(update={"standards": [
        s.model_copy(update={"discretion": None, "rating": None}) if s.id == "3.3" else s for s in d.standards]})
        for d in inspection.domains]
    undone, problems = rate(inspection.model_copy(update={"domains": domains}), load_ruleset(inspection.framework))
    assert [p for p in problems if p.severity == "error"] == []
    assert (undone.standard("3.3").rating.value, undone.score, undone.overall.value) == (RI, 7, RI)


def test_blaenau_gwent_caerphilly_score_uses_the_ratings_after_discretion():
    """The published 28 is reached only with 2.2 Good and 2.3 Requires improvement; the raw ratings give 26."""
    _, result, _ = _rated("blaenau-gwent-caerphilly-2022")
    points = {I: 0, RI: 1, G: 2, O: 3}
    raw = sum(points[(s.computed or s.rating).value] for s in result.standards if s.counts_to_score)
    assert (result.score, raw) == (28, 26)


def test_blaenau_gwent_caerphilly_has_no_resettlement_row():
    _, result, _ = _rated("blaenau-gwent-caerphilly-2022")
    assert result.standard("4.1") is None


def test_ceredigion_score_is_over_the_rated_standards_only():
    _, result, _ = _rated("ceredigion-2024")
    rated = [s for s in result.standards if s.rating.value != NR and s.counts_to_score]
    assert len(rated) == 8
    assert result.standard("4.1").counts_to_score is False


def test_powys_themes():
    _, result, _ = _rated("powys-2013")
    document = result_to_json("powys-2013", result)
    themes = {t["id"]: t for t in document["themes"]}
    assert [themes[t]["percent"] for t in ("reducing-reoffending", "protecting-the-public",
                                           "protecting-children", "sentence-served")] == [73, 59, 53, 83]
    assert [themes[t]["descriptor"] for t in ("reducing-reoffending", "protecting-the-public",
                                              "protecting-children", "sentence-served")] == [
        "Good", "Unsatisfactory", "Unsatisfactory", "Very good"]
    assert [themes[t]["stars"] for t in ("reducing-reoffending", "protecting-the-public",
                                         "protecting-children", "sentence-served")] == [3, 2, 2, 4]
    assert themes["governance"]["descriptor"] == "Unsatisfactory"
    assert themes["governance"]["percent"] is None
    assert document["overall"] is None and document["score"] is None and document["max_score"] is None
