"""A YAML parser error (or a suspicious node) and the source text -> the slip in plain words, on its line.

Authors' usual YAML slips come out of the parser in its own terms, often lines away from the
slip. Each explanation here names the line of the slip, says what to do, and keeps the parser's
own words as a hint. Anything not recognised is left to the caller's general message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# Characters YAML reserves at the start of a plain value, and what it makes of them.
_RESERVED = {"*": "YAML reads text that starts with '*' as an alias (a reference to an anchor)",
             "&": "YAML reads text that starts with '&' as an anchor (a name to reuse a value by)",
             "!": "YAML reads text that starts with '!' as a tag (a type name)",
             "%": "YAML reads text that starts with '%' as a directive",
             "@": "YAML reserves '@' at the start of text",
             "`": "YAML reserves '`' at the start of text"}
_KEY = re.compile(r"[a-z_][a-z0-9_]*")  # how every key of an inspection or rules file is spelt
# The start of a line: indentation, list dashes, and a key with its colon if there is one.
_LINE_START = re.compile(r"(?P<lead>[ \t]*(?:-[ \t]+)*)(?:(?P<key>[^\s#'\"\[\]{},:][^:#]*?):[ \t]+)?")
QUOTE_TEXT = "put the text in quotes"


@dataclass(frozen=True)
class Slip:
    """A slip's 1-based position, what to do about it, and the parser's words as hints."""

    line: int
    column: int
    message: str
    hints: tuple[str, ...] = ()


class _Source:
    """The text and its lines, split where YAML counts line breaks."""

    def __init__(self, text: str):
        self.text = text
        self.lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", text)

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""


def _parser_said(exc: yaml.MarkedYAMLError, line: int) -> str:
    """The parser's own words, with its position where that is not the line reported."""
    words = exc.problem or exc.context or str(exc)
    mark = exc.problem_mark
    where = f" (at line {mark.line + 1})" if mark is not None and mark.line + 1 != line else ""
    return f"the YAML parser said: {words}{where}"


def _value_start(line: str) -> int:
    """Where the text of a value or list item starts on `line` (0-based): after its key, if it has one."""
    match = _LINE_START.match(line)
    key = match.group("key") if match else None
    if match and key is not None and _KEY.fullmatch(key.strip()):
        return match.end()
    return len(match.group("lead")) if match else 0


def quoted(text: str) -> str:
    """`text` as a YAML quoted value that reads back as the same text."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _in_quotes(line: str, start: int | None = None) -> str:
    """A hint showing `line` with its value (from `start`, or after its key) in quotes."""
    if start is None:
        start = _value_start(line)
    before = line[:start].strip()
    value = re.split(r"\s+#", line[start:], maxsplit=1)[0].rstrip()
    return "write it as: " + (f"{before} " if before else "") + quoted(value)


def _tab(exc, source: _Source) -> Slip | None:
    mark = exc.problem_mark
    if "'\\t'" not in (exc.problem or ""):
        return None
    before = source.line(mark.line)[: mark.column]
    where = "in the indentation: indent with spaces, not tabs" if not before.strip() else "here: use spaces, not tabs"
    return Slip(mark.line + 1, mark.column + 1, f"a tab {where}", (_parser_said(exc, mark.line + 1),))


def _colon_in_text(exc, source: _Source) -> Slip | None:
    if exc.problem != "mapping values are not allowed here":
        return None
    mark = exc.problem_mark
    line = source.line(mark.line)
    start = _value_start(line)
    if start >= mark.column:  # the colon is the line's own: the line is out of place
        return _indented_further(exc, source)
    return Slip(mark.line + 1, mark.column + 1,
                f"a colon and a space inside text start a new key in YAML: {QUOTE_TEXT}",
                (_in_quotes(line), _parser_said(exc, mark.line + 1)))


def _indented_further(exc, source: _Source) -> Slip | None:
    """`key: value` indented further than the key above it: YAML reads it as more of that value."""
    mark = exc.problem_mark
    line = source.line(mark.line)
    above = next((source.line(n) for n in range(mark.line - 1, -1, -1)
                  if source.line(n).strip() and not source.line(n).lstrip().startswith("#")), "")
    indent, indent_above = len(line) - len(line.lstrip(" ")), len(above) - len(above.lstrip(" "))
    if not above or indent <= indent_above or _value_start(above) >= len(above.rstrip()):
        return None
    return Slip(mark.line + 1, indent + 1,
                f"this line is indented further than the line above it, so YAML reads it as more of that "
                f"line's text: line it up with the key above ({indent_above} spaces)",
                (_parser_said(exc, mark.line + 1),))


def _reserved_start(exc, source: _Source) -> Slip | None:
    problem = exc.problem or ""
    if "that cannot start any token" in problem:
        mark = exc.problem_mark
    elif exc.context in ("while scanning an alias", "while scanning an anchor"):
        mark = exc.context_mark
    else:
        return None
    line = source.line(mark.line)
    character = line[mark.column: mark.column + 1]
    if character not in _RESERVED:
        return None
    return _reserved_slip(mark, line, character, (_parser_said(exc, mark.line + 1),))


def _reserved_slip(mark, line: str, character: str, hints: tuple[str, ...]) -> Slip:
    message = f"{_RESERVED[character]}: {QUOTE_TEXT}"
    return Slip(mark.line + 1, mark.column + 1, message, (_in_quotes(line, mark.column), *hints))


def _no_space_after_colon(exc, source: _Source) -> Slip | None:
    if exc.context != "while scanning a simple key" or exc.context_mark is None:
        return None
    mark = exc.context_mark
    line = source.line(mark.line)
    rest = line[mark.column:]
    glued = re.match(r"([^\s:#]+):(?=\S)", rest)
    if glued:
        column = mark.column + glued.end()
        fixed = line[:column] + " " + line[column:]
        return Slip(mark.line + 1, column, "no space after the colon: put a space after the colon",
                    (f"write it as: {fixed.strip()}", _parser_said(exc, mark.line + 1)))
    return Slip(mark.line + 1, mark.column + 1,
                "a line of text where a key is expected: write it as 'key: value', or indent it under the "
                "value it continues", (_parser_said(exc, mark.line + 1),))


def _open_bracket(exc, source: _Source) -> Slip | None:
    if exc.context not in ("while parsing a flow sequence", "while parsing a flow mapping") or not exc.context_mark:
        return None
    mark = exc.context_mark
    line = source.line(mark.line)
    bracket, closing, kind = ("[", "]", "list") if "sequence" in exc.context else ("{", "}", "mapping")
    if line[mark.column: mark.column + 1] != bracket:
        return None
    return Slip(mark.line + 1, mark.column + 1,
                f"text cannot start with '{bracket}' (YAML reads it as a {kind} that must end with '{closing}'): "
                f"{QUOTE_TEXT}", (_in_quotes(line, mark.column), _parser_said(exc, mark.line + 1)))


def _tokens_before(text: str, mark: yaml.Mark) -> list[yaml.Token]:
    """The tokens the scanner reads before `mark` (it may fail later; what came before is enough)."""
    tokens = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _quote_slip(exc, source: _Source) -> Slip | None:
    """A quote that is not closed on its line, or closed before the text ends."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        quote = source.line(opened.line)[opened.column: opened.column + 1]
        return _unclosed(exc, opened, quote)
    if exc.problem_mark is None or not isinstance(exc, yaml.parser.ParserError):
        return None
    scalars = [t for t in _tokens_before(source.text, exc.problem_mark) if isinstance(t, yaml.ScalarToken)]
    last = scalars[-1] if scalars else None
    if last is None or last.style not in ('"', "'"):
        return None
    opened = last.start_mark
    quote = last.style
    if last.end_mark.line != opened.line:
        return _unclosed(exc, opened, quote)
    if exc.problem_mark.line == opened.line:  # text goes on after the closing quote
        line = source.line(opened.line)
        return Slip(opened.line + 1, opened.column + 1,
                    f"the text starts with a quote mark ({quote}), so YAML ends it at the next one and cannot "
                    f"read what follows: {QUOTE_TEXT}, all of it",
                    (_in_quotes(line, opened.column), _parser_said(exc, opened.line + 1)))
    return None


def _unclosed(exc, opened: yaml.Mark, quote: str) -> Slip:
    return Slip(opened.line + 1, opened.column + 1,
                f"the quote mark ({quote}) that opens this text is not closed on its line: end the text with "
                f"{quote} too",
                (_parser_said(exc, opened.line + 1),))


_EXPLAINERS = (_tab, _colon_in_text, _reserved_start, _no_space_after_colon, _open_bracket, _quote_slip)


def explain_error(exc: yaml.MarkedYAMLError, text: str) -> Slip | None:
    """The slip behind a parser error, in plain words at its own line; None if not a known slip."""
    source = _Source(text)
    for explain in _EXPLAINERS:
        slip = explain(exc, source)
        if slip is not None:
            return slip
    return None


def explain_anchor(mark: yaml.Mark, text: str, refusal: str) -> Slip | None:
    """An anchor or alias the loader refuses, when it is text that starts with '&' or '*'."""
    line = _Source(text).line(mark.line)
    character = line[mark.column: mark.column + 1]
    name_and_rest = line[mark.column + 1:].split(None, 1)
    if character not in ("&", "*") or len(name_and_rest) < 2 or name_and_rest[1].startswith("#"):
        return None  # a real anchor or alias, not text: the refusal says it all
    return _reserved_slip(mark, line, character, (refusal,))


def explain_tag(node: yaml.ScalarNode, text: str) -> Slip | None:
    """A scalar whose text starts with '!' (a local tag): text to quote, not a type."""
    if not node.tag.startswith("!"):
        return None
    mark = node.start_mark
    return _reserved_slip(mark, _Source(text).line(mark.line), "!", (f"the YAML parser read the tag {node.tag}",))


def items_read_as_keys(root: yaml.Node, text: str) -> list[Slip]:
    """List items like `- Staff told us: they felt supported`: text that YAML reads as a one-key mapping.

    Every key of an inspection or rules file is a lowercase word (`text:`, `file:`), so an item
    whose single key has spaces or capitals, with its value on the same line, is text.
    """
    source = _Source(text)
    slips = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                slip = _item_read_as_key(item, source)
                if slip is not None:
                    slips.append(slip)
                else:
                    stack.append(item)
    return sorted(slips, key=lambda s: (s.line, s.column))


def _item_read_as_key(item: yaml.Node, source: _Source) -> Slip | None:
    if not isinstance(item, yaml.MappingNode) or item.flow_style or len(item.value) != 1:
        return None
    key, value = item.value[0]
    # a plain key: style None from the Python composer, "" from libyaml
    if not (isinstance(key, yaml.ScalarNode) and not key.style and isinstance(value, yaml.ScalarNode)):
        return None
    if _KEY.fullmatch(key.value) or value.start_mark.line != key.start_mark.line:
        return None
    mark = key.start_mark
    line = source.line(mark.line)
    return Slip(mark.line + 1, mark.column + 1,
                f"this list item's text holds a colon and a space, so YAML reads it as a key and a value: "
                f"{QUOTE_TEXT}",
                (_in_quotes(line, mark.column), f"YAML read the key '{key.value}' with the value '{value.value}'"))
