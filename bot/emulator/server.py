"""The HTTP side: a threading HTTP server and the handler that hands requests on."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import unquote

_LOGGER = logging.getLogger(__package__)

# (status, content type, body), or None to drop the connection without an answer.
Reply = tuple[int, str, bytes] | None
# Answers one request: (path, query string, content type, body) -> reply.
Answer = Callable[[str, str, str, bytes], Reply]
# Told of every connection as it opens (True) and closes (False).
Tracker = Callable[[socket.socket, bool], None]

# socketserver's own default listen backlog.
DEFAULT_LISTEN_BACKLOG = 5


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that passes every request to ``answer``."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        answer: Answer,
        track: Tracker,
        listen_backlog: int = DEFAULT_LISTEN_BACKLOG,
    ) -> None:
        self.answer = answer
        self.track = track
        self.request_queue_size = listen_backlog
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone in the middle of a call (a killed bot) is expected: one debug line."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            _LOGGER.debug("a client went away mid-call")
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Reads one request body (sized or chunked) and writes the answer, keep-alive."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    @property
    def _server(self) -> EmulatorHTTPServer:
        return cast(EmulatorHTTPServer, self.server)

    def setup(self) -> None:
        super().setup()
        self._server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        raw_path, _, query = self.path.partition("?")
        path = unquote(raw_path)
        reply = self._server.answer(path, query, self.headers.get("Content-Type", ""), body)
        if reply is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, content_type, payload = reply
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True
