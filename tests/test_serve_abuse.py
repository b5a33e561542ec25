"""`inspection serve` under abuse: malformed paths get a clean 400 or 404, idle connections are closed,
a fixed number of threads answers however many connections are open, and a signal removes the
temporary folder."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from compiler.authoring import preview_http, preview_pool, serve
from test_serve import ROOT, SERVICE, _get
from test_serve import inspection, server  # noqa: F401 - the same fixtures: a scaffold, served

BAD_PATHS = {
    b"/%00": 400,  # NUL, escaped
    b"/\x00": 400,  # NUL, raw
    b"/style%00.css": 400,
    b"/%1b%5d0;x%07": 400,  # a terminal escape
    b"/%zz": 400,  # not a %-escape
    b"/%": 400,
    b"/%ff%fe": 400,  # not UTF-8
    b"/%C0%AE%C0%AE/": 400,  # overlong UTF-8 for '..'
    b"/..\\..\\etc\\passwd": 400,
    b"/..%5c..%5cetc%5cpasswd": 400,
    b"/" + b"a" * 3000: 400,
    b"/../../etc/passwd": 404,
    b"/%2e%2e/%2e%2e/etc/passwd": 404,
    b"/assets/../index.html": 404,
}


def _raw(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes and read the whole answer (the server closes the connection after it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


@pytest.mark.parametrize("method", [b"GET", b"HEAD"])
def test_malformed_paths_are_refused_cleanly_and_the_server_carries_on(server, capsys, method):
    answers = {path: _raw(server.port, method + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
               for path in BAD_PATHS}
    assert {path: _status(answer) for path, answer in answers.items()} == BAD_PATHS
    assert not any(b"root:" in answer for answer in answers.values())
    assert "Traceback" not in capsys.readouterr().err
    status, _, body = _get(server.url)
    assert status == 200 and SERVICE in body.decode()


@pytest.fixture
def quick_timeout(inspection, monkeypatch):
    """A server whose clients are disconnected after half a second of silence."""
    monkeypatch.setattr(preview_http, "REQUEST_TIMEOUT_SECONDS", 0.5)
    preview = serve.PreviewServer(inspection, port=0, log=lambda message: None)
    preview.start()
    yield preview
    preview.stop()


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"], ids=["silent", "half-sent"])
def test_a_silent_connection_is_closed_after_the_timeout(quick_timeout, sent):
    with socket.create_connection(("127.0.0.1", quick_timeout.port), timeout=5) as connection:
        connection.sendall(sent)
        started = time.monotonic()
        assert connection.recv(1024) == b""  # closed by the server; a socket timeout here fails the test
        assert 0.4 < time.monotonic() - started < 3
    assert _get(quick_timeout.url)[0] == 200


def _worker_threads() -> int:
    return sum(thread.name.startswith("preview-worker-") for thread in threading.enumerate())


def test_held_open_connections_take_no_threads_and_requests_are_still_answered(server):
    assert server._httpd.request_queue_size >= 64  # the listen backlog (http.server's default is 5)
    assert _get(server.url)[0] == 200
    before = threading.active_count()
    held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(40)]
    try:
        for connection in held[:20]:
            connection.sendall(b"GET / HTTP/1.1\r\n")  # the request begun, never finished
        started = time.monotonic()
        status, _, body = _get(server.url)
        assert status == 200 and SERVICE in body.decode()
        assert time.monotonic() - started < 3
        assert threading.active_count() <= before
        assert _worker_threads() == preview_pool.WORKERS
    finally:
        for connection in held:
            connection.close()


def test_too_many_waiting_connections_close_the_oldest(server, monkeypatch):
    monkeypatch.setattr(preview_pool, "MAX_WAITING", 5)
    held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(8)]
    try:
        time.sleep(0.5)  # the server accepts them all, closing the oldest as the newest arrive
        assert [connection.recv(1) for connection in held[:3]] == [b""] * 3
        held[-1].settimeout(0.5)
        with pytest.raises(TimeoutError):
            held[-1].recv(1)  # still open
        assert _get(server.url)[0] == 200
    finally:
        for connection in held:
            connection.close()


def _event_stream(port: int) -> tuple[socket.socket, bytes]:
    """Open /events as a page does; the socket and the answer up to its first event (or its end)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b"event: epoch" not in answer and (chunk := connection.recv(4096)):
        answer += chunk
    return connection, answer


def test_event_streams_are_limited_and_a_closed_page_frees_its_stream(server):
    streams = [_event_stream(server.port) for _ in range(preview_http.EVENT_STREAMS)]
    try:
        assert all(_status(answer) == 200 for _, answer in streams)
        connection, answer = _event_stream(server.port)
        connection.close()
        assert _status(answer) == 503 and b"too many pages open" in answer
        assert _get(server.url)[0] == 200  # pages are still served
        streams.pop()[0].close()
        streams.append(_event_stream(server.port))  # the closed page's stream ends and its place is taken
        assert _status(streams[-1][1]) == 200
    finally:
        for connection, _ in streams:
            connection.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_removes_the_temporary_folder(inspection, tmp_path, signum):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "compiler", "serve", str(inspection), "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        line = ""
        while not line.startswith("Serving "):
            line = process.stderr.readline()
            assert line, "the server ended before serving"
        assert [path.name[:19] for path in scratch.iterdir()] == ["inspection-preview-"]
        process.send_signal(signum)
        _, told = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "Stopping." in told and "Traceback" not in told
        assert list(scratch.iterdir()) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
