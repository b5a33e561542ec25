"""One report's build -> `BuildResult`: its outputs, diagnostics and whether it came from the cache."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..sources.diagnostics import Diagnostics

FORMATS = ("html", "pdf")  # the documents a build can write; ratings.json is always written


@dataclass
class BuildResult:
    slug: str
    outputs: list[Path] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    files: list[Path] = field(default_factory=list)
    cached: bool = False  # the current outputs were already built from these inputs
    warnings: int = 0  # warnings of the build that made the outputs (for a cached one, that earlier build)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors()
