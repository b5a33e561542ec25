"""Seeded mutations of an example inspection, for the fuzz harness (`fuzz.py`).

A case is planned from (seed, index) alone, so any case can be made again on its own: the
example it copies and one to three operators, each applied to one file of the copy. Operators
are named by family: byte-* (any file, as bytes), line-* (YAML or Markdown lines), yaml-* (the
inspection.yaml) and md-* (a Markdown file, or a YAML value holding Markdown).
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Callable

from helpers import EXAMPLE_PATHS

# --------------------------------------------------------------------------- byte level


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _insert(rng, data: bytes, piece: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + piece + data[i:]


def byte_flip(rng, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def byte_insert(rng, data: bytes) -> bytes:
    return _insert(rng, data, bytes([rng.randrange(256)]))


def byte_delete(rng, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + data[i + rng.randint(1, 16):]


_CONTROLS = [bytes([c]) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] + \
    [chr(c).encode() for c in range(0x80, 0xA0)]


def byte_control(rng, data: bytes) -> bytes:
    return _insert(rng, data, rng.choice(_CONTROLS))


def byte_nul(rng, data: bytes) -> bytes:
    return _insert(rng, data, b"\x00")


_INVALID_UTF8 = [b"\xff", b"\xfe", b"\x80", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                 b"\xe2\x82", b"\xf4\x90\x80\x80"]


def byte_invalid_utf8(rng, data: bytes) -> bytes:
    return _insert(rng, data, rng.choice(_INVALID_UTF8))


def byte_bom(rng, data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data if rng.random() < 0.5 else _insert(rng, data, b"\xef\xbb\xbf")


def byte_tab(rng, data: bytes) -> bytes:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    i = rng.choice(starts) if rng.random() < 0.7 else _at(rng, data)
    return data[:i] + b"\t" + data[i:]


def byte_line_ends(rng, data: bytes) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r"]))
    return _insert(rng, data, rng.choice([b"\r", b"\r\r\n", b"\x0b", b"\x0c"]))


def byte_truncate(rng, data: bytes) -> bytes:
    return data[:_at(rng, data)]


_INVISIBLE = ["\u200b", "\u200d", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\u00ad", "\u180e", "\ufffe"]


def byte_invisible(rng, data: bytes) -> bytes:
    return _insert(rng, data, rng.choice(_INVISIBLE).encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- line level


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], i: int) -> int:
    """The index after line i and the lines indented under it."""
    end = i + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > _indent(lines[i])):
        end += 1
    return end


def line_duplicate(rng, lines: list[str]) -> list[str]:
    i = rng.randrange(len(lines))
    return lines[:i + 1] + [lines[i]] + lines[i + 1:]


def line_delete(rng, lines):
    i = rng.randrange(len(lines))
    return lines[:i] + lines[i + 1:]


def line_swap(rng, lines):
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines = list(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return lines


def line_indent(rng, lines):
    i = rng.randrange(len(lines))
    return lines[:i] + [" " * rng.randint(1, 8) + lines[i]] + lines[i + 1:]


def line_dedent(rng, lines):
    i = rng.randrange(len(lines))
    return lines[:i] + [lines[i][rng.randint(1, 8):] if lines[i].startswith(" ") else lines[i].lstrip()] + lines[i + 1:]


def line_blank(rng, lines):
    i = rng.randrange(len(lines) + 1)
    return lines[:i] + [rng.choice(["", " ", "  ", "\t", "---", "...", "#"])] + lines[i:]


def line_delete_block(rng, lines):
    i = rng.randrange(len(lines))
    end = _block_end(lines, i)
    return lines[:i] + lines[end:]


# --------------------------------------------------------------------------- YAML structure

_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[A-Za-z_][\w.-]*):(?P<rest>(?: .*)?)$")


def _key_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _KEY_LINE.match(line)] or [0]


def _set_value(lines: list[str], i: int, value: str) -> list[str]:
    match = _KEY_LINE.match(lines[i])
    if not match:
        return lines[:i] + [value] + lines[i + 1:]
    return lines[:i] + [f"{match['lead']}{match['key']}: {value}"] + lines[i + 1:]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


_VALUES = {
    "mapping": ["{a: 1, b: [2, 3]}", "{}", "{file: narrative/missing.md}", "{text: x, file: y}"],
    "list": ["[]", "[1, two, {three: 3}]", "[[[]]]", "[~, ~]"],
    "number": ["0", "-1", "1e400", "99999999999999999999", "0x1F", ".nan", "-.inf", "3.5", "010", "1:30", "2023-02-30"],
    "null": ["~", "null", "", "''", '""'],
    "bool": ["true", "no", "off", "Yes"],
    "tag": ["!!str 1", "!!int x", "!!binary aGk=", "!!python/object/apply:os.system [echo hi]", "!custom x",
            "!!set {a, b}", "!!omap [a: 1]", "!!map {a: 1}", "!!seq [a]", "!<tag:example.com,2000:x> y"],
    "escape": [r'"Cere\0dig\eion"', r'"1.1\e]0;PWNED\a"', r'"x\u200by"', r'"\u202eabc"', r'"a\x85b"',
               r'"\ud800"', r'"a\Lb\Pc"', r'"\x7f\x9b"', r'"tab\there"'],
    "hostile": ["<script>alert(1)</script>", '"<img src=x onerror=alert(1)>"', "javascript:alert(1)",
                "file:///etc/passwd", "../../../../etc/passwd", '"{{ 7*7 }}"', '"{% raw %}"', '"[[placeholder: x]]"',
                '"[^nope]"', "http://evil.example/x.png", '"</title><script>x</script>"', '"&amp; &lt;b&gt;"'],
}


def _value_op(kind: str) -> Callable:
    def op(rng, lines):
        return _set_value(lines, rng.choice(_key_lines(lines)), rng.choice(_VALUES[kind]))
    op.__name__ = f"yaml_{kind}"
    return op


def yaml_huge_string(rng, lines):
    size = rng.choice([300, 5_000, 40_000, 200_000])
    word = "x" * size if rng.random() < 0.5 else " ".join(["word"] * (size // 5))
    return _set_value(lines, rng.choice(_key_lines(lines)), _quoted(word))


def yaml_anchor_alias(rng, lines):
    keys = _key_lines(lines)
    i, j = rng.choice(keys), rng.choice(keys)
    choice = rng.random()
    if choice < 0.3:
        return _set_value(lines, j, "*nope")
    if choice < 0.6:  # an alias of a mapping's key into a value elsewhere
        match = _KEY_LINE.match(lines[i])
        if match:
            lines = lines[:i] + [f"{match['lead']}{match['key']}: &fz{match['rest'] or ' ~'}"] + lines[i + 1:]
        return _set_value(lines, j, "*fz")
    levels = ["x-fz0: &fz0 [a, a, a, a, a, a, a, a, a, a]"]
    levels += [f"x-fz{n}: &fz{n} [" + ", ".join([f"*fz{n - 1}"] * 10) + "]" for n in range(1, 6)]
    return levels + _set_value(lines, j, "*fz5")


def yaml_delete_key(rng, lines):
    i = rng.choice(_key_lines(lines))
    end = _block_end(lines, i)
    return lines[:i] + lines[end:]


def yaml_misspell_key(rng, lines):
    i = rng.choice(_key_lines(lines))
    match = _KEY_LINE.match(lines[i])
    if not match:
        return lines
    key = match["key"]
    k = rng.randrange(len(key))
    key = rng.choice([key[:k] + key[k + 1:], key[:k] + "x" + key[k:], key.upper(), key[::-1], key + "_", key + "\u200b"])
    return lines[:i] + [f"{match['lead']}{key or 'k'}:{match['rest']}"] + lines[i + 1:]


def yaml_duplicate_key(rng, lines):
    i = rng.choice(_key_lines(lines))
    end = _block_end(lines, i)
    block = lines[i:end]
    if block and block[0].lstrip().startswith("- "):  # a second key of the same item, not a second item
        block = [block[0].replace("- ", "  ", 1)] + block[1:]
    return lines[:end] + block + lines[end:]


# --------------------------------------------------------------------------- Markdown


def _deep_quote(rng):
    return "> " * rng.choice([5, 50, 200, 700]) + "deep"


def _deep_list(rng):
    return "\n".join("  " * n + "- item" for n in range(rng.choice([5, 30, 120, 400])))


def _deep_emphasis(rng):
    n = rng.choice([3, 40, 300, 2000])
    return rng.choice(["*" * n + "x" + "*" * n, "_" * n + "x", "**a *b " * n, "[" * n + "x" + "]" * n,
                       "<span>" * n + "x", "`" * n + "x"])


_HTML = ["<script>alert(1)</script>", '<img src="http://evil.example/x.png" onerror="alert(1)">',
         '<iframe src="http://evil.example/"></iframe>', '<a href="javascript:alert(1)">x</a>',
         '<div onclick="alert(1)">x</div>', "<style>@import url(http://evil.example/x.css);</style>",
         '<link rel="stylesheet" href="http://evil.example/x.css">', "<!-- c -->", "<svg onload=alert(1)>",
         '<object data="http://evil.example/x"></object>', '<base href="http://evil.example/">',
         '<meta http-equiv="refresh" content="0;url=http://evil.example/">', '<p style="background:url(http://evil.example/x)">x</p>',
         "</div></section></main>", "<details open ontoggle=alert(1)>", "<b>unclosed", "<x-y>custom</x-y>"]

_IMAGES = ["![x](http://evil.example/i.png)", "![x](https://evil.example/i.png)", "![x](//evil.example/i.png)",
           "![x](file:///etc/passwd)", "![x](../../../../etc/passwd)", "![x](/etc/passwd)", "![x](missing.png)",
           "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "![x][r]\n\n[r]: http://evil.example/i.png",
           '![x](http://evil.example/i.png "t")', "![x](HTTP://EVIL.EXAMPLE/i.png)"]

_LINKS = ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:msgbox)", "<javascript:alert(1)>",
          "[x](data:text/html,<script>alert(1)</script>)", "[x](file:///etc/passwd)", "[x](http://ok.example/)",
          "[x]", "[x][nope]", "[x](<> 'title')", "[x](java\nscript:alert(1))", "<http://ok.example/>",
          "[x](&#106;avascript:alert(1))"]


def _table(rng):
    cols = rng.choice([1, 3, 60])
    head = " | ".join(rng.choice(["A & B", "<b>C</b>", "&amp;", "", "x|y", "`|`"]) for _ in range(cols))
    sep = " | ".join("---" for _ in range(rng.choice([cols, max(1, cols - 1)])))
    rows = ["| " + " | ".join("c" for _ in range(rng.randint(0, cols + 2))) + " |" for _ in range(rng.randint(0, 5))]
    return "\n".join([f"| {head} |", f"| {sep} |", *rows])


def _huge_word(rng):
    return "w" * rng.choice([200, 3_000, 60_000])


_MISC = ["[^nope]", "[^a]: note [^a]", "&#0; &#x1b; &#xd800; &#x202e; &amp;amp; &lt;script&gt;", "{{ 7*7 }}",
         "{% include '/etc/passwd' %}", "```\nunclosed fence", "    indented code\x1b", "####### seven", "# " + "#" * 50,
         "* * *\n- - -", "<" * 500, "\\" * 300, "[[placeholder: x]]", "\u202eevil"]

_MARKDOWN = {
    "deep-quote": _deep_quote, "deep-list": _deep_list, "emphasis": _deep_emphasis,
    "html": lambda rng: rng.choice(_HTML), "remote-image": lambda rng: rng.choice(_IMAGES),
    "link": lambda rng: rng.choice(_LINKS), "table": _table, "huge-word": _huge_word,
    "misc": lambda rng: rng.choice(_MISC),
}


# --------------------------------------------------------------------------- the catalogue

BYTE_OPS = {f"byte-{f.__name__[5:].replace('_', '-')}": f for f in (
    byte_flip, byte_insert, byte_delete, byte_control, byte_nul, byte_invalid_utf8, byte_bom, byte_tab,
    byte_line_ends, byte_truncate, byte_invisible)}
LINE_OPS = {f"line-{f.__name__[5:].replace('_', '-')}": f for f in (
    line_duplicate, line_delete, line_swap, line_indent, line_dedent, line_blank, line_delete_block)}
YAML_OPS = {**{f"yaml-{kind}": _value_op(kind) for kind in _VALUES},
            "yaml-huge-string": yaml_huge_string, "yaml-anchor-alias": yaml_anchor_alias,
            "yaml-delete-key": yaml_delete_key, "yaml-misspell-key": yaml_misspell_key,
            "yaml-duplicate-key": yaml_duplicate_key}
MD_OPS = {f"md-{name}": make for name, make in _MARKDOWN.items()}
OPERATORS = [*BYTE_OPS, *LINE_OPS, *YAML_OPS, *MD_OPS]


def operators(exclude: tuple[str, ...] = ()) -> list[str]:
    """The operator names left once those starting with any of `exclude` are taken out."""
    return [name for name in OPERATORS if not any(name.startswith(prefix) for prefix in exclude)]


def _files(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}") if p.is_file())


def _apply(rng: random.Random, folder: Path, name: str) -> str:
    """Apply operator `name` to one file of `folder`; a line saying what was done."""
    entry = folder / "inspection.yaml"
    markdown = _files(folder, ".md")
    if name in BYTE_OPS:
        pick = rng.random()
        target = entry if pick < 0.5 or not markdown else folder / "ratings.lock" if pick > 0.95 else rng.choice(markdown)
        target.write_bytes(BYTE_OPS[name](rng, target.read_bytes()))
    elif name in MD_OPS and markdown and rng.random() < 0.75:
        target = rng.choice(markdown)
        lines = _lines(target.read_text(encoding="utf-8", errors="surrogateescape"))
        i = rng.randint(0, len(lines))
        lines = lines[:i] + ["", MD_OPS[name](rng), ""] + lines[i:]
        target.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")
    else:
        target = entry if name not in LINE_OPS or not markdown or rng.random() < 0.6 else rng.choice(markdown)
        lines = _lines(target.read_text(encoding="utf-8", errors="surrogateescape"))
        if name in MD_OPS:  # Markdown in a YAML text value
            lines = _set_value(lines, rng.choice(_key_lines(lines)), _quoted(MD_OPS[name](rng)))
        else:
            lines = (LINE_OPS.get(name) or YAML_OPS[name])(rng, lines or [""])
        target.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")
    return f"{name} on {target.relative_to(folder)}"


def plan(seed: int, index: int, exclude: tuple[str, ...] = ()) -> tuple[Path, list[str], random.Random]:
    """Case `index` of run `seed`: the example it copies, its operators, and the generator to apply them."""
    rng = random.Random(f"fuzz/{seed}/{index}")
    example = rng.choice(EXAMPLE_PATHS)
    names = operators(exclude)
    chosen = [rng.choice(names) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    return example, chosen, rng


def make_case(seed: int, index: int, dest: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Write case `index` of run `seed` as an inspection folder at `dest`; the mutations applied."""
    example, chosen, rng = plan(seed, index, exclude)
    shutil.copytree(example, dest)
    return [_apply(rng, dest, name) for name in chosen]
