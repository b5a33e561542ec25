"""The rules-file model (`RuleSet`) -> JSON Schema document, for editors that complete and check keys."""
from __future__ import annotations

import json
from typing import Any

from ..sources.schema import SCHEMA_DIALECT
from .ruleset import RuleSet

RULES_SCHEMA_ID = "urn:inspection-compiler:schema:rules"
RULES_SCHEMA_TITLE = "Rating rules of one framework version (compiler/rating/rules/<id>.yaml)"


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of a rules file, with dialect, id and title first."""
    body = RuleSet.model_json_schema()
    body.pop("title", None)
    return {"$schema": SCHEMA_DIALECT, "$id": RULES_SCHEMA_ID, "title": RULES_SCHEMA_TITLE, **body}


def rules_schema_text() -> str:
    """The schema as stable, indented JSON text ending in a newline."""
    return json.dumps(rules_schema(), indent=2, ensure_ascii=False) + "\n"
