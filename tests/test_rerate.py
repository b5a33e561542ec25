"""`inspection rerate` and `rate --rules` across rules: what moves under edited or other rules, typed ratings
and discretion decisions as a record, standards matched by id across generations, themes against standards."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.rating.ruleset import RULES_DIR
from helpers import EXAMPLE_SLUGS, examples_checkout, line_of, minimal_copy

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inspections"
BGC = EXAMPLES / "blaenau-gwent-caerphilly-2022"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("INSPECTION_DEBUG", raising=False)

    def invoke(*args, cwd: Path = ROOT):
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def edited_rules(tmp_path: Path, old: str, new: str, framework: str = "standards-2021", name: str = "") -> Path:
    text = (RULES_DIR / f"{framework}.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / (name or f"{framework}-edited.yaml")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def raised_outstanding(tmp_path: Path) -> Path:
    """The 2021 rules with the Outstanding band raised from 80 % to 90 %."""
    return edited_rules(tmp_path, "- min: 80\n  rating: Outstanding", "- min: 90\n  rating: Outstanding")


# --------------------------------------------------------------------------- the case


def test_raising_the_outstanding_band_moves_2_4_of_blaenau_gwent_and_fails_on_no_example(run, tmp_path):
    result = run("rerate", "--rules", raised_outstanding(tmp_path),  # default: every inspection under inspections/
                 cwd=examples_checkout(tmp_path))
    assert result.exit_code == 0, result.output
    text = result.stdout
    block = text.split("blaenau-gwent-caerphilly-2022 (")[1].split("\nceredigion-2024")[0]
    assert block.splitlines()[0].startswith(
        "Blaenau Gwent & Caerphilly Youth Offending Service): from standards-2021 version 1.0 (sha256 ")
    assert "  2.4 Reviewing: Outstanding (3 points) -> Good (2 points)\n" in block
    assert "  score: 28/36 -> 27/36\n" in block and "  overall: Good, unchanged" in block
    assert [line.strip() for line in block.splitlines()[1:]] == [
        "2.4 Reviewing: Outstanding (3 points) -> Good (2 points)", "score: 28/36 -> 27/36", "overall: Good, unchanged"]
    assert "ceredigion-2024 (Ceredigion Youth Justice Service): unchanged" in text
    assert "powys-2013 (Powys Youth Justice Service): not compared: it is rated on themes (fji-2013) and " \
           "standards-2021 rates standards: nothing maps between them" in text
    assert "error" not in result.output
    assert text.rstrip().endswith(
        "0 of 5 inspections change their overall rating; 3 change a rating or the score; 1 could not be compared.")
    assert RULES_DIR.joinpath("standards-2021.yaml").read_text(encoding="utf-8").count("- min: 80") == 1


def test_the_same_in_csv(run, tmp_path):
    result = run("rerate", "--rules", raised_outstanding(tmp_path), "--csv", cwd=examples_checkout(tmp_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    bgc = [r for r in rows if r["slug"] == "blaenau-gwent-caerphilly-2022"]
    assert [(r["standard"], r["before"], r["after"], r["before_points"], r["after_points"]) for r in bgc] == [
        ("2.4", "Outstanding", "Good", "3", "2")]
    assert (bgc[0]["score_before"], bgc[0]["score_after"], bgc[0]["overall_before"], bgc[0]["overall_after"]) == (
        "28", "27", "Good", "Good")
    assert (bgc[0]["framework"], bgc[0]["rules"], bgc[0]["rules_version"], bgc[0]["published"]) == (
        "standards-2021", "standards-2021", "1.0", "Outstanding")
    assert not [r for r in rows if r["slug"] in ("ceredigion-2024", "powys-2013")]
    own_sha = hashlib.sha256((RULES_DIR / "standards-2021.yaml").read_bytes()).hexdigest()
    edited_sha = hashlib.sha256(raised_outstanding(tmp_path).read_bytes()).hexdigest()
    assert (bgc[0]["rules_before"], bgc[0]["rules_after"]) == (
        f"standards-2021 version 1.0 (sha256 {own_sha})", f"standards-2021 version 1.0 (sha256 {edited_sha})")


def test_the_same_in_json(run, tmp_path):
    import hashlib

    rules = raised_outstanding(tmp_path)
    result = run("rerate", "--rules", rules, "--json", cwd=examples_checkout(tmp_path))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rules"]["sha256"] == hashlib.sha256(rules.read_bytes()).hexdigest()
    inspections = {i["slug"]: i for i in document["inspections"]}
    bgc = inspections["blaenau-gwent-caerphilly-2022"]
    assert bgc["changed"] is True and bgc["score"] == {"before": 28, "after": 27, "published": 28}
    assert bgc["overall"] == {"before": "Good", "after": "Good", "published": "Good"}
    assert [(m["id"], m["before"], m["after"]) for m in bgc["moves"]] == [("2.4", "Outstanding", "Good")]
    assert inspections["powys-2013"]["comparable"] is False and "nothing maps" in inspections["powys-2013"]["reason"]
    assert inspections["ceredigion-2024"]["changed"] is False
    own_sha = hashlib.sha256((RULES_DIR / "standards-2021.yaml").read_bytes()).hexdigest()
    assert bgc["rules_before"] == {"id": "standards-2021", "version": "1.0", "sha256": own_sha}
    assert bgc["rules_after"] == {"id": "standards-2021", "version": "1.0", "sha256": document["rules"]["sha256"]}
    assert document["summary"] == {"inspections": 5, "compared": 4, "not_compared": 1, "failed": 0, "changed": 3,
                                   "overall_changed": 0}


def test_rerate_under_its_own_rules_moves_nothing(run):
    result = run("rerate", "--rules", "standards-2021", BGC)
    assert result.exit_code == 0, result.output
    assert "blaenau-gwent-caerphilly-2022 (Blaenau Gwent & Caerphilly Youth Offending Service): unchanged" in result.stdout
    assert "0 of 1 inspection changes its overall rating; 0 change a rating or the score." in result.stdout


# --------------------------------------------------------------------------- across generations


def test_another_framework_maps_standards_by_id_and_lists_what_one_side_rates(run):
    result = run("rerate", "--rules", "standards-2024", BGC, EXAMPLES / "merton-2021")
    assert result.exit_code == 0, result.output
    bgc = result.stdout.split("blaenau-gwent-caerphilly-2022 (")[1].split("\nmerton-2021")[0]
    assert bgc.splitlines()[1:] == [
        "  4.1 Resettlement policy and provision is rated under standards-2024 only: Not rated",
        "  score: 28/36, unchanged", "  overall: Good, unchanged"]
    # A Not rated row that only one side lists moves no rating: Merton changes, Blaenau Gwent does not.
    assert "0 of 2 inspections change their overall rating; 1 changes a rating or the score." in result.stdout
    assert "  4.1 Resettlement policy and provision is rated under standards-2024 only: Not rated" in result.stdout
    assert ("  note: 3.4 is Joint working (case-based) under standards-2018 and Out-of-court disposal policy and "
            "provision (qualitative) under standards-2024") in result.stdout
    assert "  score: 30/36 -> 27/33" in result.stdout


def test_rate_under_another_framework_says_so_and_lists_what_one_side_rates(run):
    result = run("rate", "--json", "--rules", "standards-2024", BGC)
    assert result.exit_code == 0, result.output
    entry = BGC / "inspection.yaml"
    where = f"inspection.yaml:{line_of(entry, 'framework: standards-2021')}:"
    assert f"{where}12: warning: rated under 'standards-2024'" in result.stderr
    assert "not under its own 'standards-2021'; standards are matched by id" in result.stderr
    assert "warning: 4.1 is rated under 'standards-2024' only" in result.stderr
    assert json.loads(result.stdout)["framework"] == "standards-2024"


def test_themes_against_standards_is_an_error_not_a_result(run):
    result = run("rate", "--rules", "fji-2013", BGC)
    assert result.exit_code == 1
    assert ("error: cannot rate this report under 'fji-2013': it is rated on standards (standards-2021) and "
            "fji-2013 rates themes: nothing maps between them") in result.output
    assert "Score" not in result.stdout


# --------------------------------------------------------------------------- typed ratings and discretion


def test_typed_case_based_ratings_never_block_rating_under_other_rules(run, tmp_path):
    """Merton and Western Bay once typed every case-based rating; under other rules a typed rating is the
    published one, shown beside what the new rules give."""
    entry = minimal_copy(tmp_path, "typed", '      - id: "2.4"\n', '      - id: "2.4"\n        rating: Inadequate\n')
    stricter = edited_rules(tmp_path, "- min: 50\n  rating: Requires improvement",
                            "- min: 20\n  rating: Requires improvement")
    assert run("rate", entry.parent).exit_code == 0
    rated = run("rate", "--json", "--rules", stricter, entry.parent)
    assert rated.exit_code == 0, rated.output
    assert "warning: standard 2.4 was published as Inadequate; under 'standards-2021' the data rate it " \
           "Requires improvement" in rated.stderr
    result = run("rerate", "--rules", stricter, entry.parent)
    assert result.exit_code == 0, result.output
    assert "  2.4 Reviewing: Inadequate (0 points) -> Requires improvement (1 point) (published Inadequate)" \
        not in result.stdout
    assert "  2.4 Reviewing: Inadequate (0 points) -> Requires improvement (1 point)\n" in result.stdout


def test_a_discretion_the_new_rules_refuse_is_a_change_not_an_error(run, tmp_path):
    rules = edited_rules(
        tmp_path, "  boundary_margin: 5\n  boundary_inclusive: true\n  one_case_change: true\n  small_sample: 5\n",
        "  boundary_margin: 0\n  boundary_inclusive: false\n  one_case_change: false\n  small_sample: 0\n",
        framework="standards-2018")
    western_bay = EXAMPLES / "western-bay-2019"
    result = run("rerate", "--rules", rules, western_bay)
    assert result.exit_code == 0, result.output
    assert ("  3.3 Implementation and delivery: discretion no longer allowed: Inadequate (0 points) -> "
            "Requires improvement (1 point)") in result.stdout
    assert "  score: 6/36 -> 7/36" in result.stdout and "  overall: Inadequate -> Requires improvement" in result.stdout
    assert "1 of 1 inspection changes its overall rating" in result.stdout
    rated = run("rate", "--rules", rules, western_bay)
    assert rated.exit_code == 0 and "warning: discretion on standard 3.3 is not allowed" in rated.stderr


# --------------------------------------------------------------------------- invalid input


def test_an_invalid_rules_file_exits_1_with_a_positioned_diagnostic(run, tmp_path):
    rules = edited_rules(tmp_path, "  Good: 2\n", "  Good: two\n")
    result = run("rerate", "--rules", rules, BGC)
    assert result.exit_code == 1
    assert f"{rules.name}:{line_of(rules, 'Good: two')}:9: error: expected a whole number (got 'two')" in result.output


def test_an_invalid_source_exits_1_and_the_others_are_still_compared(run, tmp_path):
    minimal_copy(tmp_path, "broken", "yes: 6, of: 6}", "yes: 7, of: 6}")
    minimal_copy(tmp_path, "fine")
    result = run("rerate", "--rules", "standards-2024", tmp_path)
    assert result.exit_code == 1
    assert "error: key question 2.1.1: 'yes: 7' is more than 'of: 6'" in result.stderr
    assert "fine (" in result.stdout and "1 could not be rated" in result.stdout


def test_rules_option_takes_an_id_or_a_file_and_refuses_anything_else(run):
    result = run("rerate", "--rules", "standards-2031", BGC)
    assert result.exit_code == 2 and "did you mean 'standards-2021'?" in result.output
    assert run("rerate", "--rules", "missing/rules.yaml", BGC).exit_code == 2
    assert run("rerate", BGC).exit_code == 2  # --rules is required
    assert run("rerate", "--rules", "standards-2021", "--json", "--csv", BGC).exit_code == 2


# --------------------------------------------------------------------------- rate, build and rerate agree


def test_rate_build_and_rerate_agree_on_every_example(run, tmp_path):
    checkout = examples_checkout(tmp_path)
    rated = json.loads(run("rate", "--json", checkout / "inspections").stdout)
    assert [d["slug"] for d in rated] == list(EXAMPLE_SLUGS)
    built = run("build", "--format", "html", "--out", tmp_path / "out", cwd=checkout)
    assert built.exit_code == 0, built.output
    for document in rated:
        slug = document["slug"]
        assert json.loads((tmp_path / "out" / slug / "ratings.json").read_text(encoding="utf-8")) == document
        lock = json.loads((EXAMPLES / slug / "ratings.lock").read_text(encoding="utf-8"))
        assert [(s["id"], s["rating"], s["points"]) for s in lock["standards"]] == [
            (s["id"], s["rating"], s["points"]) for s in document["standards"]]
        assert (lock["score"], lock["overall"], lock["rules_version"]) == (
            document["score"], document["overall"], document["rules_version"])
        rerated = run("rerate", "--rules", document["framework"], EXAMPLES / slug)
        assert f"{slug} (" in rerated.stdout and "): unchanged" in rerated.stdout, rerated.stdout


def test_rerate_reads_each_rules_file_once_and_renders_nothing():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from compiler.cli import main\n"
        "from compiler.rating import ruleset\n"
        "parsed = []\n"
        "original = ruleset._parse\n"
        "ruleset._parse = lambda *a: parsed.append(a[0].name) or original(*a)\n"
        "try:\n"
        "    main(['rerate', '--rules', 'standards-2024', 'inspections'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(parsed), file=sys.stderr)\n"
        "print([m for m in ('jinja2', 'weasyprint', 'compiler.render.html') if m in sys.modules], file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    parsed, heavy = run.stderr.strip().splitlines()[-2:]
    assert parsed == str(sorted(["standards-2024.yaml", "standards-2018.yaml", "standards-2021.yaml",
                                 "fji-2013.yaml"]))
    assert heavy == "[]"


def test_every_example_carries_the_lock_of_the_ratings_it_was_published_with():
    from compiler.rating.compile import compile_inspection
    from compiler.rating.lock import lock_text

    for entry in (EXAMPLES / slug / "inspection.yaml" for slug in EXAMPLE_SLUGS):
        compiled = compile_inspection(entry.parent)
        assert compiled.rated is not None and compiled.lock_update == {}, entry.parent.name
        recorded = json.loads((entry.parent / "ratings.lock").read_text(encoding="utf-8"))
        current = json.loads(lock_text(compiled.rated))
        # The ratings; the fingerprint is that of the rules each was last accepted under.
        assert {k: v for k, v in recorded.items() if k != "rules_sha256"} == {
            k: v for k, v in current.items() if k != "rules_sha256"}, entry.parent.name


def test_rerate_on_several_processes_says_the_same_in_the_same_order(run, tmp_path):
    """A corpus large enough for worker processes: the same report, errors included, as one process."""
    import importlib.util
    import sys

    from compiler.rating.rerate_pool import PARALLEL_FROM

    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", synth)
    spec.loader.exec_module(synth)
    folders = synth.write_corpus(tmp_path / "corpus", framework="standards-2021", pages=1,
                                 count=PARALLEL_FROM + 4, seed=5)
    for broken in (folders[3], folders[-2]):  # an error partway: reported in its place
        entry = broken / "inspection.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace("framework:", "framework: [", 1),
                         encoding="utf-8")
    one = run("rerate", tmp_path / "corpus", "--rules", "standards-2024", "--jobs", "1")
    two = run("rerate", tmp_path / "corpus", "--rules", "standards-2024", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert "2 could not be rated" in one.output
    assert one.output.count("error: text cannot start with '['") == 2
    assert one.output == two.output
    assert one.output.index(folders[0].name) < one.output.index(folders[-1].name)
