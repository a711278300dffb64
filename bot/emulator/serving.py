"""Starting and stopping the emulator's server, and the URLs to point a bot at."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from types import TracebackType
from typing import Self

from bot.emulator.dispatch import RequestDispatch
from bot.emulator.server import EmulatorHTTPServer

_LOGGER = logging.getLogger(__package__)


class Serving(RequestDispatch):
    """Serves the Bot API in a background thread; a context manager."""

    @property
    def port(self) -> int:
        """The TCP port the server listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return int(self._server.server_address[1])

    @property
    def api_url(self) -> str:
        """The server root, like ``https://api.telegram.org`` (``/bot`` and ``/file/bot`` below)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The Bot API base URL for ``ApplicationBuilder().base_url``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The file download base URL for ``ApplicationBuilder().base_file_url``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def connections_opened(self) -> int:
        """How many HTTP connections the server has accepted so far."""
        with self._cond:
            return self._connections_opened

    @property
    def open_connections(self) -> int:
        """How many HTTP connections are open now (a call being answered keeps its own)."""
        with self._cond:
            return len(self._connections)

    def start(self) -> None:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        with self._cond:
            self._stopping = False
        self._server = EmulatorHTTPServer(
            (self.host, self._port),
            answer=self._handle_http,
            track=self._track,
            listen_backlog=self._listen_backlog,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"botapi-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        _LOGGER.info("Bot API emulator listening on %s", self.base_url)

    def stop(self) -> None:
        """Stop serving, wake long polls and close every open connection."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._changed()
        server.shutdown()
        server.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
