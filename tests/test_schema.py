"""The JSON Schema of inspection.yaml: a valid draft-07 schema that agrees with the model."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.sources.diagnostics import Diagnostics
from compiler.sources.model import Inspection
from compiler.rating.ruleset import framework_ids, load_ruleset
from compiler.authoring.scaffold import SOURCE_NAME, scaffold_files
from compiler.sources.schema import SCHEMA_ID, inspection_schema
from compiler.sources.yaml_source import load_yaml
from helpers import EXAMPLE_PATHS

ROOT = Path(__file__).resolve().parent.parent


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(inspection_schema(framework_ids()))


def _data(tmp_path: Path, text: str):
    path = tmp_path / SOURCE_NAME
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    source = load_yaml(path, diagnostics)
    assert source is not None, [d.format() for d in diagnostics]
    return source.data


def test_schema_is_a_valid_draft_07_schema_with_an_id():
    schema = inspection_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"]
    assert set(schema["required"]) == {"framework", "meta"}
    assert schema["additionalProperties"] is False


def test_framework_ids_are_offered_as_examples_not_as_an_enum():
    schema = inspection_schema(["a-1", "b-2"])
    framework = schema["properties"]["framework"]
    assert framework["examples"] == ["a-1", "b-2"]
    assert "enum" not in framework


def test_loader_filled_content_is_not_part_of_the_schema():
    file_block = inspection_schema()["$defs"]["FileBlock"]
    assert "content" not in file_block["properties"]
    assert file_block["required"] == ["file"]


@pytest.mark.parametrize("framework_id", framework_ids())
def test_scaffolded_source_satisfies_the_schema(tmp_path, framework_id):
    text = scaffold_files("new-area-2025", load_ruleset(framework_id))[SOURCE_NAME]
    errors = list(_validator().iter_errors(_data(tmp_path, text)))
    assert errors == []


def test_schema_rejects_what_the_model_rejects(tmp_path):
    text = scaffold_files("new-area-2025", load_ruleset("standards-2021"))[SOURCE_NAME]
    validator = _validator()
    data = _data(tmp_path, text)

    misspelt = dict(data, statsu="draft")
    assert any(e.validator == "additionalProperties" for e in validator.iter_errors(misspelt))
    wrong_status = dict(data, status="finished")
    assert any(list(e.path) == ["status"] for e in validator.iter_errors(wrong_status))
    bad_month = json.loads(json.dumps(data))
    bad_month["meta"]["published"] = "2025-13"
    assert any(list(e.path) == ["meta", "published"] for e in validator.iter_errors(bad_month))
    for bad in (misspelt, wrong_status, bad_month):
        with pytest.raises(Exception):
            Inspection.model_validate(bad)


def test_every_inspection_the_model_accepts_satisfies_the_schema():
    validator = _validator()
    checked = 0
    for path in (folder / "inspection.yaml" for folder in EXAMPLE_PATHS):
        diagnostics = Diagnostics()
        source = load_yaml(path, diagnostics)
        if source is None:
            continue
        try:
            Inspection.model_validate(source.data)
        except Exception:
            continue  # a report being written; the schema may reject it too
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(source.data)]
        assert errors == [], path
        checked += 1
    if checked == 0:
        pytest.skip("no complete inspection in inspections/ yet")


def test_cli_prints_the_schema_and_writes_it_with_out(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(main, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.output) == inspection_schema(framework_ids())

    target = tmp_path / "editor" / "inspection.schema.json"
    written = runner.invoke(main, ["schema", "--out", str(target)])
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID


def test_cli_schema_help():
    result = CliRunner().invoke(main, ["schema", "--help"])
    assert result.exit_code == 0
    assert "--out" in result.output
