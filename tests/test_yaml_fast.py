"""The C fast path of YAML loading gives exactly what the Python loader gives, or steps aside."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from compiler.sources import yaml_fast, yaml_source
from compiler.sources.diagnostics import Diagnostics
from tests import fuzz_mutate

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(yaml_source._FastLoader is None, reason="PyYAML was built without libyaml")


def _load(text: str, fast: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yaml_fast, "compose", lambda *args, **kwargs: None)
        diagnostics = Diagnostics()
        source = yaml_source.load_yaml(Path("source.yaml"), diagnostics, text=text)
    loaded = None if source is None else (repr(source.data), source.positions)
    return loaded, [str(d) for d in diagnostics.errors], [str(d) for d in diagnostics.warnings]


def _texts() -> list[str]:
    files = sorted([*ROOT.glob("inspections/*/*.yaml"), *ROOT.glob("compiler/**/*.yaml"),
                    *ROOT.glob("tests/fixtures/**/*.yaml")])
    return [path.read_text(encoding="utf-8") for path in files]


def test_every_project_source_takes_the_fast_path_and_loads_the_same(monkeypatch):
    texts = _texts()
    assert len(texts) >= 10
    fast = [t for t in texts if yaml_fast.compose(t, yaml_source._FastLoader, yaml_source.MAX_DEPTH)]
    assert len(fast) >= len(texts) - 1  # each example's inspection.yaml and the rules
    for text in texts:
        assert _load(text, True, monkeypatch) == _load(text, False, monkeypatch)


@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n", "\ufeffa: 1\n", "a: &x 1\nb: *x\n", "a: !!omap [b: 1]\n", "a: " + "[" * 50 + "]" * 50 + "\n",
    "a: \"\\x07\"\n", "área: é — ü\nb: |\n  text\n  more\nc: >\n  folded\n", "a: yes\nb: 010\nc: 1:30\nd: 2024-01-01\n",
    "a: 1\na: 2\n", "- a\n- b: [1, 2\n", "a: b: c\n", "<<: {a: 1}\n",
    "items:\n  - Staff told us: they felt supported\n  - {text: flow}\n  - 'quoted': x\n",
])
def test_awkward_texts_load_the_same_either_way(text, monkeypatch):
    assert _load(text, True, monkeypatch) == _load(text, False, monkeypatch)


def test_mutated_sources_load_the_same_either_way(monkeypatch):
    rng = random.Random(5)
    texts = [t for t in _texts() if "meta:" in t]
    names = [*fuzz_mutate.BYTE_OPS, *fuzz_mutate.LINE_OPS, *fuzz_mutate.YAML_OPS]
    for _ in range(300):
        name = rng.choice(names)
        text = rng.choice(texts)
        if name in fuzz_mutate.BYTE_OPS:
            text = fuzz_mutate.BYTE_OPS[name](rng, text.encode("utf-8")).decode("utf-8", "replace")
        else:
            op = fuzz_mutate.LINE_OPS.get(name) or fuzz_mutate.YAML_OPS[name]
            text = "\n".join(op(rng, text.split("\n")))
        assert _load(text, True, monkeypatch) == _load(text, False, monkeypatch), name
