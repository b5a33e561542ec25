"""Connections -> a fixed pool of threads: the preview's HTTP server, which keeps answering however many
connections are held open.

One thread accepts connections and reads each request's head (its request line and headers) as it
arrives; only a complete head is handed to one of `WORKERS` threads. A connection whose head is not
complete within the handler's timeout is closed, and when too many are waiting the oldest are closed.
So silent, half-sent or trickling connections cost no thread, and the threads are the accepting one
and the workers, whatever the number of connections.
"""
from __future__ import annotations

import io
import queue
import selectors
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

WORKERS = 16  # threads answering requests
BACKLOG = 64  # connections the system queues before they are accepted
MAX_WAITING = 256  # accepted connections whose request head is not complete yet
MAX_HEAD_BYTES = 70_000  # past this the head goes to a worker, which refuses it (414 or 431)
POLL_SECONDS = 0.25  # how often the accepting thread checks for idle connections and for shutdown


class _Waiting:
    """An accepted connection and what it has sent so far."""

    __slots__ = ("client_address", "since", "head")

    def __init__(self, client_address):
        self.client_address = client_address
        self.since = time.monotonic()
        self.head = bytearray()


class HeadReadHandler(BaseHTTPRequestHandler):
    """A request handler that reads the request from the head the server has already received."""

    def setup(self) -> None:
        super().setup()
        head = self.server.received_head(self.request)
        if head is not None:
            self.rfile = io.BytesIO(head)  # the preview answers GET and HEAD only: nothing follows the head


class PooledHTTPServer(HTTPServer):
    """HTTPServer whose requests are answered by `workers` threads; serve_forever() / shutdown() as usual.
    Its handler class must be a HeadReadHandler; its `timeout` is also the time allowed to send a head."""

    request_queue_size = BACKLOG

    def __init__(self, address, handler_class: type[HeadReadHandler], *, workers: int = WORKERS):
        self.workers = workers
        self._ready: queue.Queue = queue.Queue()  # (connection, client address, head) for the workers
        self._heads: dict = {}  # connection -> its head, from hand-over until the handler takes it
        self._waiting: dict = {}  # connection -> _Waiting, oldest first
        self._closing = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        self._pool: list[threading.Thread] = []
        super().__init__(address, handler_class)  # last: a failed bind calls server_close()

    def serve_forever(self, poll_interval: float = POLL_SECONDS) -> None:
        if self._closing.is_set():  # stopped before this thread got going
            return
        self._stopped.clear()
        self._start_pool()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.socket, selectors.EVENT_READ)
                while not self._closing.is_set():
                    for key, _ in selector.select(poll_interval):
                        if key.fileobj is self.socket:
                            self._accept(selector)
                        else:
                            self._receive(selector, key.fileobj)
                    self._drop_idle(selector)
                for connection in list(self._waiting):
                    self._drop(selector, connection)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serve_forever and wait for it to return; requests being answered finish on their own."""
        self._closing.set()
        self._stopped.wait()

    def server_close(self) -> None:
        self._closing.set()
        for _ in self._pool:
            self._ready.put(None)
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        """A client that went away or stalled is no error of the preview; anything else prints as usual."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def received_head(self, connection) -> bytes | None:
        return self._heads.pop(connection, None)

    def _start_pool(self) -> None:
        while len(self._pool) < self.workers:
            thread = threading.Thread(target=self._work, name=f"preview-worker-{len(self._pool)}", daemon=True)
            thread.start()
            self._pool.append(thread)

    def _accept(self, selector: selectors.BaseSelector) -> None:
        try:
            connection, client_address = self.get_request()
        except OSError:
            return
        if not self.verify_request(connection, client_address):
            self.shutdown_request(connection)
            return
        while len(self._waiting) >= MAX_WAITING:
            self._drop(selector, next(iter(self._waiting)))
        connection.setblocking(False)
        self._waiting[connection] = _Waiting(client_address)
        selector.register(connection, selectors.EVENT_READ)

    def _receive(self, selector: selectors.BaseSelector, connection) -> None:
        """Read what has arrived; hand a complete head (or one too long) to the workers."""
        waiting = self._waiting[connection]
        try:
            data = connection.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client closed before finishing its request
            self._drop(selector, connection)
            return
        waiting.head += data
        if b"\r\n\r\n" in waiting.head or b"\n\n" in waiting.head or len(waiting.head) >= MAX_HEAD_BYTES:
            selector.unregister(connection)
            del self._waiting[connection]
            connection.setblocking(True)
            self._ready.put((connection, waiting.client_address, bytes(waiting.head)))

    def _drop_idle(self, selector: selectors.BaseSelector) -> None:
        allowed = self.RequestHandlerClass.timeout  # the handler's limit on a silent client
        if allowed is None:
            return
        cutoff = time.monotonic() - allowed
        for connection, waiting in list(self._waiting.items()):
            if waiting.since > cutoff:
                break  # oldest first: the rest are newer
            self._drop(selector, connection)

    def _drop(self, selector: selectors.BaseSelector, connection) -> None:
        selector.unregister(connection)
        del self._waiting[connection]
        self.shutdown_request(connection)

    def _work(self) -> None:
        while (item := self._ready.get()) is not None:
            connection, client_address, head = item
            self._heads[connection] = head
            try:
                self.finish_request(connection, client_address)
            except Exception:
                self.handle_error(connection, client_address)
            finally:
                self._heads.pop(connection, None)
                self.shutdown_request(connection)
