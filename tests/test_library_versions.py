"""The build cache's key names each library's version as importlib.metadata would, read faster."""
from __future__ import annotations

import sys
from importlib.metadata import version

from compiler.builds import cache


def test_versions_agree_with_importlib_metadata():
    assert cache.library_versions(cache.LIBRARIES) == {name: version(name) for name in cache.LIBRARIES}


def test_a_missing_distribution_is_absent():
    assert cache.library_versions(["no-such-distribution-here"]) == {"no-such-distribution-here": "absent"}


def test_the_first_on_the_path_wins_and_egg_info_is_asked_of_importlib(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Sample_Dist-2.0.dist-info").mkdir(parents=True)
    (second / "sample_dist-1.0.dist-info").mkdir(parents=True)
    (second / "Other.Dist-3.1-py3.11.egg-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    asked = []
    monkeypatch.setattr(cache, "_metadata_version", lambda name: asked.append(name) or "from metadata")
    found = cache.library_versions(["sample-dist", "other-dist"])
    assert found == {"sample-dist": "2.0", "other-dist": "from metadata"}
    assert asked == ["other-dist"]
