"""fetch: the PDF renderer may read project templates, fonts and data: URIs, nothing else."""
from __future__ import annotations

import base64

import pytest

from compiler.render.fetch import ALLOWED_ROOTS, FetchRefused, fetch, resolve_allowed
from compiler.render.resources import FONTS_DIR, TEMPLATES_DIR



def test_reads_project_fonts_and_templates():
    font = fetch((FONTS_DIR / "DejaVuSans.ttf").as_uri())
    assert font.mime_type == "font/ttf" and font.data[:4] == b"\x00\x01\x00\x00"
    css = fetch((TEMPLATES_DIR / "print.css").as_uri())
    assert b"@page" in css.data


def test_reads_data_uris():
    payload = base64.b64encode(b"<svg/>").decode()
    assert fetch(f"data:image/svg+xml;base64,{payload}").data == b"<svg/>"
    assert fetch("data:text/plain,a%20b").data == b"a b"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (TEMPLATES_DIR.parent / "pyproject.toml").as_uri(),
    (TEMPLATES_DIR / ".." / "compiler" / "sources" / "model.py").as_uri(),
    TEMPLATES_DIR.as_uri() + "/%2e%2e/pyproject.toml",
    "https://example.org/font.ttf",
    "http://localhost/templates/print.css",
    "ftp://example.org/x",
    "file://otherhost" + (TEMPLATES_DIR / "print.css").as_posix(),
])
def test_refuses_anything_else(url):
    with pytest.raises(FetchRefused):
        fetch(url)


def test_refuses_a_symlink_out_of_an_allowed_root(tmp_path, monkeypatch):
    from compiler.render import fetch as fetch_module

    root, outside = tmp_path / "fonts", tmp_path / "secret.txt"
    root.mkdir()
    outside.write_text("secret")
    (root / "inside.txt").write_text("fine")
    (root / "link.txt").symlink_to(outside)
    monkeypatch.setattr(fetch_module, "ALLOWED_ROOTS", (root,))
    assert resolve_allowed((root / "inside.txt").as_uri()) == (root / "inside.txt").resolve()
    with pytest.raises(FetchRefused):
        resolve_allowed((root / "link.txt").as_uri())


def test_allowed_roots_are_the_project_templates_and_fonts():
    assert sorted(p.name for p in ALLOWED_ROOTS) == ["fonts", "templates"]
    assert all(p.parent == TEMPLATES_DIR.parent for p in ALLOWED_ROOTS)


def test_pdf_cannot_embed_a_file_outside_the_project(tmp_path):
    from compiler.render.pdf import render_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    ))
    warnings: list[str] = []
    html = f'<html lang="en"><body><p>x</p><img alt="x" src="{secret.as_uri()}"></body></html>'
    render_pdf(html, TEMPLATES_DIR.as_uri() + "/", warnings=warnings)
    assert any("secret.png" in w for w in warnings)
