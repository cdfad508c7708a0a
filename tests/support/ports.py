"""Ports on 127.0.0.1 for the local servers tests start, and for dead hosts."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on right now: a server may take it, or a client may find a dead host there."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
