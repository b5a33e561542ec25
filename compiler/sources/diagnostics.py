"""Diagnostics: problems found in sources, with positions, collected rather than raised."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum


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

    def format(self) -> str:
        head = f"{self.span.display_path()}:{self.span.line}:{self.span.column}: {self.severity.value}: {self.message}"
        return "\n".join([head, *(f"  hint: {h}" for h in self.hints)])

    def to_json(self) -> dict:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.span.display_path(),
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
