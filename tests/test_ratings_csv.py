"""For analysts: `rate` over several inspections or a folder, `rate --csv` (ratings_csv), and the rules
documented: `frameworks --verbose` with each framework's assumptions, `schema --rules`, docs/rules.md."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.rating.compile import compile_inspection
from compiler.rating.ratings_csv import COLUMNS, ratings_csv
from compiler.rating.rules_schema import RULES_SCHEMA_ID, rules_schema
from compiler.rating.ruleset import RULES_DIR, RuleSet, framework_ids, load_ruleset
from compiler.sources.diagnostics import Diagnostics
from compiler.sources.yaml_source import load_yaml
from helpers import EXAMPLE_PATHS, EXAMPLE_SLUGS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inspections"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_rate_csv_has_a_row_per_inspection_and_standard_or_theme(run):
    result = run("rate", "--csv", *EXAMPLE_PATHS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS) == (
        "slug,service,published,framework,rules_version,rules_sha256,domain,standard,rating,computed,discretion,"
        "points,score,max_score,overall")
    rows = _rows(result.stdout)
    by_slug = {}
    for row in rows:
        by_slug.setdefault(row["slug"], []).append(row)
    assert sorted(by_slug) == list(EXAMPLE_SLUGS)
    bgc = {r["standard"]: r for r in by_slug["blaenau-gwent-caerphilly-2022"]}
    assert len(bgc) == 12
    assert {k: bgc["2.2"][k] for k in ("domain", "rating", "computed", "discretion", "points", "score", "max_score",
                                       "overall", "framework", "rules_version", "published")} == {
        "domain": "2", "rating": "Good", "computed": "Requires improvement", "discretion": "yes", "points": "2",
        "score": "28", "max_score": "36", "overall": "Good", "framework": "standards-2021", "rules_version": "1.0",
        "published": "2022-09"}
    assert bgc["1.1"]["computed"] == "" and bgc["1.1"]["discretion"] == "no"
    assert bgc["2.2"]["rules_sha256"] == load_ruleset("standards-2021").sha256
    western_bay = {r["standard"]: r for r in by_slug["western-bay-2019"]}
    assert (western_bay["3.3"]["discretion"], western_bay["3.3"]["computed"], western_bay["3.3"]["rating"]) == (
        "yes", "Requires improvement", "Inadequate")
    powys = {r["standard"]: r for r in by_slug["powys-2013"]}
    assert (powys["reducing-reoffending"]["rating"], powys["reducing-reoffending"]["domain"],
            powys["reducing-reoffending"]["points"], powys["reducing-reoffending"]["score"]) == ("Good", "", "3", "")
    ceredigion = {r["standard"]: r for r in by_slug["ceredigion-2024"]}
    assert (ceredigion["2.1"]["rating"], ceredigion["2.1"]["points"], ceredigion["2.1"]["max_score"]) == (
        "Not rated", "", "24")


def test_ratings_csv_is_a_pure_function_of_rated_inspections():
    rated = [compile_inspection(EXAMPLES / slug).rated for slug in ("merton-2021", "powys-2013")]
    text = ratings_csv(rated)
    assert text == ratings_csv(rated)
    assert [r["slug"] for r in _rows(text)] == ["merton-2021"] * 12 + ["powys-2013"] * 5
    assert ratings_csv([]) == ",".join(COLUMNS) + "\n"


def test_rate_takes_several_inspections(run):
    result = run("rate", EXAMPLES / "merton-2021", EXAMPLES / "powys-2013")
    assert result.exit_code == 0, result.output
    assert "Merton Youth Justice Service (merton-2021, standards-2018)" in result.stdout
    assert "Powys Youth Justice Service (powys-2013, fji-2013)" in result.stdout
    for framework in ("standards-2018", "fji-2013"):  # every table names the rules it was rated under
        rules = load_ruleset(framework)
        assert f"Rules: {rules.name}, version 1.0, fingerprint (sha256) {rules.sha256}\n" in result.stdout
    documents = json.loads(run("rate", "--json", EXAMPLES / "merton-2021", EXAMPLES / "powys-2013").stdout)
    assert [d["slug"] for d in documents] == ["merton-2021", "powys-2013"]
    single = json.loads(run("rate", "--json", EXAMPLES / "merton-2021").stdout)
    assert single["slug"] == "merton-2021"  # one inspection: one document, as before


def test_rate_leaves_out_an_invalid_inspection_and_exits_1(run, tmp_path):
    from helpers import minimal_copy

    minimal_copy(tmp_path, "broken", "yes: 6, of: 6}", "yes: 7, of: 6}")
    minimal_copy(tmp_path, "fine")
    result = run("rate", "--csv", tmp_path)
    assert result.exit_code == 1
    assert {r["slug"] for r in _rows(result.stdout)} == {"fine"}
    assert "error: key question 2.1.1" in result.stderr


# --------------------------------------------------------------------------- the rules format documented


def test_frameworks_verbose_lists_each_frameworks_version_fingerprint_and_assumptions(run):
    plain = run("frameworks")
    verbose = run("frameworks", "--verbose")
    assert verbose.exit_code == 0
    assert "assumptions" not in plain.stdout
    for framework in framework_ids():
        rules = load_ruleset(framework)
        assert f"version {rules.version}, fingerprint (sha256) {rules.sha256}" in verbose.stdout
        for assumption in rules.all_assumptions():
            assert f"- {assumption.id}: {assumption.text}" in verbose.stdout
    assert "- min-cases: No minimum sample was published." in verbose.stdout


def test_every_assumption_of_a_rules_file_is_collected():
    rules = load_ruleset("standards-2021")
    assert [a.id for a in rules.all_assumptions()] == [
        "scaled-overall-bands", "discretion-triggers", "min-cases", "rounding", "limiting-judgement",
        "resettlement-questions"]


def test_the_rules_schema_is_draft_07_and_every_built_in_rules_file_is_valid_against_it(run):
    schema = rules_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$id"] == RULES_SCHEMA_ID and schema["additionalProperties"] is False
    validator = jsonschema.Draft7Validator(schema)
    for framework in framework_ids():
        data = load_yaml(RULES_DIR / f"{framework}.yaml", Diagnostics()).data
        assert list(validator.iter_errors(data)) == [], framework
    assert list(validator.iter_errors({"id": "x"}))  # `format`, `version` and more are required
    printed = run("schema", "--rules")
    assert printed.exit_code == 0 and json.loads(printed.stdout) == schema


def _properties(schema: dict) -> list[tuple[str, dict]]:
    found = [("RuleSet." + k, v) for k, v in schema["properties"].items()]
    for name, definition in schema.get("$defs", {}).items():
        found += [(f"{name}.{k}", v) for k, v in definition.get("properties", {}).items()]
    return found


def test_every_key_of_a_rules_file_is_described_in_the_schema_and_in_docs_rules_md():
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing_description = [name for name, prop in _properties(rules_schema()) if not prop.get("description")]
    assert missing_description == []
    keys = {name.split(".")[1] for name, _ in _properties(rules_schema())}
    undocumented = sorted(key for key in keys if not re.search(rf"`{re.escape(key)}`", docs))
    assert undocumented == []


def test_the_examples_in_docs_rules_md_are_rules_files_that_load(tmp_path):
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", docs, re.S)
    families = []
    for index, example in enumerate(examples):
        path = tmp_path / f"example-{index}.yaml"
        path.write_text(example, encoding="utf-8")
        rules = load_ruleset(path)
        assert isinstance(rules, RuleSet) and rules.version == "1.0"
        families.append(rules.family)
    assert families == ["standards", "themes"]
