"""Feeds served from a directory instead of the network, for the demo and offline runs.

With `FEEDS_LOCAL_DIR` set, URLs on the reserved host `demo.curator.invalid` (the `.invalid` top-level
domain never resolves, RFC 2606) are answered from files in that directory. Every other host still
goes through the guarded transport, and the answer still passes the fetcher's size cap and parsing,
so the demo exercises the real ingest path while production fetching keeps every guard.

The directory is a boundary: only regular files directly inside it are served, opened relative to the
directory itself without following links (a symlink or a hard link to `/etc/passwd` or the
environment file is refused), read in chunks that stop past `FEEDS_MAX_BYTES`, and the fetcher asks
for the demo host only as a source's own URL, never after a redirect or for an entry's link.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
from django.conf import settings

LOCAL_HOST = "demo.curator.invalid"
# One plain file name, no directories: a URL can never name a file outside FEEDS_LOCAL_DIR.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
CHUNK = 64 * 1024
log = logging.getLogger(__name__)


class Refused(Exception):
    """The name exists but is not a plain file of the directory (a link, a device, a directory)."""


def local_url(filename: str) -> str:
    return f"https://{LOCAL_HOST}/{filename}"


def is_local_host(url: httpx.URL | str) -> bool:
    return httpx.URL(str(url)).host.lower().rstrip(".") == LOCAL_HOST


def open_inside(directory: Path, name: str) -> int:
    """A read-only descriptor of the regular file `name` directly inside `directory`.

    Opened with the directory's own descriptor and O_NOFOLLOW, so the check and the read concern the
    same file (no window to swap in a link); O_NONBLOCK so a FIFO cannot hang the fetch. Raises
    FileNotFoundError when there is no such name, Refused when it is anything but a plain file.
    """
    root = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=root)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise Refused(f"{name} is a link or cannot be opened ({exc.strerror})") from None
    finally:
        os.close(root)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        kind = "a hard link" if stat.S_ISREG(info.st_mode) else "not a regular file"
        raise Refused(f"{name} is {kind}")
    return fd


class _FileStream(httpx.SyncByteStream):
    """The file in chunks, at most `limit + 1` bytes: one past the cap is enough for the fetcher to refuse."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit = fd, limit

    def __iter__(self) -> Iterator[bytes]:
        left = self.limit + 1
        while left > 0:
            chunk = os.read(self.fd, min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class LocalFeedTransport(httpx.BaseTransport):
    """Answers GETs with the named file: 200 with an ETag, 304 when the ETag still matches, else 404/403."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.lstrip("/")
        if request.method != "GET" or not SAFE_NAME.match(name):
            return _answer(request, 404, b"no such demo feed")
        try:
            fd = open_inside(self.directory, name)
        except FileNotFoundError:
            return _answer(request, 404, b"no such demo feed")
        except (Refused, OSError) as exc:
            log.warning("FEEDS_LOCAL_DIR: refused to serve %s: %s", name, exc)
            return _answer(request, 403, b"not a plain file of the demo directory")
        info = os.fstat(fd)
        # From the file's identity, not its bytes: the body is never read whole, and a changed file changes it.
        identity = f"{info.st_ino}-{info.st_size}-{info.st_mtime_ns}".encode()
        etag = f'"{hashlib.sha256(identity).hexdigest()[:16]}"'
        if request.headers.get("if-none-match") == etag:
            os.close(fd)
            return httpx.Response(304, headers={"ETag": etag}, request=request)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # A stream, not `content=`: the fetcher reads raw chunks through its size cap, as from a socket.
        headers = {"ETag": etag, "Content-Type": content_type, "Content-Length": str(info.st_size)}
        return httpx.Response(200, headers=headers, stream=_FileStream(fd, settings.FEEDS_MAX_BYTES), request=request)


def _answer(request: httpx.Request, status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, stream=httpx.ByteStream(body), request=request)


def local_mounts(directory: str) -> dict[str, httpx.BaseTransport]:
    """The httpx mounts that route the demo host to `directory`; none when the setting is empty."""
    if not directory:
        return {}
    return {f"all://{LOCAL_HOST}": LocalFeedTransport(directory)}
