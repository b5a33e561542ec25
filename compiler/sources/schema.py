"""Inspection source model -> JSON Schema document, for editors that complete and check keys."""
from __future__ import annotations

import json
from typing import Any

from .model import Inspection

# Draft-07: the dialect editor plugins (yaml-language-server) validate fully; the schema uses no later keyword.
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID = "urn:inspection-compiler:schema:inspection"
SCHEMA_TITLE = "Inspection report source (inspection.yaml)"
SCHEMA_FILE_NAME = ".schema.json"


def inspection_schema(framework_ids: list[str] | None = None) -> dict[str, Any]:
    """The JSON Schema of `inspection.yaml`, with dialect, id and title first.

    `framework_ids` become completion examples for `framework` (not an enum: a rules file
    given by path is allowed too).
    """
    body = Inspection.model_json_schema()
    body.pop("title", None)
    if framework_ids:
        framework = dict(body["properties"]["framework"])
        framework["examples"] = list(framework_ids)
        body["properties"] = {**body["properties"], "framework": framework}
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE, **body}


def schema_text(framework_ids: list[str] | None = None) -> str:
    """The schema as stable, indented JSON text ending in a newline."""
    return json.dumps(inspection_schema(framework_ids), indent=2, ensure_ascii=False) + "\n"
