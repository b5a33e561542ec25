"""Preview pages as HTML text: the report with the toolbar and reload script, and the diagnostics page."""
from __future__ import annotations

import html
from pathlib import Path

from ..sources.diagnostics import Diagnostics

# Reloads the page when a new build is published. The report page also keeps its place: it saves
# its scroll position as it goes and returns to it, so an error page in between (and its fix)
# brings the author back where they were.
_RELOAD_SCRIPT = """<script>
(function () {
  var shown = %(epoch)d;
  var key = "inspection-preview-scroll";
  if (%(keeps_place)s) {
    if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
    var restore = function () {
      var saved = Number(sessionStorage.getItem(key));
      if (saved > 0) { window.scrollTo(0, saved); }
    };
    restore();
    if (document.readyState !== "complete") { window.addEventListener("load", restore); }
    window.addEventListener("pagehide", function () { sessionStorage.setItem(key, String(window.scrollY)); });
  }
  var events = new EventSource("/events");
  events.addEventListener("epoch", function (e) { if (Number(e.data) !== shown) { location.reload(); } });
})();
</script>"""


def _reload_script(epoch: int, *, keeps_place: bool) -> str:
    return _RELOAD_SCRIPT % {"epoch": epoch, "keeps_place": "true" if keeps_place else "false"}


_TOOLBAR = (
    '<div id="inspection-preview-bar" style="position:fixed;right:12px;bottom:12px;z-index:2147483647;'
    "font:13px/1.4 system-ui,sans-serif;background:#1d1d1b;color:#fff;padding:6px 10px;border-radius:6px;"
    'box-shadow:0 1px 4px rgba(0,0,0,.3)">Preview {state} &middot; '
    '<a href="/diagnostics" style="color:#ffdd00">{warnings}</a> &middot; '
    '<a href="/pdf" target="_blank" rel="noopener" style="color:#ffdd00">Open PDF</a></div>'
)


def inject_preview(report_html: str, epoch: int, diagnostics: Diagnostics) -> str:
    """The report with the preview toolbar and reload script added before </body>."""
    count = len(diagnostics.warnings)
    addition = _TOOLBAR.format(state="live", warnings=f"{count} warning{'s' * (count != 1)}")
    addition += _reload_script(epoch, keeps_place=True)
    at = report_html.lower().rfind("</body>")
    if at < 0:
        return report_html + addition
    return report_html[:at] + addition + report_html[at:]


def diagnostics_page(slug: str, diagnostics: Diagnostics, epoch: int, *, title: str | None = None) -> str:
    """A page listing diagnostics as path:line:col: severity: message, errors first."""
    ordered = sorted(diagnostics.sorted(), key=lambda d: d.severity.value != "error")
    items = []
    files: dict[str, list[str]] = {}  # each source read once, however many diagnostics it has
    for d in ordered:
        where = f"{d.span.display_path()}:{d.span.line}:{d.span.column}"
        hints = "".join(f'<div class="hint">hint: {html.escape(h)}</div>' for h in d.hints)
        excerpt = _excerpt(files, d.span.path, d.span.line, d.span.column)
        items.append(
            f'<li class="{d.severity.value}"><code>{html.escape(where)}</code>: '
            f'<strong>{d.severity.value}</strong>: {html.escape(d.message)}{excerpt}{hints}</li>'
        )
    errors = len(diagnostics.errors)
    if title is None:
        title = f"{slug}: {errors} error{'s' * (errors != 1)}" if errors else f"{slug}: diagnostics"
    lead = (
        "<p>The report cannot be built until these are fixed. Save the file and this page updates.</p>"
        if errors else '<p><a href="/">Back to the report</a></p>'
    )
    listing = f"<ol>{''.join(items)}</ol>" if items else "<p>No problems found.</p>"
    return simple_page(title, lead + listing, epoch)


def _excerpt(files: dict[str, list[str]], path: str, line: int, column: int) -> str:
    """The source line a diagnostic points at, with a caret under its column."""
    if path not in files:
        try:
            files[path] = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            files[path] = []
    lines = files[path]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].rstrip()
    caret = " " * (min(max(column, 1), len(text) + 1) - 1) + "^"
    return f'<pre class="excerpt">{line:>4} | {html.escape(text)}\n     | {caret}</pre>'


def simple_page(title: str, body: str, epoch: int) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1b}"
        "h1{font-size:1.4rem}li{margin:.4rem 0}li.error strong{color:#b00020}li.warning strong{color:#8a6100}"
        "code{background:#f3f2f1;padding:0 .2rem}.hint{color:#505a5f;margin-left:1.5rem}"
        "pre{white-space:pre-wrap;background:#f3f2f1;padding:1rem}"
        "pre.excerpt{white-space:pre;overflow-x:auto;padding:.3rem .6rem;margin:.3rem 0 .6rem}"
        f"</style></head><body><h1>{html.escape(title)}</h1>{body}"
        f"{_reload_script(epoch, keeps_place=False)}</body></html>"
    )
