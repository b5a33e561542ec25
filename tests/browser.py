"""A headless Chromium for the tests, driven over its DevTools pipe (JSON messages ended by NUL on
file descriptors 3 and 4), so no WebSocket client is needed: open a page, run JavaScript in it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = "needs the Chromium browser, which is not installed here (.ci/run installs it)"


class Browser:
    """One headless Chromium with one page; close() ends it."""

    def __init__(self, profile: Path, width: int = 1000, height: int = 700):
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # The child needs the pipes at 3 and 4, which dup2 also makes inheritable.
        high_read, high_write = os.dup(commands_read), os.dup(replies_write)

        def at_three_and_four() -> None:
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=at_three_and_four, close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for fd in (commands_read, replies_write, high_read, high_write):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        page = next(t for t in self._call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self._call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]

    def _call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self._buffer += chunk

    def open(self, url: str) -> None:
        self._call("Page.navigate", self._session, url=url)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self._call("Runtime.evaluate", self._session, expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> bool:
        """Whether the expression became true in the page within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(expression):
                    return True
            except RuntimeError:  # the page is between documents
                pass
            time.sleep(0.05)
        return False

    def close(self) -> None:
        os.close(self._commands)
        os.close(self._replies)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
