"""Rules files: every framework version loads, holds the published rules and wording, and a broken
rules file is refused with positioned diagnostics."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.sources.diagnostics import CompileError, Diagnostics
from compiler.rating.ruleset import RULES_DIR, framework_ids, list_frameworks, load_ruleset
from helpers import line_of

FRAMEWORKS = ["fji-2013", "standards-2018", "standards-2021", "standards-2021-joint-working", "standards-2024"]


def test_the_five_framework_versions_are_listed():
    assert framework_ids() == FRAMEWORKS
    assert [r.id for r in list_frameworks()] == FRAMEWORKS


@pytest.mark.parametrize("framework", FRAMEWORKS[1:])
def test_standards_rules_hold_the_published_bands_points_and_overall(framework):
    rules = load_ruleset(framework)
    assert [(b.min, b.rating.value, b.label) for b in rules.bands] == [
        (80, "Outstanding", "Large majority"),
        (65, "Good", "Reasonable majority"),
        (50, "Requires improvement", "Too few"),
        (0, "Inadequate", "Minority"),
    ]
    assert {k.value: v for k, v in rules.points.items()} == {
        "Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
    assert rules.overall.max == 36
    assert [(b.min, b.rating.value) for b in rules.overall.bands] == [
        (31, "Outstanding"), (19, "Good"), (7, "Requires improvement"), (0, "Inadequate")]
    assert rules.overall.assumption is not None and rules.overall.assumption.text
    assert rules.min_cases.value == 5 and rules.min_cases.assumption.text
    assert (rules.discretion.boundary_margin, rules.discretion.small_sample, rules.discretion.max_bands) == (5, 5, 1)
    core = [s.id for d in rules.domains if d.counts_to_score for s in d.standards]
    assert core == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"]


@pytest.mark.parametrize(
    "framework, name_3_4, method_3_4, kqs_3_4, has_4_1, limited, listed_unrated",
    [
        ("standards-2018", "Joint working", "case-based", 2, False, False, False),
        ("standards-2021", "Out-of-court disposal policy and provision", "qualitative", 3, True, True, False),
        ("standards-2021-joint-working", "Joint working", "case-based", 2, True, True, False),
        ("standards-2024", "Out-of-court disposal policy and provision", "qualitative", 3, True, True, True),
    ],
)
def test_what_distinguishes_the_versions(framework, name_3_4, method_3_4, kqs_3_4, has_4_1, limited, listed_unrated):
    rules = load_ruleset(framework)
    standard = rules.standard("3.4")
    assert (standard.name, standard.method, len(standard.key_questions)) == (name_3_4, method_3_4, kqs_3_4)
    assert (rules.standard("4.1") is not None) == has_4_1
    if has_4_1:
        resettlement = rules.domain_of("4.1")
        assert resettlement.counts_to_score is False and resettlement.optional is True
        assert rules.standard("4.1").method == "qualitative"
    limits = [(j.standard, j.when.value, j.blocks.value, j.cap.value) for j in rules.limiting_judgements]
    assert limits == ([("4.1", "Inadequate", "Outstanding", "Good")] if limited else [])
    assert rules.show_unrated_in_table is listed_unrated


@pytest.mark.parametrize(
    "framework, counts",
    [
        # prompts per key question where the versions differ (framework-rules section 2)
        ("standards-2018", {"2.1.1": 7, "2.2.1": 6, "2.3.1": 7, "2.4.1": 4, "2.4.3": 4, "3.1.1": 7, "3.2.1": 7,
                            "3.3.1": 5, "3.3.3": 2, "3.4.1": 6, "3.4.2": 2}),
        ("standards-2021", {"2.1.1": 9, "2.2.1": 7, "2.3.1": 8, "2.4.1": 7, "2.4.3": 3, "3.1.1": 9, "3.2.1": 8,
                            "3.3.1": 6, "3.3.3": 2, "3.1.2": 2, "3.2.2": 3}),
    ],
)
def test_prompt_counts_per_version(framework, counts):
    rules = load_ruleset(framework)
    questions = {q.id: q for d in rules.domains for s in d.standards for q in s.key_questions}
    assert {qid: len(questions[qid].prompts) for qid in counts} == counts
    for question in questions.values():
        assert [p.id for p in question.prompts] == [chr(ord("a") + i) for i in range(len(question.prompts))]


def test_framework_wording_differs_where_the_versions_do():
    older, newer = load_ruleset("standards-2018"), load_ruleset("standards-2021")
    assert older.standard("1.1").key_questions[0].text.startswith("Is there a clear local vision")
    assert newer.standard("1.1").key_questions[0].text.startswith("Is there an effective local vision")
    assert len(older.standard("1.2").key_questions) == 4
    assert newer.standard("1.2").key_questions[4].text == "Do managers pay sufficient attention to staff engagement?"
    assert "holistic" in newer.standard("2.2").statement and "analytical" in newer.standard("3.2").statement


# The published standard statements of each generation (framework-rules section 2.6), verbatim.
STATEMENTS_2018 = {
    "1.1": "The governance and leadership of the YOT supports and promotes the delivery of a high-quality, "
           "personalised and responsive service for all children and young people.",
    "1.4": "Timely and relevant information is available and appropriate facilities are in place to support a "
           "high-quality, personalised and responsive approach for all children and young people.",
    "2.1": "Assessment is well-informed, analytical and personalised, actively involving the child or young person "
           "and their parents/carers.",
    "3.2": "Planning is well-informed, holistic and personalised, actively involving the child or young person and "
           "their parents/carers.",
    "2.3": "High-quality, well-focused, personalised and coordinated services are delivered, engaging and assisting "
           "the child or young person.",
}
STATEMENTS_CHILDREN = {
    "1.1": "The governance and leadership of the YOT supports and promotes the delivery of a high-quality, "
           "personalised and responsive service for all children.",
    "2.4": "Reviewing of progress is well-informed, analytical and personalised, actively involving the child and "
           "their parents and carers.",
    "3.2": "Planning is well-informed, analytical and personalised, actively involving the child and their parents "
           "and carers.",
    "3.4": "Joint working with the police supports the delivery of high-quality, personalised and coordinated "
           "services.",
}
STATEMENTS_2024 = {
    "1.2": "Staff within the YJS are empowered to deliver a high-quality, personalised and responsive service for "
           "all children.",
    "3.1": "Assessment is well-informed, analytical and personalised, actively involving the child and their parents "
           "or carers.",
    "4.1": "There is a high-quality, evidence-based resettlement service for children leaving custody.",
}


@pytest.mark.parametrize("framework, wording, statements", [
    ("standards-2018", None, STATEMENTS_2018),
    ("standards-2018", "children", STATEMENTS_CHILDREN),
    ("standards-2024", None, STATEMENTS_2024),
])
def test_each_generation_prints_its_own_statements(framework, wording, statements):
    rules = load_ruleset(framework)
    if wording:
        rules = rules.in_wording(wording)
    assert {sid: rules.standard(sid).statement for sid in statements} == statements


def test_a_printing_rewords_only_what_it_lists():
    first = load_ruleset("standards-2018")
    children = first.in_wording("children")
    questions = {q.id: q for d in first.domains for s in d.standards for q in s.key_questions}
    reworded = {q.id: q for d in children.domains for s in d.standards for q in s.key_questions}
    assert questions["2.1.1"].text == "Does assessment sufficiently analyse how to support the child or young person's desistance?"
    assert reworded["2.1.1"].text == "Does assessment sufficiently analyse how to support the child's desistance?"
    assert reworded["1.2.3"] == questions["1.2.3"] and reworded["2.1.1"].prompts == questions["2.1.1"].prompts
    assert children.bands == first.bands and children.points == first.points


def test_a_printing_of_an_unknown_standard_is_refused(tmp_path):
    path = broken(tmp_path, "  statements:\n    '1.1':", "  statements:\n    '1.9':", "standards-2018")
    errors = refused(path)
    assert any("edition 'children' rewords unknown standard '1.9'" in e.message for e in errors)


@pytest.mark.parametrize("framework", FRAMEWORKS[1:])
def test_every_key_question_and_prompt_is_a_question(framework):
    rules = load_ruleset(framework)
    for domain in rules.domains:
        for standard in domain.standards:
            for question in standard.key_questions:
                assert question.text.endswith("?"), question.id
                assert question.id.startswith(standard.id + ".")
                assert all(p.text.endswith("?") and "…" not in p.text for p in question.prompts), question.id


def test_fji_rules():
    rules = load_ruleset("fji-2013")
    assert rules.family == "themes" and rules.overall is None
    assert [(t.id, t.scored) for t in rules.themes] == [
        ("reducing-reoffending", True), ("protecting-the-public", True), ("protecting-children", True),
        ("sentence-served", True), ("governance", False)]
    assert [(b.min, b.descriptor.value, b.stars) for b in rules.theme_bands] == [
        (80, "Very good", 4), (65, "Good", 3), (50, "Unsatisfactory", 2), (0, "Poor", 1)]
    assert rules.star_slots == 5  # the published table: Good is three stars of five places


def test_fewer_star_places_than_stars_are_refused(tmp_path):
    path = broken(tmp_path, "star_slots: 5", "star_slots: 3", "fji-2013")
    errors = refused(path)
    assert any("star_slots is 3, fewer than the 4 stars" in e.message and e.span.line == line_of(path, "star_slots: 3")
               for e in errors)


# --------------------------------------------------------------------------- refusing broken rules files


def broken(tmp_path: Path, old: str, new: str, source: str = "standards-2021") -> Path:
    text = (RULES_DIR / f"{source}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def refused(path: Path) -> list:
    diagnostics = Diagnostics()
    with pytest.raises(CompileError):
        load_ruleset(path, diagnostics)
    assert diagnostics.errors
    return diagnostics.errors


def test_a_rules_file_given_by_path_loads():
    rules = load_ruleset(RULES_DIR / "standards-2018.yaml")
    assert rules.id == "standards-2018"


def test_unknown_framework_id():
    with pytest.raises(CompileError) as caught:
        load_ruleset("standards-1999")
    assert "unknown framework 'standards-1999'" in str(caught.value)
    assert "standards-2024" in str(caught.value)


def test_unknown_format_version_is_refused_at_its_line(tmp_path):
    path = broken(tmp_path, "format: 1", "format: 2")
    [error] = refused(path)
    assert error.code == "rules-format"
    assert "format 2 is not supported" in error.message
    assert (error.span.path, error.span.line) == (str(path), line_of(path, "format: 2"))


@pytest.mark.parametrize("value", ["true", "1.0"])
def test_format_must_be_the_whole_number_1(tmp_path, value):
    path = broken(tmp_path, "format: 1", f"format: {value}")
    [error] = refused(path)
    assert error.code == "rules-format" and error.span.line == line_of(path, f"format: {value}")


@pytest.mark.parametrize(("old", "new"), [
    ("- min: 80\n", "- min: .inf\n"),
    ("- min: 80\n", "- min: 150\n"),
    ("  Good: 2\n", "  Good: -2\n"),
    ("  max: 36\n", "  max: 0\n"),
    ("  small_sample: 5\n", "  small_sample: -1\n"),
    ("  boundary_margin: 5\n", "  boundary_margin: .nan\n"),
    ("  value: 5\n", "  value: -5\n"),
    ("  bands:\n  - min: 31\n    rating: Outstanding\n  - min: 19\n    rating: Good\n  - min: 7\n"
     "    rating: Requires improvement\n  - min: 0\n    rating: Inadequate\n", "  bands: []\n"),
], ids=["band-infinite", "band-over-100", "negative-points", "overall-max-0", "negative-sample", "nan-margin",
        "negative-min-cases", "no-overall-bands"])
def test_values_out_of_range_are_refused_at_their_line(tmp_path, old, new):
    path = broken(tmp_path, old, new)
    errors = refused(path)
    assert errors[0].code == "rules-schema"
    assert errors[0].span.line == line_of(path, new.strip())


def test_schema_error_is_positioned(tmp_path):
    path = broken(tmp_path, "  rating: Good\n  label: Reasonable majority", "  rating: Great\n  label: Reasonable majority")
    errors = refused(path)
    assert errors[0].code == "rules-schema"
    assert errors[0].span.line == line_of(path, "rating: Great")


def test_duplicate_standard_id_is_refused(tmp_path):
    path = broken(tmp_path, "  - id: '1.2'\n", "  - id: '1.1'\n")
    errors = refused(path)
    assert any(e.code == "rules-inconsistent" and "'1.1' is used twice" in e.message for e in errors)


def test_bands_must_descend(tmp_path):
    path = broken(tmp_path, "- min: 65\n", "- min: 85\n")
    errors = refused(path)
    assert any("highest minimum down" in e.message for e in errors)


def test_key_question_numbered_outside_its_standard_is_refused(tmp_path):
    path = broken(tmp_path, "    - id: 1.1.2\n", "    - id: 1.2.9\n")
    errors = refused(path)
    assert any("not numbered within standard '1.1'" in e.message and e.span.line == line_of(path, "id: 1.2.9")
               for e in errors)


def test_limiting_judgement_on_an_unknown_standard_is_refused(tmp_path):
    path = broken(tmp_path, "- standard: '4.1'", "- standard: '4.2'")
    errors = refused(path)
    assert any("unknown standard '4.2'" in e.message for e in errors)


# --------------------------------------------------------------------------- loading once


def test_each_load_returns_its_own_rules_whatever_an_earlier_caller_changed():
    first = load_ruleset("standards-2021")
    first.domains.clear()
    first.points.clear()
    again = load_ruleset("standards-2021")
    assert again is not first
    assert [d.id for d in again.domains] == ["1", "2", "3", "4"]
    assert again.points


def test_an_edited_rules_file_is_read_afresh(tmp_path):
    path = broken(tmp_path, "name: Youth justice standards", "name: First wording")
    assert load_ruleset(path).name.startswith("First wording")
    broken(tmp_path, "name: Youth justice standards", "name: Second wording")  # same path, new text
    assert load_ruleset(path).name.startswith("Second wording")
    broken(tmp_path, "format: 1", "format: 2")
    assert refused(path)[0].code == "rules-format"
    assert [e.code for e in refused(path)] == ["rules-format"]  # the same diagnostics when loaded again


@pytest.mark.parametrize("source, assumption", [("standards-2021", "rounding"), ("standards-2021", "limiting-judgement"),
                                                ("fji-2013", "stars")])
def test_an_assumption_the_scorer_states_must_be_in_the_rules_file(tmp_path, source, assumption):
    path = broken(tmp_path, f"- id: {assumption}\n", "- id: something-else\n", source)
    assert any(f"assumption '{assumption}' is missing" in e.message for e in refused(path))


# --------------------------------------------------------------------------- versions and fingerprints


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_rules_file_has_a_version_and_its_fingerprint_is_the_files_sha256(framework):
    import hashlib

    rules = load_ruleset(framework)
    assert rules.version == "1.0"
    assert rules.sha256 == hashlib.sha256((RULES_DIR / f"{framework}.yaml").read_bytes()).hexdigest()
    assert load_ruleset(framework).model_copy(deep=True).sha256 == rules.sha256


def test_an_edited_rules_file_has_another_fingerprint(tmp_path):
    path = broken(tmp_path, "- min: 80\n", "- min: 90\n")
    assert load_ruleset(path).sha256 != load_ruleset("standards-2021").sha256


def test_a_rules_file_without_a_version_is_refused(tmp_path):
    path = broken(tmp_path, "version: '1.0'\n", "")
    [error] = refused(path)
    assert error.message == "missing required key 'version'"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  Good: 2\n", "  Good: two\n", "expected a whole number (got 'two')"),
    ("version: '1.0'", "version: one", "invalid version 'one'"),
    ("version: '1.0'", "version: 1.0", "expected text (got 1.0)"),
    ("  rating: Good\n  label: Reasonable", "  rating: Great\n  label: Reasonable",
     "expected one of 'Outstanding', 'Good', 'Requires improvement', 'Inadequate' or 'Not rated' (got 'Great')"),
    ("percent_rounding: half-up", "percent_rounding: halfup", "expected one of 'half-up' or 'none' (got 'halfup')"),
    ("- min: 80\n", "- min: 150\n", "min must be at most 100 (got 150)"),
], ids=["points-not-a-number", "version-pattern", "version-unquoted", "rating-misspelt", "literal", "bound"])
def test_rules_file_errors_are_in_the_projects_words(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    errors = refused(path)
    assert errors[0].message.startswith(message), errors[0].message
    assert "Input should" not in errors[0].message
    assert errors[0].span.line == line_of(path, new.strip().splitlines()[0])


def test_an_unknown_key_in_a_rules_file_names_the_allowed_ones(tmp_path):
    path = broken(tmp_path, "band_on: rounded", "band_onn: rounded")
    [error] = refused(path)
    assert error.message == "unknown key 'band_onn'"
    assert "did you mean 'band_on'?" in error.hints and error.span.line == line_of(path, "band_onn")
