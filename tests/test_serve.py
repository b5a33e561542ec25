"""`inspection serve`: answers on loopback, rebuilds on a real file change, pushes a reload event,
shows diagnostics for an invalid edit and the report again after a fix.

Run with `-s` to see the measured save-to-reload-event latency.
"""
from __future__ import annotations

import http.client
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import CHROMIUM, NO_CHROMIUM
from compiler.authoring import preview_http, preview_watch, serve
from compiler.authoring.scaffold import SOURCE_NAME, create_inspection
from compiler.cli import main
from compiler.rating.ruleset import load_ruleset
from compiler.render.resources import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parent.parent
EVENT_TIMEOUT = 15.0
SERVICE = "[[placeholder: full name of the inspected service]]"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EventStream:
    """A minimal server-sent-events client: a thread that queues (epoch, time received)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_TIMEOUT)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.events: queue.Queue[tuple[int, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = None
        try:
            while True:
                line = self.response.fp.readline()
                if not line:
                    return
                text = line.decode().rstrip("\n")
                if text.startswith("event:"):
                    kind = text.split(":", 1)[1].strip()
                elif text.startswith("data:") and kind == "epoch":
                    self.events.put((int(text.split(":", 1)[1]), time.perf_counter()))
                elif text == "":
                    kind = None
        except (OSError, ValueError):
            return

    def next(self, timeout: float = EVENT_TIMEOUT) -> tuple[int, float]:
        return self.events.get(timeout=timeout)

    def until(self, condition, timeout: float = EVENT_TIMEOUT) -> tuple[int, float]:
        """The first event after which `condition()` holds (other rebuilds may come first)."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.01, deadline - time.monotonic()))
            if condition():
                return event

    def close(self) -> None:
        self.connection.close()


def _get(url: str, host: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with _NO_PROXY.open(request, timeout=120) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def inspection(tmp_path) -> Path:
    folder = tmp_path / "preview-area-2025"
    create_inspection(folder, load_ruleset("standards-2021"))
    return folder


@pytest.fixture
def server(inspection):
    logs: list[str] = []
    preview = serve.PreviewServer(inspection, port=0, log=logs.append)
    preview.start()
    preview.logs = logs
    yield preview
    preview.stop()


def test_binds_loopback_and_answers_with_the_report(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert server._httpd.server_address[0] == "127.0.0.1"
    status, content_type, body = _get(server.url)
    page = body.decode()
    assert status == 200 and content_type.startswith("text/html")
    assert SERVICE in page
    assert "DRAFT" in page
    assert 'new EventSource("/events")' in page
    assert 'href="/pdf"' in page


def test_refuses_foreign_host_names_and_paths_outside_the_build(server):
    assert _get(server.url, host="attacker.example")[0] == 403
    # Enough '..' to reach / from any temporary folder: without the guard this would serve the file.
    status, _, body = _get(server.url + "..%2f" * 30 + "etc/passwd")
    assert status == 404 and b"root:" not in body
    assert _get(server.url + "no-such-file.css")[0] == 404


def test_a_saved_change_rebuilds_and_pushes_a_reload_event(server, inspection):
    events = EventStream(server.port)
    try:
        first, _ = events.next()
        assert first == server.snapshot.epoch
        source = inspection / SOURCE_NAME
        saved = time.perf_counter()
        _edit(source, SERVICE, "Testshire Youth Justice Service")
        epoch, received = events.until(lambda: b"Testshire Youth Justice Service" in server.snapshot.page)
        assert epoch > first
        print(f"\nreload event {1000 * (received - saved):.0f} ms after the save")
        page = _get(server.url)[2].decode()
        assert "Testshire Youth Justice Service" in page
        assert SERVICE not in page
    finally:
        events.close()


def test_a_change_in_a_markdown_file_reloads_too(server, inspection):
    events = EventStream(server.port)
    try:
        first, _ = events.next()
        (inspection / "narrative" / "foreword.md").write_text("A foreword about Testshire.\n", encoding="utf-8")
        assert events.until(lambda: b"A foreword about Testshire." in server.snapshot.page)[0] > first
        assert "A foreword about Testshire." in _get(server.url)[2].decode()
    finally:
        events.close()


def test_an_invalid_edit_shows_diagnostics_and_a_fix_restores_the_report(server, inspection):
    source = inspection / SOURCE_NAME
    good = source.read_text(encoding="utf-8")
    status_line = good.splitlines().index("status: draft") + 1
    events = EventStream(server.port)
    try:
        first, _ = events.next()
        _edit(source, "status: draft", "status: finished")
        broken, _ = events.until(lambda: not server.snapshot.ok)
        assert broken > first
        status, _, body = _get(server.url)
        page = body.decode()
        assert status == 200
        assert f"inspection.yaml:{status_line}:" in page
        assert f"{status_line:>4} | status: finished" in page
        assert "error" in page and SERVICE not in page
        assert not server.snapshot.ok

        _edit(source, "status: finished", "status: draft")
        fixed, _ = events.until(lambda: server.snapshot.ok)
        assert fixed > broken
        page = _get(server.url)[2].decode()
        assert SERVICE in page and "DRAFT" in page
        assert server.snapshot.ok
    finally:
        events.close()


def test_invalid_yaml_keeps_the_server_running(server, inspection):
    source = inspection / SOURCE_NAME
    events = EventStream(server.port)
    try:
        first, _ = events.next()
        with source.open("a", encoding="utf-8") as handle:
            handle.write("footnotes: [unclosed\n")
        assert events.until(lambda: b"put the text in quotes" in server.snapshot.page)[0] > first
        page = _get(server.url)[2].decode()
        assert "inspection.yaml:" in page and "put the text in quotes" in page
    finally:
        events.close()


def test_pdf_link_builds_the_pdf_on_demand(server):
    status, content_type, body = _get(server.url + "pdf")
    assert status == 200
    assert content_type == "application/pdf"
    assert body.startswith(b"%PDF-")
    started = time.perf_counter()
    again = _get(server.url + "pdf")
    assert again[2] == body  # nothing changed, so the PDF is served again without a rebuild
    assert time.perf_counter() - started < 1.0


def test_pdf_link_with_an_invalid_source_shows_the_diagnostics(server, inspection):
    events = EventStream(server.port)
    try:
        first, _ = events.next()
        _edit(inspection / SOURCE_NAME, "status: draft", "status: finished")
        assert events.until(lambda: not server.snapshot.ok)[0] > first
    finally:
        events.close()
    status, content_type, body = _get(server.url + "pdf")
    assert status == 200 and content_type.startswith("text/html")
    page = body.decode()
    assert "PDF cannot be built" in page and "inspection.yaml:" in page


def test_watch_covers_inspection_templates_and_rules(server, inspection, tmp_path):
    roots = server.watcher.roots()
    assert inspection.resolve() in roots
    assert TEMPLATES_DIR in roots or any(TEMPLATES_DIR.is_relative_to(r) for r in roots)
    assert server.watcher.is_relevant(TEMPLATES_DIR / "report.css")
    assert server.watcher.is_relevant(inspection.resolve() / SOURCE_NAME)
    assert not server.watcher.is_relevant(tmp_path / "elsewhere.txt")


def test_a_change_under_the_templates_folder_reloads(inspection, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.css").write_text("p { color: black; }\n", encoding="utf-8")
    monkeypatch.setattr(preview_watch, "TEMPLATES_DIR", templates)
    preview = serve.PreviewServer(inspection, port=0, log=lambda message: None)
    preview.start()
    events = EventStream(preview.port)
    try:
        first, _ = events.next()
        assert templates in preview.watcher.roots()
        (templates / "extra.css").write_text("p { color: navy; }\n", encoding="utf-8")
        assert events.next()[0] > first
    finally:
        events.close()
        preview.stop()


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_a_real_browser_reloads_the_page_after_a_save(inspection, tmp_path, monkeypatch):
    requests: list[tuple[float, str]] = []
    dispatch = preview_http.PreviewHandler._dispatch

    def counting(handler, *, head):
        requests.append((time.perf_counter(), handler.path))
        return dispatch(handler, head=head)

    monkeypatch.setattr(preview_http.PreviewHandler, "_dispatch", counting)
    preview = serve.PreviewServer(inspection, port=0, log=lambda message: None)
    preview.start()
    browser = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--remote-debugging-port=0", preview.url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: any(path == "/events" for _, path in requests), 30), requests
        saved = time.perf_counter()
        _edit(inspection / SOURCE_NAME, SERVICE, "Browser Test Service")
        assert _wait_for(lambda: any(path == "/" and at > saved for at, path in requests), EVENT_TIMEOUT)
        reloaded = min(at for at, path in requests if path == "/" and at > saved)
        print(f"\nbrowser reloaded the page {1000 * (reloaded - saved):.0f} ms after the save")
    finally:
        browser.terminate()
        browser.wait(timeout=10)
        preview.stop()


def test_stop_ends_the_server(inspection):
    preview = serve.PreviewServer(inspection, port=0, log=lambda message: None)
    preview.start()
    url = preview.url
    events = EventStream(preview.port)
    events.next()
    preview.stop()
    with pytest.raises(OSError):
        _NO_PROXY.open(url, timeout=5)


def test_reload_latency_is_measured(server, inspection):
    """Five saves; prints the median save-to-event time (target: under 300 ms)."""
    source = inspection / SOURCE_NAME
    events = EventStream(server.port)
    timings = []
    try:
        events.next()
        shown = SERVICE
        for n in range(5):
            time.sleep(0.2)
            name = f"Latency Test Service {n}"
            text = source.read_text(encoding="utf-8").replace(shown, name)
            saved = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            _, received = events.until(lambda: name.encode() in server.snapshot.page)
            timings.append(received - saved)
            shown = name
    finally:
        events.close()
    median = statistics.median(timings)
    print(f"\nsave -> reload event: median {median * 1000:.0f} ms, "
          f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms over {len(timings)} saves")
    assert median < 2.0  # generous bound for busy machines; the figure printed is the measurement


def test_stop_before_start_returns_and_cleans_up(inspection):
    preview = serve.PreviewServer(inspection, port=0, log=lambda message: None)
    workdir = preview.builds.workdir
    assert workdir.is_dir()
    stopper = threading.Thread(target=preview.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=5)
    assert not stopper.is_alive()
    assert not workdir.exists()


def test_port_in_use_is_a_clear_error(server, inspection):
    with pytest.raises(serve.ServeError, match="choose another --port"):
        serve.PreviewServer(inspection, port=server.port, log=lambda message: None)


def test_cli_serve_answers_and_stops_cleanly_on_ctrl_c(inspection):
    process = subprocess.Popen(
        [sys.executable, "-m", "compiler", "serve", str(inspection), "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            if line.startswith("Serving "):
                url = line.split(" on ", 1)[1].split()[0]
        assert url and url.startswith("http://127.0.0.1:")
        assert SERVICE in _get(url)[2].decode()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "Stopping." in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_serve_help():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "127.0.0.1" in result.output
