"""Diagnostics: problems found in sources, with positions, collected rather than raised."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum

# Every character that does not print or prints as nothing: controls, zero-width and direction
# characters, separators, soft hyphens, lone surrogates. Messages show them written out, so a
# message can neither hide one nor act on the terminal that prints it.
_NOT_PRINTING = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                           "\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff\ud800-\udfff]")


def escaped(char: str) -> str:
    """One character that does not print, written out: '\\x1b', '\\n', '<U+200B>'."""
    code = ord(char)
    if code < 0x20 or 0x7f <= code <= 0x9f:
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(char, f"\\x{code:02x}")
    return f"<U+{code:04X}>"


def printable(text: str) -> str:
    """`text` with every character that does not print written out."""
    return _NOT_PRINTING.sub(lambda m: escaped(m.group()), text) if _NOT_PRINTING.search(text) else text


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Span:
    """A 1-based position in a source file."""

    path: str
    line: int = 1
    column: int = 1

    def display_path(self) -> str:
        try:
            return os.path.relpath(self.path)
        except ValueError:  # another drive on Windows
            return self.path


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    span: Span
    hints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))
        object.__setattr__(self, "hints", tuple(printable(hint) for hint in self.hints))

    def format(self) -> str:
        head = f"{printable(self.span.display_path())}:{self.span.line}:{self.span.column}: {self.severity.value}: {self.message}"
        return "\n".join([head, *(f"  hint: {h}" for h in self.hints)])

    def to_json(self) -> dict:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": printable(self.span.display_path()),
            "line": self.span.line,
            "column": self.span.column,
            "hints": list(self.hints),
        }


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics from one or more stages."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span, *hints: str) -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, span, tuple(hints)))

    def warning(self, code: str, message: str, span: Span, *hints: str) -> None:
        self.items.append(Diagnostic(Severity.WARNING, code, message, span, tuple(hints)))

    def extend(self, other: "Diagnostics | list[Diagnostic]") -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.span.path, d.span.line, d.span.column))

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class CompileError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Diagnostics):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics.sorted()))
