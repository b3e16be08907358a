"""An HTTP server on 127.0.0.1 that misbehaves on purpose, for the URL-mode tests.

Each path answers with a well-formed page, raw bytes (any framing, broken or not), or a function
of the connection (drip a byte at a time, stream without end, hang up). It records the raw bytes
of every request it receives, so a test can prove what the client sent. One request per
connection: the client asks for `Connection: close`, and the server closes after answering.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

Route = Callable[[socket.socket, "HostileServer"], None]


class HostileServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[bytes] = []  # raw request heads, in arrival order
        self.sent = 0  # body bytes written by streaming routes
        self.stopped = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self._accept, daemon=True).start()

    # -- what a path answers
    def page(self, path: str, body: str | bytes, status: str = "200 OK", content_type: str = "text/html",
             headers: tuple[tuple[str, str], ...] = ()) -> None:
        data = body.encode() if isinstance(body, str) else body
        head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(data)}",
                "Connection: close", *(f"{k}: {v}" for k, v in headers)]
        self.raw(path, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)

    def raw(self, path: str, data: bytes) -> None:
        self.routes[path] = lambda conn, server: conn.sendall(data)

    def handle(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def paths(self) -> list[str]:
        """The request targets received, in order."""
        return [r.split(b" ", 2)[1].decode("latin-1") for r in self.requests if r.count(b" ") >= 2]

    def close(self) -> None:
        self.stopped.set()
        self._listener.close()

    # -- the server
    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = conn.recv(4096)
                    if not data:
                        return
                    head += data
                self.requests.append(head)
                target = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else ""
                route = self.routes.get(target) or _not_found
                route(conn, self)
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the client went away: what hostile routes provoke


def _not_found(conn: socket.socket, server: HostileServer) -> None:
    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found")


def drip(head: bytes, interval: float = 0.2) -> Route:
    """Send `head` at once, then one byte every `interval` seconds until the client leaves."""

    def route(conn: socket.socket, server: HostileServer) -> None:
        conn.sendall(head)
        while not server.stopped.is_set():
            conn.sendall(b"a")
            server.sent += 1
            time.sleep(interval)

    return route


def endless(head: bytes, total: int, chunk: int = 65536) -> Route:
    """Send `head`, then `total` bytes of page as fast as the client reads them."""

    def route(conn: socket.socket, server: HostileServer) -> None:
        conn.sendall(head)
        block = b"<p>padding</p>\n" * (chunk // 15)
        left = total
        while left > 0 and not server.stopped.is_set():
            piece = block[:left]
            conn.sendall(piece)
            server.sent += len(piece)
            left -= len(piece)

    return route
