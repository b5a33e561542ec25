"""YAML file -> (plain data, positions). With yaml_fast and yaml_slips, the only modules that know YAML.

Loading is safe (no Python tags), refuses anchors and aliases, reports duplicate keys, and
keeps dates and YAML 1.1 booleans such as `yes`/`no`/`on` as plain strings, so that a key
named `yes` stays the string "yes" and the model decides what every value means. Numbers are
read as YAML 1.2 writes them: `010` is ten (not octal eight) and `1:30` is text. Control
characters, lone surrogates and nesting deeper than `MAX_DEPTH` are reported, never raised.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostics, Span
from .limits import MAX_SOURCE_BYTES, size_text
from . import yaml_fast
from .yaml_slips import Slip, explain_anchor, explain_error, explain_tag, items_read_as_keys

Loc = tuple[Any, ...]
# Far deeper than any report needs (the examples reach 11); deeper input would exhaust the stack.
MAX_DEPTH = 40
_SURROGATE = re.compile("[\ud800-\udfff]")


class _TooDeep(yaml.composer.ComposerError):
    """Nesting deeper than MAX_DEPTH: refused before Python's recursion limit is reached."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like scalars: only true/false are booleans; dates stay strings."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed in inspection sources", event.start_mark
            )
        if not isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(None, None, f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                               event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_YAML_1_1_ONLY = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int",
                  "tag:yaml.org,2002:float")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _YAML_1_1_ONLY]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 core schema numbers (no octal `010`, no sexagesimal `1:30`, no `1_000`).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # raises ValueError past Python's digit limit: reported as an invalid value


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

if yaml_fast.CParser is not None:

    class _FastLoader(yaml_fast.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """`_Loader`'s scalars, composed by libyaml: used only through `yaml_fast.compose`."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors

        def __init__(self, stream):
            yaml_fast.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:
    _FastLoader = None


@dataclass
class SourceFile:
    """One loaded YAML file: its data and where each value and key stands."""

    path: Path
    data: Any
    # loc -> span of the value; keys of mappings also under loc + ("<key>",)
    positions: dict[Loc, Span] = field(default_factory=dict)
    # The text the data was read from, so later checks place problems without reading the file again
    # (under `serve` an editor may have saved a newer version in between).
    text: str = ""

    def span(self, loc: Loc) -> Span:
        """The position of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), Span(str(self.path), 1, 1))

    def key_span(self, loc: Loc) -> Span:
        """The position of the key that names `loc` (for 'unknown key' messages)."""
        return self.positions.get(tuple(loc) + ("<key>",)) or self.span(loc)

    @cached_property
    def _line_starts(self) -> list[int]:
        return _line_starts(self.text)

    def offset(self, span: Span) -> int:
        """Where in `text` a 1-based line and column of this file stands."""
        starts = self._line_starts
        return starts[min(max(span.line, 1), len(starts)) - 1] + span.column - 1

    def span_at(self, offset: int) -> Span:
        """The line and column of a character offset into `text`."""
        return _offset_span(self.path, self.text, offset, self._line_starts)


def _span(path: Path, mark: yaml.Mark) -> Span:
    return Span(str(path), mark.line + 1, mark.column + 1)


# Line breaks as YAML counts them, so offsets agree with the parser's line numbers.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def _offset_span(path: Path, text: str, offset: int, line_starts: list[int] | None = None) -> Span:
    starts = line_starts if line_starts is not None else _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return Span(str(path), line, offset - starts[line - 1] + 1)


def text_span(source: SourceFile, loc: Loc) -> Span:
    """Where the text of a block scalar at `loc` starts (the line after `|` or `>`)."""
    return source.positions.get(tuple(loc) + ("<text>",)) or source.span(loc)


def load_yaml(path: Path, diagnostics: Diagnostics, *, text: str | None = None) -> SourceFile | None:
    """Parse one YAML file; on failure record diagnostics and return None."""
    path = Path(path)
    if text is None:
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                _too_large(path, path.stat().st_size, diagnostics)
                return None
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            diagnostics.error("file-missing", f"file not found: {path}", Span(str(path)))
            return None
        except UnicodeDecodeError as exc:
            diagnostics.error("file-encoding", f"file is not UTF-8 text ({exc.reason})", Span(str(path)))
            return None
        except OSError as exc:
            diagnostics.error("file-unreadable", f"cannot read file ({exc.strerror})", Span(str(path)))
            return None
    if len(text) > MAX_SOURCE_BYTES:  # characters: at most the bytes
        _too_large(path, len(text.encode("utf-8", "surrogatepass")), diagnostics)
        return None
    fast = yaml_fast.compose(text, _FastLoader, MAX_DEPTH) if _FastLoader is not None else None
    if fast is not None:
        node, loader = fast
        try:
            return _source_from_node(path, text, node, loader, diagnostics)
        finally:
            loader.dispose()
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL or BEL
        diagnostics.error(
            "yaml-character",
            f"character U+{exc.character:04X} is not allowed (control characters other than tab and line breaks)",
            _offset_span(path, text, exc.position),
        )
        return None
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        diagnostics.error("yaml-depth", exc.problem, _span(path, exc.problem_mark))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _span(path, mark) if mark else Span(str(path))
        message = exc.problem or exc.context or "invalid YAML"
        if "anchors and aliases" in message:
            slip = explain_anchor(mark, text, message) if mark else None
            if slip is not None:
                _report_slip(path, slip, diagnostics, "yaml-alias")
            else:
                diagnostics.error("yaml-alias", message, span)
        else:
            slip = explain_error(exc, text)
            if slip is not None:
                _report_slip(path, slip, diagnostics)
            else:
                diagnostics.error("yaml-syntax", f"invalid YAML ({message})", span)
        return None
    except yaml.YAMLError as exc:
        diagnostics.error("yaml-syntax", f"invalid YAML ({exc})", Span(str(path)))
        return None
    finally:
        if "loader" in locals():
            loader.dispose()
    return _source_from_node(path, text, node, loader, diagnostics)


def _source_from_node(path: Path, text: str, node, loader, diagnostics: Diagnostics) -> SourceFile | None:
    source = SourceFile(path, None, text=text)
    if node is None:
        source.data = None
        source.positions[()] = Span(str(path))
        return source
    slips = items_read_as_keys(node, text)
    for slip in slips:
        _report_slip(path, slip, diagnostics)
    if slips:
        return None
    before = len(diagnostics.errors)
    source.data = _build(node, (), source, loader, diagnostics)
    if len(diagnostics.errors) > before:
        return None
    return source


def _too_large(path: Path, size: int, diagnostics: Diagnostics) -> None:
    diagnostics.error(
        "file-too-large",
        f"the file is {size_text(size)}; a YAML source may be at most {size_text(MAX_SOURCE_BYTES)}",
        Span(str(path)),
        "move long narrative into Markdown files under narrative/, each named by a `- file:` block",
    )


def _report_slip(path: Path, slip: Slip, diagnostics: Diagnostics, code: str = "yaml-syntax") -> None:
    diagnostics.error(code, slip.message, Span(str(path), slip.line, slip.column), *slip.hints)


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(node: yaml.Node, loc: Loc, source: SourceFile, loader: _Loader, diagnostics: Diagnostics) -> Any:
    span = _span(source.path, node.start_mark)
    source.positions[loc] = span
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
        kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
        diagnostics.error("yaml-tag", f"unsupported YAML tag {tag} on a {kind}", span,
                          "delete the tag (the word starting with '!'): inspection sources use no tags")
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_span = _span(source.path, key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                diagnostics.error("yaml-alias", "merge keys (<<) are not allowed in inspection sources", key_span)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                diagnostics.error("yaml-key", "mapping keys must be plain text", key_span)
                continue
            key = key_node.value
            if _SURROGATE.search(key):
                diagnostics.error("yaml-character", "a key holds an invalid character escape (a lone surrogate)",
                                  key_span)
                continue
            if key in result:
                first = source.positions[loc + (key, "<key>")]
                diagnostics.error(
                    "yaml-duplicate-key", f"duplicate key '{key}' (first given at line {first.line})", key_span
                )
                continue
            source.positions[loc + (key, "<key>")] = key_span
            result[key] = _build(value_node, loc + (key,), source, loader, diagnostics)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), source, loader, diagnostics) for i, item in enumerate(node.value)]
    if node.style in ("|", ">"):
        source.positions[loc + ("<text>",)] = Span(str(source.path), node.start_mark.line + 2, 1)
    if node.tag not in (
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    ):
        slip = explain_tag(node, source.text)
        if slip is not None:
            _report_slip(source.path, slip, diagnostics, "yaml-tag")
        else:
            diagnostics.error("yaml-tag", f"unsupported YAML tag {node.tag}", span)
        return node.value
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        diagnostics.error("yaml-value", f"invalid value ({exc})", span)
        return node.value
    except ValueError:  # an integer longer than Python converts
        diagnostics.error("yaml-value", f"number too large ({len(node.value)} digits)", span)
        return None
    if isinstance(value, str) and _SURROGATE.search(value):
        diagnostics.error("yaml-character", "the text holds an invalid character escape (a lone surrogate)", span)
    return value
