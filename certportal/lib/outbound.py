"""POSTing to addresses that users typed (webhooks, chat robots) without letting them reach our own
network or hold a worker: http(s) only, every address the host resolves to must be public (unless
WEBHOOK_ALLOW_PRIVATE), the connection goes to the address that was checked (a second DNS answer
cannot point elsewhere), redirects are not followed, and each connect and read has a short timeout."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_URL_LENGTH = 500
# What is read of an answer: its status is what counts; a huge body must not fill the worker.
MAX_ANSWER_BYTES = 4096


class TargetRefused(Exception):
    """The URL may not be called at all (scheme, address): trying again would not help."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def url_problem(url: str) -> str | None:
    """Why this URL cannot be a target, judged without looking it up (for forms); None when it may be."""
    if len(url) > MAX_URL_LENGTH:
        return "too long"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not parts.hostname or parts.username or parts.password:
        return "host"
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    return None if _allowed(address) else "private"


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def checked_address(host: str, port: int) -> str:
    """The first address of `host`, once every address it resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TargetRefused(f"cannot resolve {host}: {error}") from error
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not _allowed(ipaddress.ip_address(address.split("%")[0])):
            raise TargetRefused(f"{host} resolves to a private or local address ({address})")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]  # set by HTTPSConnection


def post(
    url: str, *, body: bytes, headers: dict[str, str], timeout: float | None = None, trusted: bool = False
) -> Answer:
    """POST `body` to `url`; the answer's status and its first bytes. Raises TargetRefused for a URL
    that may not be called, OSError (timeouts included) when the target cannot be reached.
    `trusted`: a URL from the settings (an SMS gateway on the intranet), not typed by a user."""
    problem = url_problem(url)
    if problem and not (trusted and problem == "private"):
        raise TargetRefused(f"refused URL ({problem})")
    parts = urlsplit(url)
    assert parts.hostname is not None  # url_problem checked it
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = socket.gethostbyname(parts.hostname) if trusted else checked_address(parts.hostname, port)
    seconds = timeout if timeout is not None else settings.WEBHOOK_TIMEOUT_SECONDS
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address=address, timeout=seconds)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers={"User-Agent": "certportal", **headers})
        response = connection.getresponse()
        return Answer(status=response.status, body=response.read(MAX_ANSWER_BYTES))
    finally:
        connection.close()
