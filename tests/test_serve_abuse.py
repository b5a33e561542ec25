"""`inspection serve` under abuse: malformed paths get a clean 400 or 404, idle connections are closed,
a fixed number of threads answers however many connections are open, and a signal removes the
temporary folder."""
from __future__ import annotations

import socket

import pytest

from test_serve import SERVICE, _get
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
