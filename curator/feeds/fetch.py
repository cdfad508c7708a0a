"""The one way feeds reaches the network: feeds, feed discovery and article pages all come through here.

A feed URL is typed by whoever runs the newsletter, and the pages it links to are chosen by strangers,
so every request is treated as hostile: only http(s), at most five redirects with each hop re-checked,
an overall deadline that a slow-drip server cannot stretch, a cap on the *decoded* size (so a small
gzip bomb cannot fill memory), and an address guard applied to the IP the socket actually connects to.
Checking the address inside the connection backend, rather than resolving the name beforehand and
trusting the next resolution, is what keeps DNS rebinding out.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings

from curator.feeds.local_feeds import is_local_host, local_mounts
from curator.feeds.web_urls import NotWebURL, web_url_parts
from curator.ids import ascii_digits

MAX_REDIRECTS = 5
REDIRECT_CODES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECT_CODES = {301, 308}
# The longest Retry-After we take literally; a server asking for a month is treated as asking for a day.
MAX_RETRY_AFTER = 24 * 3600

Resolver = Callable[[str, int], list[str]]

# Named so an editor reading "last error" learns why a URL was refused, not just that it was.
BLOCKED_NETWORKS: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = [
    (ipaddress.ip_network(net), reason)
    for net, reason in [
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::ffff:0:0/96", "IPv4-mapped IPv6"),
        ("::ffff:0:0:0/96", "IPv4-translated IPv6"),
        ("::/96", "IPv4-compatible IPv6"),
        ("64:ff9b::/96", "NAT64"),
        ("64:ff9b:1::/48", "local NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/32", "Teredo"),
        ("2001:db8::/32", "documentation"),
        ("2002::/16", "6to4"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    ]
]


class FetchError(Exception):
    """Anything that kept a URL from being read. `transient` errors are worth retrying later."""

    transient = False


class BlockedURL(FetchError):
    """The URL or one of its redirects points somewhere the fetcher must not go."""


# Editors meet this refusal first (a local or intranet feed); only whoever runs Curator can lift it.
ALLOW_SETTING = "FEEDS_ALLOWED_NETWORKS"
ALLOW_HINT = (
    "Local and private addresses are refused for safety; whoever runs Curator can allow this one with the "
    f"operator setting {ALLOW_SETTING} (see docs/ingestion.md, Fetch safety)."
)


class BlockedAddress(BlockedURL):
    pass


class MalformedURL(BlockedURL):
    """A URL, or a redirect's Location, that no HTTP client can request (e.g. `http://0177.0.0.1/`)."""


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class DeadlineExceeded(FetchError):
    transient = True


class NetworkError(FetchError):
    """Connection refused, DNS failure, reset, timeout: the usual weather of the internet."""

    transient = True


class HTTPStatusError(FetchError):
    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.transient = status >= 500 or status == 408


class RateLimited(HTTPStatusError):
    """429 or 503: the server named when to come back, and we will not come back sooner."""

    def __init__(self, status: int, url: str, retry_after: float) -> None:
        super().__init__(status, url)
        self.args = (f"HTTP {status} from {url}; retry after {retry_after:.0f}s",)
        self.retry_after = retry_after
        self.transient = True


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    # Set only when every hop was a permanent redirect: the URL worth remembering instead.
    permanent_url: str = ""
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(value, strict=False) for value in settings.FEEDS_ALLOWED_NETWORKS]
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"FEEDS_ALLOWED_NETWORKS: {exc}") from None


def refusal_reason(address: str) -> str | None:
    """Why an address must not be contacted, or None when it may. The allowlist wins over every rule."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _allowed(ip):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        # A translator or tunnel relays to the IPv4 address inside; that address is the real target.
        for form, inner in embedded_ipv4(ip):
            reason = refusal_reason(str(inner))
            if reason:
                return f"{form} embedding {inner} ({reason})"
    for net, reason in BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return reason
    if not ip.is_global:
        return "not globally routable"
    return None


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip.version == net.version and ip in net for net in allowed_networks())


# RFC 6052 places the IPv4 address according to the translator's prefix length; a local-use NAT64
# prefix (64:ff9b:1::/48) may be /96, /64, /56 or /48 long, so every placement is checked, as
# (start bit, bit count) pieces that skip the reserved "u" octet at bits 64-71.
_RFC6052_LAYOUTS: list[list[tuple[int, int]]] = [
    [(96, 32)],
    [(72, 32)],
    [(56, 8), (72, 24)],
    [(48, 16), (72, 16)],
]
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _bits(value: int, start: int, count: int) -> int:
    return (value >> (128 - start - count)) & ((1 << count) - 1)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """Every IPv4 address an IPv6 address carries, by the form that carries it.

    These forms reach IPv4 hosts through the kernel (mapped, compatible, translated), a NAT64
    translator, a 6to4 relay or a Teredo tunnel, so `::127.0.0.1` is loopback in disguise.
    """
    value, low = int(ip), ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _MAPPED:
        return [("IPv4-mapped IPv6", low)]
    if ip in _TRANSLATED:
        return [("IPv4-translated IPv6", low)]
    if ip in _COMPATIBLE and value > 1:  # :: and ::1 are IPv6's own unspecified and loopback
        return [("IPv4-compatible IPv6", low)]
    if ip in _NAT64:
        return [("NAT64", low)]
    if ip in _LOCAL_NAT64:
        found = []
        for layout in _RFC6052_LAYOUTS:
            inner = 0
            for start, count in layout:
                inner = (inner << count) | _bits(value, start, count)
            # The zero padding of the other placements reads as 0.x.x.x; that says nothing about the
            # target (the whole prefix is refused anyway), so it is not reported as the embedded address.
            if inner >> 24:
                found.append(("local NAT64", ipaddress.IPv4Address(inner)))
        return found
    if ip.sixtofour is not None:
        return [("6to4", ip.sixtofour)]
    if ip.teredo is not None:
        server, client = ip.teredo  # the client address is stored inverted; ipaddress undoes that
        return [("Teredo client", client), ("Teredo server", server)]
    return []


_dns_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """Resolves once, checks every candidate, and connects only to an address that passed the check."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        # getaddrinfo has no timeout of its own; a stuck lookup keeps a pool thread, not the fetch.
        lookup = _dns_pool.submit(self.resolver, host.strip("[]"), port)
        try:
            candidates = lookup.result(timeout=timeout)
        except FutureTimeout:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refused = []
        last_error: Exception | None = None
        for address in candidates:
            reason = refusal_reason(address)
            if reason:
                refused.append(f"{address} ({reason})")
                continue
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        if last_error is not None:
            raise last_error
        raise BlockedAddress(f"{host} resolves only to refused addresses: {', '.join(refused) or 'none'}. {ALLOW_HINT}")


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, resolver: Resolver, max_connections: int) -> None:
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend; the pool is rebuilt with ours, keeping
        # httpx's TLS context so certificates are still verified against the hostname (SNI included).
        ssl_context = self._pool._ssl_context
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=GuardedBackend(resolver),
        )


class _HostLimiter:
    """Bounded concurrency for the whole process and per host, plus Retry-After cool-downs per host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._total: threading.BoundedSemaphore | None = None
        self._not_before: dict[str, float] = {}

    def _semaphores(self, host: str) -> tuple[threading.BoundedSemaphore, threading.BoundedSemaphore]:
        with self._lock:
            if self._total is None:  # bounds are read once per process, or after reset()
                self._total = threading.BoundedSemaphore(max(1, settings.FEEDS_CONCURRENCY))
            if host not in self._hosts:
                self._hosts[host] = threading.BoundedSemaphore(max(1, settings.FEEDS_PER_HOST_CONCURRENCY))
            return self._total, self._hosts[host]

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        total, per_host = self._semaphores(host)
        with per_host, total:
            yield

    def cool_down(self, host: str, seconds: float) -> None:
        with self._lock:
            self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + seconds)

    def wait_needed(self, host: str) -> float:
        with self._lock:
            return max(0.0, self._not_before.get(host, 0.0) - time.monotonic())

    def reset(self) -> None:
        """Forget cool-downs and read FEEDS_CONCURRENCY and FEEDS_PER_HOST_CONCURRENCY again.

        The seam for tests and the benchmark, which change those settings between runs; call it
        only while no fetch is running.
        """
        with self._lock:
            self._not_before.clear()
            self._total, self._hosts = None, {}


limiter = _HostLimiter()


def parse_retry_after(value: str | None, default: float = 60.0) -> float:
    """Retry-After is either seconds or an HTTP date; anything else gets a modest default."""
    if not value:
        return default
    value = value.strip()
    if (seconds := ascii_digits(value)) is not None:
        return min(float(seconds), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), MAX_RETRY_AFTER)


class _Decoder:
    """Content-Encoding decoding that never produces more than `limit` bytes, whatever the ratio."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        self._first = True

    def feed(self, chunk: bytes) -> bytes:
        out = chunk if self._zlib is None else self._inflate(chunk)
        self.size += len(out)
        if self.size > self.limit:
            raise TooLarge(f"body exceeds {self.limit} bytes once decoded")
        return out

    def _inflate(self, chunk: bytes) -> bytes:
        assert self._zlib is not None
        budget = self.limit - self.size + 1
        try:
            out = self._zlib.decompress(chunk, budget)
        except zlib.error:
            if not (self._first and self.encoding == "deflate"):
                raise FetchError("corrupt compressed body") from None
            # Some servers send raw deflate without the zlib header.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(chunk, budget)
        self._first = False
        if self._zlib.unconsumed_tail:
            # Output was cut at the budget while input remains: that is the bomb case.
            raise TooLarge(f"body exceeds {self.limit} bytes once decoded")
        return out


class Fetcher:
    """A client for one batch of work. Use as a context manager; thread-safe while open."""

    def __init__(self, resolver: Resolver | None = None, deadline: float | None = None) -> None:
        self.resolver = resolver or system_resolver
        self.deadline = settings.FEEDS_DEADLINE if deadline is None else deadline
        self.max_bytes = settings.FEEDS_MAX_BYTES
        self.client = httpx.Client(
            transport=GuardedTransport(self.resolver, max(1, settings.FEEDS_CONCURRENCY)),
            mounts=local_mounts(settings.FEEDS_LOCAL_DIR),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.FEEDS_USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = "",
        max_bytes: int | None = None,
        source_url: bool = False,
        method: str = "GET",
        read_body: bool = True,
    ) -> FetchResult:
        """GET with every hop checked. Raises a FetchError subclass; a 304 is a result, not an error.

        Nothing else escapes: callers (a batch of sources, the Add source form) handle FetchError
        alone, so one odd URL or protocol quirk can never abort their work with a library exception.
        `source_url` says `url` is a source's own address: only then, and never after a redirect, may it
        be on the demo host that FEEDS_LOCAL_DIR serves, so no feed, page or entry link can reach it.
        `method="HEAD"`, or `read_body=False`, ask only whether the URL answers (the link check): the
        same guards, redirects and deadline, without downloading the page.
        """
        try:
            return self._get(
                url,
                etag=etag,
                last_modified=last_modified,
                accept=accept,
                max_bytes=max_bytes,
                source_url=source_url,
                method=method,
                read_body=read_body and method == "GET",
            )
        except FetchError:
            raise
        except MALFORMED_URL_ERRORS as exc:
            raise MalformedURL(f"malformed URL near {url!r}: {exc or exc.__class__.__name__}") from exc
        except CLIENT_ERRORS as exc:
            raise NetworkError(f"{host_key(url)}: {exc.__class__.__name__}: {exc}") from exc

    def _get(
        self,
        url: str,
        *,
        etag: str,
        last_modified: str,
        accept: str,
        max_bytes: int | None,
        source_url: bool,
        method: str = "GET",
        read_body: bool = True,
    ) -> FetchResult:
        started = time.monotonic()
        stop_at = started + self.deadline
        limit = max_bytes or self.max_bytes
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        current, permanent = url, True
        for hop in range(MAX_REDIRECTS + 1):
            check_url(current)
            if is_local_host(current) and (hop > 0 or not source_url):
                via = f" (redirected from {url})" if hop > 0 else ""
                raise BlockedURL(f"{current}{via}: the demo host is fetched only as a source's own URL")
            status, resp_headers, body = self._one_request(current, headers, stop_at, limit, method, read_body)
            if status in REDIRECT_CODES and resp_headers.get("location"):
                permanent = permanent and status in PERMANENT_REDIRECT_CODES
                try:
                    current = urljoin(current, resp_headers["location"])
                except ValueError as exc:
                    raise MalformedURL(f"redirect from {current} to a malformed URL: {exc}") from None
                continue
            if status in (429, 503):
                wait = parse_retry_after(resp_headers.get("retry-after"))
                limiter.cool_down(host_key(current), wait)
                raise RateLimited(status, current, wait)
            if status >= 400:
                raise HTTPStatusError(status, current)
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                content=body,
                content_type=resp_headers.get("content-type", ""),
                etag=resp_headers.get("etag", ""),
                last_modified=resp_headers.get("last-modified", ""),
                permanent_url=current if permanent and current != url else "",
                elapsed=time.monotonic() - started,
                headers=resp_headers,
            )
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects starting at {url}")

    def _one_request(
        self,
        url: str,
        headers: dict[str, str],
        stop_at: float,
        limit: int,
        method: str = "GET",
        read_body: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        host = host_key(url)
        wait = limiter.wait_needed(host)
        if wait > 0:
            raise RateLimited(429, url, wait)
        with limiter.slot(host):
            remaining = stop_at - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded(f"gave up on {url} after {self.deadline:.0f}s")
            timeout = httpx.Timeout(
                connect=min(settings.FEEDS_CONNECT_TIMEOUT, remaining),
                read=min(settings.FEEDS_READ_TIMEOUT, remaining),
                write=min(settings.FEEDS_READ_TIMEOUT, remaining),
                pool=remaining,
            )
            try:
                with self.client.stream(method, url, headers=headers, timeout=timeout) as response:
                    resp_headers = {k.lower(): v for k, v in response.headers.items()}
                    if response.status_code in REDIRECT_CODES or response.status_code == 304 or not read_body:
                        return response.status_code, resp_headers, b""
                    declared = resp_headers.get("content-length", "")
                    size = ascii_digits(declared)
                    if size is not None and size > limit and "content-encoding" not in resp_headers:
                        raise TooLarge(f"{url} declares {declared} bytes, more than {limit}")
                    decoder = _Decoder(resp_headers.get("content-encoding", ""), limit)
                    parts = []
                    for chunk in response.iter_raw():
                        parts.append(decoder.feed(chunk))
                        if time.monotonic() > stop_at:
                            raise DeadlineExceeded(f"gave up on {url} after {self.deadline:.0f}s")
                    return response.status_code, resp_headers, b"".join(parts)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= stop_at - 0.01:
                    raise DeadlineExceeded(f"gave up on {url} after {self.deadline:.0f}s") from exc
                raise NetworkError(f"timeout talking to {host}: {exc.__class__.__name__}") from exc
            except httpx.RemoteProtocolError as exc:
                # httpx parses a redirect's Location itself, before we see the response; a Location
                # no client can follow is the server's permanent mistake, not the network's weather.
                if "location header" in str(exc).lower():
                    raise MalformedURL(f"malformed URL in the redirect from {url}: {exc}") from exc
                raise NetworkError(f"{host}: {exc or exc.__class__.__name__}") from exc
            except httpx.TransportError as exc:
                raise NetworkError(f"{host}: {exc or exc.__class__.__name__}") from exc
            except MALFORMED_URL_ERRORS as exc:
                detail = exc or exc.__class__.__name__
                raise MalformedURL(f"malformed URL in the redirect from {url}: {detail}") from exc


def _exception_classes(module: object) -> tuple[type[Exception], ...]:
    return tuple(v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Exception))


# Every exception type httpx and httpcore export, whatever their versions add: a library exception
# that escaped `get` once aborted a whole batch of sources.
URL_ERRORS: tuple[type[Exception], ...] = (httpx.InvalidURL,)
MALFORMED_URL_ERRORS: tuple[type[Exception], ...] = (*URL_ERRORS, UnicodeError)
CLIENT_ERRORS: tuple[type[Exception], ...] = _exception_classes(httpx) + _exception_classes(httpcore)


def host_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def check_url(url: str) -> None:
    """Scheme and shape checks that need no network; the address check happens at connect time."""
    try:
        parts = web_url_parts(url)
    except NotWebURL as exc:
        raise BlockedURL(str(exc)) from None
    if parts.username or parts.password:
        raise BlockedURL(f"URLs with credentials are not fetched: {url}")
    try:
        httpx.URL(url)
    except MALFORMED_URL_ERRORS as exc:
        # e.g. http://0177.0.0.1/ (octal), which some resolvers would read as 127.0.0.1
        raise MalformedURL(f"malformed URL {url!r}: {exc or exc.__class__.__name__}") from None
