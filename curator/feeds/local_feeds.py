"""Feeds served from a directory instead of the network, for the demo and offline runs.

With `FEEDS_LOCAL_DIR` set, URLs on the reserved host `demo.curator.invalid` (the `.invalid` top-level
domain never resolves, RFC 2606) are answered from files in that directory. Every other host still
goes through the guarded transport, and the answer still passes the fetcher's size cap and parsing,
so the demo exercises the real ingest path while production fetching keeps every guard.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

import httpx

LOCAL_HOST = "demo.curator.invalid"
# One plain file name, no directories: a URL can never name a file outside FEEDS_LOCAL_DIR.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def local_url(filename: str) -> str:
    return f"https://{LOCAL_HOST}/{filename}"


class LocalFeedTransport(httpx.BaseTransport):
    """Answers GETs with the named file: 200 with an ETag, 304 when the ETag still matches, else 404."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.lstrip("/")
        path = self.directory / name
        if request.method != "GET" or not SAFE_NAME.match(name) or not path.is_file():
            return httpx.Response(404, stream=httpx.ByteStream(b"no such demo feed"), request=request)
        body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag}, request=request)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # A stream, not `content=`: the fetcher reads raw chunks through its size cap, as from a socket.
        headers = {"ETag": etag, "Content-Type": content_type, "Content-Length": str(len(body))}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body), request=request)


def local_mounts(directory: str) -> dict[str, httpx.BaseTransport]:
    """The httpx mounts that route the demo host to `directory`; none when the setting is empty."""
    if not directory:
        return {}
    return {f"all://{LOCAL_HOST}": LocalFeedTransport(directory)}
