"""RuleSet + folder -> a starter inspection (every section the framework needs, marked placeholders)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..builds.output import write_all_atomic
from ..rating.ruleset import DomainRule, RuleSet, StandardRule, ThemeRule
from ..sources.placeholders import placeholder
from ..sources.schema import SCHEMA_FILE_NAME, schema_text

SOURCE_NAME = "inspection.yaml"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ScaffoldError(Exception):
    """The folder cannot take a new inspection (not empty, or not a usable slug)."""


def create_inspection(directory: Path, rules: RuleSet, *, framework_ids: list[str] | None = None) -> list[Path]:
    """Write a new inspection into `directory` (missing or empty); return the files written."""
    directory = Path(directory)
    slug = directory.resolve().name
    if not SLUG_RE.match(slug):
        raise ScaffoldError(
            f"folder name '{slug}' is not a usable slug "
            "(use lower-case letters, digits and hyphens, e.g. 'newport-2025')"
        )
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; choose a new folder (nothing was written)")
    files = scaffold_files(slug, rules)
    files[SCHEMA_FILE_NAME] = schema_text(framework_ids)
    try:
        return write_all_atomic({directory / name: text for name, text in files.items()})
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ScaffoldError(f"cannot write into {directory} ({reason}); nothing was written") from None


def scaffold_files(slug: str, rules: RuleSet) -> dict[str, str]:
    """The starter files as {relative path: text}; pure, so tests can read them without writing."""
    lines = _header(slug, rules) + _meta(rules) + _front(rules)
    if rules.family == "themes":
        lines += _themes(rules.themes)
    else:
        lines += _domains(rules.domains)
    lines += _annexes()
    foreword = placeholder("the foreword: why the inspection matters and what it found, in a few paragraphs") + "\n"
    return {SOURCE_NAME: "\n".join(lines) + "\n", "narrative/foreword.md": foreword}


# --------------------------------------------------------------------------- pieces of inspection.yaml


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _ph(what: str) -> str:
    return _q(placeholder(what))


def _block(indent: int, key: str, what: str) -> list[str]:
    """`key: |` followed by one placeholder paragraph."""
    pad = " " * indent
    return [f"{pad}{key}: |", f"{pad}  {placeholder(what)}"]


def _header(slug: str, rules: RuleSet) -> list[str]:
    return [
        f"# yaml-language-server: $schema={SCHEMA_FILE_NAME}",
        f"# {slug}: inspection report source ({rules.name}).",
        "# Replace every [[placeholder: ...]] with your own words; `inspection validate` lists those left.",
        "# Lines marked 'check' hold sample values to correct. Delete optional sections you do not need.",
        "# Set `status: final` when the report is complete: a final report may hold no placeholders.",
        f"framework: {rules.id}",
        "status: draft",
        "",
    ]


def _meta(rules: RuleSet) -> list[str]:
    lines = [
        "meta:",
        f"  service: {_ph('full name of the inspected service')}",
        f"  short_name: {_ph('abbreviation used in the text, e.g. YJS')}",
        f"  area: {_ph('area name as printed on the cover')}",
    ]
    if rules.family == "themes":
        lines.append(f"  report_title: {_ph('full title of the report')}")
    lines += [
        # Dates are placeholders too: a sample date could pass for a real one in a final report.
        f"  published: {_ph('month of publication as YYYY-MM, e.g. 2025-11')}",
        "  fieldwork:",
        f"    start: {_ph('first day of fieldwork as YYYY-MM-DD')}",
        f"    end: {_ph('last day of fieldwork as YYYY-MM-DD')}",
        "  lead_inspector:",
        f"    name: {_ph('name of the lead inspector')}",
        "    role: HM Inspector",
        "",
    ]
    return lines


def _front(rules: RuleSet) -> list[str]:
    lines = [
        "foreword:",
        "  body:",
        "    - file: narrative/foreword.md",
        "  signatory:",
        f"    name: {_ph('who signs the foreword')}",
        "    role: HM Chief Inspector of Probation",
        "",
        "executive_summary:",
        *_block(2, "intro", "overall findings in a few sentences"),
        "  parts:",
    ]
    parts = [t.name for t in rules.themes] if rules.family == "themes" else [d.name for d in rules.domains]
    for name in parts:
        lines += [
            f"    - title: {_q(name)}",
            "      findings:",
            f"        - {_ph('a key finding')}",
            "      concerns:",
            f"        - {_ph('a key concern, or delete this list')}",
        ]
    lines += [
        "",
        "recommendations:",
        "  # {count} or {count_words} in the intro print the number of recommendations listed below.",
        f"  intro: {_q('We make {count_words} recommendations, set out below.')}",
        "  groups:",
        f"    - addressee: {_ph('who should act, e.g. The YJS Management Board should:')}",
        "      items:",
        f"        - {_ph('a recommendation, starting with a verb')}",
        f"        - {_ph('another recommendation, or delete this line')}",
        "",
        "background:",
        "  title: Background",
        *_block(2, "body", "the service, its area and how the inspection was carried out"),
        "",
        "contextual_facts:",
        "  title: Contextual facts",
        *_block(2, "body", "key facts and figures about the area and the children it works with"),
        "",
    ]
    return lines


def _domains(domains: list[DomainRule]) -> list[str]:
    lines = ["domains:"]
    for domain in domains:
        case_based = any(s.method == "case-based" for s in domain.standards)
        note = " (optional: delete this domain if it was not inspected)" if domain.optional else ""
        lines += [
            f'  - id: "{domain.id}"  # {domain.name}{note}',
            *_block(4, "intro", f"opening findings for {domain.name.lower()}"),
        ]
        if case_based:
            lines += [
                "    sample:",
                "      cases: 0  # check: number of cases inspected in this domain",
            ]
        lines += [
            "    strengths:",
            f"      - {_ph('a strength')}",
            "    improvements:",
            f"      - {_ph('an area for improvement')}",
            "    standards:",
        ]
        for standard in domain.standards:
            lines += _standard(standard)
    lines.append("")
    return lines


def _standard(standard: StandardRule) -> list[str]:
    lines = [f'      - id: "{standard.id}"  # {standard.name} ({standard.method})']
    if standard.method == "qualitative":
        lines += [
            "        rating: Not rated  # check: the panel's rating (Outstanding, Good, Requires improvement, Inadequate)",
            f"        not_rated_reason: {_ph('set the rating above, then delete this line')}",
        ]
    if standard.key_questions:
        lines.append("        key_questions:")
    for question in standard.key_questions:
        lines.append(f'          - id: "{question.id}"  # {_comment(question.text)}')
        if standard.method == "case-based":
            lines += [
                "            yes: 0  # check: relevant cases judged sufficient",
                "            of: 0  # check: relevant cases",
            ]
        lines += _block(12, "narrative", "findings on this key question")
    lines += _block(8, "narrative", f"overall findings on {standard.name.lower()}")
    return lines


def _themes(themes: list[ThemeRule]) -> list[str]:
    lines = ["themes:"]
    for theme in themes:
        lines += [f"  - id: {theme.id}  # {theme.name}"]
        lines += _block(4, "expectation", "what we expect to see")
        if theme.scored:
            lines += [
                "    score:",
                "      yes: 0  # check: scoring answers judged well enough",
                "      of: 0  # check: scoring answers in all",
            ]
        else:
            lines.append("    descriptor: Good  # check: the inspectors' descriptor (Very good, Good, Unsatisfactory, Poor)")
        lines += [
            "    key_findings:",
            f"      - {_ph('a key finding')}",
            "    explanation:",
            "      - title: Findings",
            "        paragraphs:",
            f"          - text: {_ph('a numbered paragraph explaining the findings')}",
            *_block(4, "summary", "closing summary of this theme"),
        ]
    lines.append("")
    return lines


def _annexes() -> list[str]:
    return [
        "annexes:",
        "  - title: Methodology",
        "    kind: methodology",
        *_block(4, "body", "how the inspection was carried out: sample, fieldwork, evidence"),
        "  - title: Inspection data",
        "    kind: inspection-data",
    ]


def _comment(text: str) -> str:
    """One line of framework wording, safe inside a YAML comment."""
    return " ".join(text.split())
