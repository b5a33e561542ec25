"""Build events -> the terminal: a live progress bar (rich) in a terminal, plain lines otherwise.

Either way each line is printed as it comes (a report finished, a diagnostic); the bar only
counts the reports done and disappears at the end.
"""
from __future__ import annotations

from typing import Callable


class Progress:
    """Print lines while `total` reports build; `advance()` after each report."""

    def __init__(self, total: int, echo: Callable[..., None], terminal: bool, label: str = "building"):
        self.echo = echo
        self._bar = None
        if terminal and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self._bar = Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(highlight=False), transient=True)
            self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> "Progress":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def line(self, text: str, *, err: bool = False) -> None:
        """One line above the bar (text may carry the terminal's colour codes)."""
        if self._bar is None:
            self.echo(text, err=err)
        else:
            from rich.text import Text

            self._bar.console.print(Text.from_ansi(text))

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
