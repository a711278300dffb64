"""Bot API requests: at most the configured number in flight, the rest in turn, none lost;
failures reach the bot as python-telegram-bot's own errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.delivery.requests import AiohttpRequest, NotSent, surely_unsent

WAIT = 10.0  # seconds to wait for an event before the test fails


class HoldingServer:
    """A local HTTP server that holds every request until the test lets one go."""

    def __init__(self, *, hang_up: bool = False) -> None:
        self.hang_up = hang_up  # close the connection instead of answering
        self.arrived = 0
        self.released = 0
        self.peak = 0  # the most requests held at once
        self.connections = 0
        self.changed = asyncio.Condition()
        self.turns = asyncio.Semaphore(0)
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/botTOKEN/sendMessage"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while not reader.at_eof():
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            body = parse_qs((await reader.readexactly(length)).decode())
            async with self.changed:
                self.arrived += 1
                self.peak = max(self.peak, self.arrived - self.released)
                self.changed.notify_all()
            if self.hang_up:
                writer.close()
                return
            await self.turns.acquire()
            answer = json.dumps({"ok": True, "result": {"echo": body["text"][0]}}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(answer)}\r\n\r\n".encode()
                + answer
            )
            await writer.drain()

    async def let_one_go(self) -> None:
        self.released += 1
        self.turns.release()

    async def wait_until(self, arrived: int) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: self.arrived >= arrived), WAIT)


@contextlib.asynccontextmanager
async def running(
    connections: int, server: HoldingServer | None = None
) -> AsyncIterator[AiohttpRequest]:
    """The request class, initialised, with ``server`` listening; both closed afterwards."""
    if server is not None:
        await server.start()
    request = AiohttpRequest(connections)
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()
        if server is not None and server.server is not None:
            server.turns.release()  # a request still held is let go
            server.server.close()


async def test_no_more_requests_in_flight_than_allowed_and_every_one_answered() -> None:
    server = HoldingServer()
    async with running(3, server) as request:
        calls = [
            asyncio.create_task(request.post(server.url, request_data=_text(f"hello {n}")))
            for n in range(10)
        ]
        for released in range(10):
            await server.wait_until(min(10, released + 3))
            await server.let_one_go()
        answers = await asyncio.wait_for(asyncio.gather(*calls), WAIT)
    assert server.arrived == 10
    assert server.peak == 3  # three at once, never more
    assert server.connections <= 3  # on as many connections, kept open between requests
    assert sorted(a["echo"] for a in answers) == sorted(f"hello {n}" for n in range(10))


async def test_a_dropped_connection_is_a_network_error() -> None:
    server = HoldingServer(hang_up=True)
    async with running(2, server) as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(server.url, request_data=_text("hello"))
    assert not isinstance(raised.value, TimedOut)
    assert not surely_unsent(raised.value)  # it may have taken effect: never sent twice


async def test_a_refused_connection_is_surely_unsent() -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with running(2) as request:
        with pytest.raises(NotSent) as raised:
            await request.post(
                f"http://127.0.0.1:{port}/botTOKEN/sendMessage", request_data=_text("hello")
            )
    assert surely_unsent(raised.value)  # safe to try again


async def test_no_answer_within_the_read_timeout_is_timed_out() -> None:
    server = HoldingServer()
    async with running(2, server) as request:
        with pytest.raises(TimedOut) as raised:
            await request.post(server.url, request_data=_text("hello"), read_timeout=0.2)
    assert not surely_unsent(raised.value)


def _text(text: str) -> RequestData:
    return RequestData([RequestParameter("text", text, None)])


class RecordingProxy:
    """A local HTTP proxy that answers every request itself and keeps its request line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.server: asyncio.Server | None = None

    @property
    def address(self) -> str:
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        self.lines.append(head.split(b"\r\n", 1)[0].decode())
        answer = b'{"ok": true, "result": true}'
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(answer)}\r\n\r\n".encode()
            + answer
        )
        await writer.drain()
        writer.close()


async def test_requests_go_through_the_proxy_the_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = RecordingProxy()
    await proxy.start()
    monkeypatch.setenv("HTTP_PROXY", proxy.address)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    url = "http://api.telegram.example/botTOKEN/getMe"
    async with running(1) as request:
        for _ in range(2):
            assert await request.do_request(url, "POST") == (200, b'{"ok": true, "result": true}')
    assert proxy.lines == [f"POST {url} HTTP/1.1"] * 2
    assert proxy.server is not None
    proxy.server.close()


async def test_no_proxy_for_the_servers_no_proxy_names(monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = RecordingProxy()
    await proxy.start()
    server = HoldingServer()
    monkeypatch.setenv("HTTP_PROXY", proxy.address)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with running(1, server) as request:
        sent = asyncio.create_task(request.post(server.url, request_data=_text("hi")))
        await server.wait_until(1)
        await server.let_one_go()
        answer = await asyncio.wait_for(sent, WAIT)
    assert answer == {"echo": "hi"} and proxy.lines == []  # straight to the server
    assert proxy.server is not None
    proxy.server.close()
