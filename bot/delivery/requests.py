"""Bot API requests over aiohttp, on a bounded pool of connections used in turn.

python-telegram-bot's own request class (httpx, httpcore, anyio) spent more than a quarter
of the bot's CPU under load on each request's way through the stack, and httpcore's pool
looks at every connection (polling each idle socket) whenever a request starts or ends, so
its cost grows with the pool. aiohttp's connector keeps its waiters in a queue and parses
responses in C. At most ``connections`` requests are in flight; the rest wait in order.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlencode

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

READ_TIMEOUT = 5.0  # seconds, as python-telegram-bot's own default
CONNECT_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0  # an upload (a chart) may take longer to write


Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


class NotSent(NetworkError):
    """The request never reached Telegram (no connection was made): trying again is safe."""


def surely_unsent(exc: NetworkError) -> bool:
    """Whether a failed call surely had no effect, so trying it again cannot duplicate it.

    No answer after the request went out (a dropped connection, a read timeout) may mean it
    took effect; an error status means Telegram answered and did nothing.
    """
    if isinstance(exc, NotSent):
        return True
    if isinstance(exc, TimedOut):
        return "not* sent" in exc.message  # python-telegram-bot's pool timeout never left
    return not exc.message.startswith(("aiohttp.", "httpx."))


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one ``aiohttp.ClientSession``, opened by ``initialize``."""

    def __init__(self, connections: int) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None, int | None], Proxy] = {}

    @property
    def read_timeout(self) -> float:
        """The read timeout used when a call gives none."""
        return READ_TIMEOUT

    async def initialize(self) -> None:
        """Open the session (within the running event loop)."""
        if self._session is None or self._session.closed:
            # certificates from certifi, as httpx does; proxies from the environment are
            # looked up once per server (``_proxy``), not with trust_env: that reads the
            # netrc file and the proxy settings in a worker thread for every request, two
            # thread hops each (more CPU, and tail latency under load)
            tls = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=tls),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``BaseRequest.do_request``: the status and body of Telegram's answer."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else {}
        read = _seconds(read_timeout, READ_TIMEOUT)
        if files:  # aiohttp has no write timeout of its own: an upload gets longer to answer
            read += _seconds(write_timeout, MEDIA_WRITE_TIMEOUT)
        timeout = aiohttp.ClientTimeout(
            sock_connect=_seconds(connect_timeout, CONNECT_TIMEOUT), sock_read=read
        )
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(
                method,
                url,
                data=_form(fields, files) if files else _urlencoded(fields),
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as err:
            raise NotSent(f"aiohttp.{err.__class__.__name__}: {err}") from err
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy(self, url: str) -> Proxy:
        """The proxy for a server from HTTPS_PROXY / HTTP_PROXY and NO_PROXY, read once."""
        parsed = URL(url)
        server = (parsed.scheme, parsed.host, parsed.port)
        found = self._proxies.get(server)
        if found is None:
            try:
                found = get_env_proxy_for_url(parsed)
            except LookupError:  # none for this server
                found = (None, None)
            self._proxies[server] = found
        return found


def _seconds(value: ODVInput[float], default: float) -> float:
    if isinstance(value, DefaultValue) or value is None:
        return default
    return float(value)


FORM_TYPE = "application/x-www-form-urlencoded"


def _urlencoded(fields: dict[str, str]) -> aiohttp.BytesPayload:
    """The fields as a form body, without aiohttp's ``FormData`` (it makes a multipart writer
    and a random boundary for every request, then throws them away)."""
    return aiohttp.BytesPayload(urlencode(fields).encode(), content_type=FORM_TYPE)


def _form(fields: dict[str, str], files: UploadFileDict) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
