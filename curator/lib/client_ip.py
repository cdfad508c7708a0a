"""The address a request came from, as the login lockout, the sign-up limits and click counting count it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# One client with an IPv6 connection usually holds a whole /64: counting single addresses would give it
# 2**64 fresh budgets.
IPV6_CLIENT_PREFIX = 64


@lru_cache(maxsize=16)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks; a junk entry stops the start (or the request) instead of trusting less."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES entry {entry!r}: expected an address or network such as 10.0.0.0/8"
            ) from None
    return tuple(networks)


def parse_address(text: str) -> Address | None:
    """One hop as an address, or None for anything that is not exactly one (ports, names, junk).

    IPv4-mapped IPv6 (`::ffff:203.0.113.9`) is the IPv4 address, and a zone (`%eth0`) is dropped, so
    two spellings of one address are one address.
    """
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return ipaddress.IPv6Address(address.exploded.split("%")[0])
    return address


def canonical(address: Address) -> str:
    """The key an address is counted under: IPv4 as it is, IPv6 as the first address of its /64."""
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_CLIENT_PREFIX), strict=False)
        return str(network.network_address)
    return str(address)


def _inside(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> Address | None:
    """The client's address: the socket's, or behind a trusted proxy the one that proxy saw.

    X-Forwarded-For is read only when the socket peer is inside TRUSTED_PROXIES: anyone else reaching
    the app port directly could name a new address with every request. From the right, each hop is the
    address the proxy to its right saw; we step left at most TRUSTED_PROXY_COUNT hops and only across
    trusted proxies, so nothing the client wrote further left is ever read. A hop that is not one
    address cannot come from a proxy, so the last trusted address is kept instead.
    """
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    proxies = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not proxies or not _inside(peer, proxies):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops[-settings.TRUSTED_PROXY_COUNT :] if settings.TRUSTED_PROXY_COUNT > 0 else []):
        address = parse_address(hop)
        if address is None:
            break
        client = address
        if not _inside(address, proxies):
            break
    return client


def client_ip(request: HttpRequest) -> str:
    """The client's counting key (see `canonical`), "" when the socket address itself is unusable."""
    address = client_address(request)
    return canonical(address) if address is not None else ""
