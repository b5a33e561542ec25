"""Inspection folder -> typed `Inspection` (Markdown files resolved), or positioned diagnostics."""
from __future__ import annotations

import difflib
import re
import stat
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from .characters import scan_data, scan_text_file
from .diagnostics import Diagnostics, Span
from .limits import MAX_INSPECTION_BYTES, MAX_MARKDOWN_BYTES, MAX_MARKDOWN_DEPTH, size_text
from .markdown_syntax import Citation, citations, structure
from .model import Inspection
from .model_texts import Text, is_model, texts, unwrap
from .paths import inspection_entry
from .placeholders import check_placeholders
from .yaml_source import Loc, SourceFile, load_yaml, text_span

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_inspection(path: Path | str) -> tuple[Inspection | None, Diagnostics, list[SourceFile]]:
    """Load, resolve and validate one inspection; every problem becomes a diagnostic."""
    diagnostics = Diagnostics()
    entry = inspection_entry(path)
    source = load_yaml(entry, diagnostics)
    if source is None:
        return None, diagnostics, []
    if not isinstance(source.data, dict):
        diagnostics.error("not-a-mapping", "an inspection must be a mapping of keys to values", source.span(()))
        return None, diagnostics, [source]
    scan_data(source.data, source.positions, str(entry), diagnostics)
    markdown_files: dict[Path, SourceFile] = {}
    data = _resolve_files(source.data, (), source, entry.parent, markdown_files, diagnostics)
    files = [source, *markdown_files.values()]
    _check_total_size(files, diagnostics)
    try:
        inspection = Inspection.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(_clean_errors(exc.errors(), source))
        inspection = None
    data_texts = texts(data)
    _check_footnotes(data, data_texts, source, markdown_files, diagnostics)
    _check_markdown_structure(data_texts, source, markdown_files, diagnostics)
    if inspection is not None:
        check_placeholders(inspection.status, files, diagnostics)
    if diagnostics.has_errors():
        return None, diagnostics, files
    return inspection, diagnostics, files


# --------------------------------------------------------------------------- Markdown files


def _resolve_files(
    value: Any,
    loc: Loc,
    source: SourceFile,
    folder: Path,
    loaded: dict[Path, SourceFile],
    diagnostics: Diagnostics,
) -> Any:
    """A copy of `value` with every `file:` block's `content` read from its Markdown file."""
    if isinstance(value, list):
        return [_resolve_files(v, loc + (i,), source, folder, loaded, diagnostics) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    result = {k: _resolve_files(v, loc + (k,), source, folder, loaded, diagnostics) for k, v in value.items()}
    if isinstance(value.get("file"), str):
        if "content" in result:
            diagnostics.error(
                "unknown-key",
                "unknown key 'content' (it is filled in from the file named by 'file')",
                source.key_span(loc + ("content",)),
            )
            del result["content"]
        markdown = _read_markdown(value["file"], source.span(loc + ("file",)), folder, diagnostics)
        if markdown is not None:
            loaded.setdefault(markdown.path, markdown)
            result["content"] = markdown.data
    return result


def _read_markdown(name: str, span: Span, folder: Path, diagnostics: Diagnostics) -> SourceFile | None:
    relative = Path(name)
    if not name.strip():
        diagnostics.error("file-missing", "empty file name", span)
        return None
    if relative.is_absolute() or name.startswith("~"):
        diagnostics.error(
            "file-outside", f"'{name}' must be a path relative to the inspection folder", span
        )
        return None
    if ".." in relative.parts:
        diagnostics.error("file-outside", f"'{name}' leaves the inspection folder ('..' is not allowed)", span)
        return None
    if _CONTROL.search(name):
        diagnostics.error("file-missing", f"file name {name!r} holds a control character", span)
        return None
    path = folder / relative
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
        status = path.stat()  # follows links, as reading does
    except FileNotFoundError:
        status = None
    except (OSError, RuntimeError) as exc:  # a name too long, a link loop (RuntimeError before Python 3.13)
        reason = getattr(exc, "strerror", None) or "a link that leads back to itself"
        diagnostics.error("file-unreadable", f"cannot read '{name}' ({reason})", span)
        return None
    if not inside:
        diagnostics.error("file-outside", f"'{name}' leads outside the inspection folder (through a link)", span)
        return None
    if status is None:
        diagnostics.error("file-missing", f"file not found: {name}", span, f"looked for {path}")
        return None
    if not stat.S_ISREG(status.st_mode):
        diagnostics.error("file-missing", f"'{name}' is not a file", span)
        return None
    try:
        size = status.st_size
        if size > MAX_MARKDOWN_BYTES:
            diagnostics.error(
                "file-too-large",
                f"'{name}' is {size_text(size)}; a Markdown file may be at most {size_text(MAX_MARKDOWN_BYTES)}",
                span,
                "split it into several files, each named by its own `- file:` block",
            )
            return None
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark would hide a first heading
    except UnicodeDecodeError as exc:
        diagnostics.error("file-encoding", f"'{name}' is not UTF-8 text ({exc.reason})", span)
        return None
    except OSError as exc:
        diagnostics.error("file-unreadable", f"cannot read '{name}' ({exc.strerror})", span)
        return None
    markdown = SourceFile(path, text, {(): Span(str(path), 1, 1)}, text=text)
    scan_text_file(text, markdown.span_at, diagnostics)
    return markdown


def _check_total_size(files: list[SourceFile], diagnostics: Diagnostics) -> None:
    total = sum(len(f.text) for f in files)  # characters: at most the bytes
    if total > MAX_INSPECTION_BYTES:
        diagnostics.error(
            "inspection-too-large",
            f"the inspection's files hold {size_text(total)} of text; an inspection may hold at most "
            f"{size_text(MAX_INSPECTION_BYTES)}",
            Span(str(files[0].path)),
        )


# --------------------------------------------------------------------------- pydantic errors


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _union_member(tp: Any, tag: str) -> Any:
    """The member of a union that pydantic names `tag` in an error location."""
    for member in get_args(tp):
        if get_origin(member) is Annotated and any(
            isinstance(m, Tag) and m.tag == tag for m in get_args(member)[1:]
        ):
            return unwrap(member)
        inner = unwrap(member)
        if tag == "str" and inner is str:
            return inner
        if tag.startswith("list[") and get_origin(inner) is list:
            return inner
        if getattr(inner, "__name__", None) == tag:
            return inner
    return Any


class _Trace:
    """A pydantic error location mapped onto the YAML data and the model types along it."""

    def __init__(self, loc: tuple, root: type[BaseModel] = Inspection):
        self.data_loc: list[Any] = []
        self.unions: list[tuple[Loc, str]] = []  # (data loc of the union, branch tag)
        self.union_types: dict[Loc, Any] = {}
        self.models: dict[Loc, type[BaseModel]] = {}
        self.field = None
        tp: Any = root
        for element in loc:
            tp = unwrap(tp)
            if _is_union(tp) and isinstance(element, str):
                self.unions.append((tuple(self.data_loc), element))
                self.union_types[tuple(self.data_loc)] = tp
                tp = _union_member(tp, element)
                continue
            if is_model(tp):
                self.models[tuple(self.data_loc)] = tp
                self.field = tp.model_fields.get(element)
                tp = self.field.annotation if self.field else Any
            elif get_origin(tp) is list:
                tp = get_args(tp)[0]
            elif get_origin(tp) is dict:
                tp = get_args(tp)[1]
            else:
                tp = Any
            self.data_loc.append(element)
        self.type = unwrap(tp)

    @property
    def loc(self) -> Loc:
        return tuple(self.data_loc)


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = value if isinstance(value, str) else repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return repr(shown) if isinstance(value, str) else shown


def _describe_branch(tag: str, tp: Any) -> str:
    if tag == "str":
        return "Markdown text"
    if tag == "bool":
        return "true or false"
    if tag.startswith("literal["):
        return " or ".join(repr(choice) for choice in _choices(tag))
    if tag.startswith("list[tagged-union"):
        return "a list of blocks"
    if tag.startswith("list["):
        return "a list"
    if is_model(tp):
        return "a mapping with the keys " + ", ".join(tp.model_fields)
    return tag


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date as YYYY-MM-DD",
    "date_parsing": "a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date as YYYY-MM-DD",
}


_BOUNDS = {
    "greater_than_equal": "at least",
    "greater_than": "more than",
    "less_than_equal": "at most",
    "less_than": "less than",
}


def _choices(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _did_you_mean(word: Any, options: list[str]) -> list[str]:
    if not isinstance(word, str):
        return []
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return [f"did you mean '{lowered[word.lower()]}'?"]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return [f"did you mean '{close[0]}'?"] if close else []


def _to_diagnostic(error: dict, trace: _Trace, source: SourceFile, diagnostics: Diagnostics) -> None:
    kind = error["type"]
    value = error.get("input")
    loc = trace.loc
    key = loc[-1] if loc else None
    ctx = error.get("ctx") or {}
    if kind == "missing":
        parent = loc[:-1]
        description = trace.field.description if trace.field else None
        hints = [f"{key}: {description}"] if description else []
        diagnostics.error("missing-key", f"missing required key '{key}'", source.key_span(parent), *hints)
    elif kind == "extra_forbidden":
        model = trace.models.get(loc[:-1])
        allowed = list(model.model_fields) if model else []
        if model is not None and "content" in allowed and "file" in allowed:
            allowed.remove("content")
        hints = _did_you_mean(key, allowed)
        if allowed:
            hints.append("allowed keys: " + ", ".join(allowed))
        diagnostics.error("unknown-key", f"unknown key '{key}'", source.key_span(loc), *hints)
    elif kind in _EXPECTED:
        hints = []
        if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
            hints.append("text with a colon and a space in it reads as a key and a value: put the text in quotes")
        diagnostics.error(
            "wrong-type", f"expected {_EXPECTED[kind]} (got {_describe_value(value)})", source.span(loc), *hints
        )
    elif kind in ("enum", "literal_error"):
        options = _choices(ctx.get("expected", ""))
        diagnostics.error(
            "invalid-value",
            f"expected one of {ctx.get('expected', '')} (got {_describe_value(value)})",
            source.span(loc),
            *_did_you_mean(value, options),
        )
    elif kind == "string_pattern_mismatch":
        description = (trace.field.description or "").rstrip(".") if trace.field else ""
        detail = f" (expected {description[0].lower()}{description[1:]})" if description else ""
        diagnostics.error("invalid-value", f"invalid {key} {_describe_value(value)}{detail}", source.span(loc))
    elif kind in _BOUNDS:
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        bound = f"{bound:g}" if isinstance(bound, float) else bound  # 100, not 100.0
        word = _BOUNDS[kind]
        diagnostics.error(
            "invalid-value", f"{key} must be {word} {bound} (got {_describe_value(value)})", source.span(loc)
        )
    elif kind == "string_too_long":
        diagnostics.error(
            "invalid-value",
            f"{key} may be at most {ctx.get('max_length')} characters (it has {len(value):,})",
            source.span(loc),
            "shorten it: it is a name, printed large on the cover",
        )
    elif kind == "too_short":
        diagnostics.error(
            "invalid-value", f"'{key}' needs at least {ctx.get('min_length', 1)} item(s)", source.span(loc)
        )
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        diagnostics.error("invalid-value", message, source.span(loc))
    else:
        message = error["msg"]
        diagnostics.error("invalid-value", message[:1].lower() + message[1:], source.span(loc))


def _clean_errors(errors: list[dict], source: SourceFile, root: type[BaseModel] = Inspection) -> Diagnostics:
    """Pydantic errors -> diagnostics, keeping only the union branch that fits the input."""
    traced = [(e, _Trace(e["loc"], root)) for e in errors]
    branches: dict[Loc, dict[str, bool]] = {}  # union loc -> tag -> input has the branch's shape
    for _, trace in traced:
        for union_loc, tag in trace.unions:
            fits = branches.setdefault(union_loc, {}).setdefault(tag, True)
            if fits and trace.loc == union_loc:
                branches[union_loc][tag] = False
    result = Diagnostics()
    combined: set[Loc] = set()
    for error, trace in traced:
        keep = True
        for union_loc, tag in trace.unions:
            tags = branches[union_loc]
            if len(tags) < 2 or tags[tag]:
                continue
            keep = False
            if not any(tags.values()) and union_loc not in combined:
                combined.add(union_loc)
                union_type = trace.union_types[union_loc]
                described = " or ".join(
                    _describe_branch(t, _union_member(union_type, t)) for t in tags
                )
                result.error(
                    "wrong-type",
                    f"expected {described} (got {_describe_value(error.get('input'))})",
                    source.span(union_loc),
                )
            break
        if keep:
            _to_diagnostic(error, trace, source, result)
    return result


def model_diagnostics(exc: ValidationError, source: SourceFile, root: type[BaseModel]) -> Diagnostics:
    """A pydantic error of validating `source` as `root` -> diagnostics in the project's words, positioned."""
    return _clean_errors(exc.errors(), source, root)


# --------------------------------------------------------------------------- footnotes


def _citation_span(source: SourceFile, loc: Loc, value: str, citation: Citation) -> Span:
    """Where a citation in the YAML value at `loc` is written: the same occurrence of `[^key]`
    counted from where the value starts (quoting and folding change the text between)."""
    written = f"[^{citation.key}]"
    found = source.offset(text_span(source, loc)) - 1
    for _ in range(value.count(written, 0, citation.offset) + 1):
        found = source.text.find(written, found + 1)
        if found < 0:
            return text_span(source, loc)
    return source.span_at(found)


def _check_footnotes(
    data: dict, data_texts: list[Text], source: SourceFile, markdown_files: dict[Path, SourceFile], diagnostics: Diagnostics
) -> None:
    """Every citation the renderer will make must be defined in `footnotes`, and a footnote
    nobody cites is a warning; so is a `[^key]` in text that prints as written."""
    defined = data.get("footnotes")
    defined = defined if isinstance(defined, dict) else {}
    used: set[str] = set()

    def undefined(key: str, span: Span) -> None:
        diagnostics.error(
            "footnote-undefined",
            f"footnote '{key}' is not defined in 'footnotes'",
            span,
            *_did_you_mean(key, list(defined)),
        )

    for loc, text, markdown in data_texts:
        if loc and loc[-1] == "footnote" and loc[0] != "footnotes":
            used.add(text)
            if text not in defined:
                undefined(text, source.span(loc))
            continue
        if "[^" not in text:  # no citation without it (entities and escapes make text, not syntax)
            continue
        in_note = len(loc) == 2 and loc[0] == "footnotes"
        field = next((part for part in reversed(loc) if isinstance(part, str)), "")
        # Plain text is read as a line of Markdown would be, to find what was meant as a citation.
        for citation in citations(text, inline=markdown is None or markdown.inline):
            key, span = citation.key, _citation_span(source, loc, text, citation)
            if markdown is None:
                diagnostics.warning(
                    "footnote-not-markdown",
                    f"'{field}' is plain text: footnote citations work only in Markdown fields; "
                    f"[^{key}] prints literally",
                    span,
                )
            elif in_note:  # the renderer drops it: notes are not numbered inside notes
                diagnostics.error(
                    "footnote-in-footnote",
                    f"footnote '{loc[1]}' cites [^{key}]; a footnote's text cannot cite a footnote",
                    span,
                    "write the other note's words here, or cite both from the text",
                )
            else:
                used.add(key)
                if key not in defined:
                    undefined(key, span)
    for markdown_file in markdown_files.values():
        for citation in citations(markdown_file.data):
            used.add(citation.key)
            if citation.key not in defined:
                undefined(citation.key, markdown_file.span_at(citation.offset))
    for key in defined:
        if key not in used:
            diagnostics.warning(
                "footnote-unused", f"footnote '{key}' is never cited", source.key_span(("footnotes", key))
            )


# --------------------------------------------------------------------------- Markdown structure


def _check_markdown_structure(
    data_texts: list[Text], source: SourceFile, markdown_files: dict[Path, SourceFile], diagnostics: Diagnostics
) -> None:
    """Markdown nested deeper than MAX_MARKDOWN_DEPTH, and pictures from other websites, are errors
    at the line they are written on."""
    def check(text: str, inline: bool, span_of_line) -> None:
        found = structure(text, inline, MAX_MARKDOWN_DEPTH)
        if found is None:
            return
        if found.depth > MAX_MARKDOWN_DEPTH:
            diagnostics.error(
                "markdown-too-deep",
                f"the Markdown nests {found.depth} levels deep (quotes, lists and emphasis inside one "
                f"another); the limit is {MAX_MARKDOWN_DEPTH}",
                span_of_line(found.depth_line),
                "flatten the lists or quotes, and check for a run of '*', '_' or '>' pasted by mistake",
            )
        for address, line in found.remote_images:
            diagnostics.error(
                "markdown-remote-image",
                f"the picture '{address}' is on another website: a report never loads anything from "
                "the internet, so its readers' browsers would fetch it and the PDF would leave it out",
                span_of_line(line),
                "remove the picture, or say in words what it shows",
            )

    for loc, text, markdown in data_texts:
        if markdown is not None:
            start = text_span(source, loc)
            block = (*loc, "<text>") in source.positions
            check(text, markdown.inline,
                  lambda line, start=start, block=block: Span(start.path, start.line + line, 1) if block and line
                  else start)
    for markdown_file in markdown_files.values():
        path = str(markdown_file.path)
        check(markdown_file.data, False, lambda line, path=path: Span(path, line + 1, 1))
