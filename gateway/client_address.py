"""The address a request comes from, as the limit on requests that fail authentication counts it.

The connection's peer, unless the peer is a trusted proxy (HUITONG_TRUSTED_PROXIES, as behind a load balancer): then
X-Forwarded-For, where each proxy appends the address it had the request from, is read from the right, and the first
address that is not a trusted proxy is the client. What a client writes into the header itself stands left of that and
is never reached. An IPv6 client is counted by its /64, the block one subscriber is given.
"""
from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.types import Scope

UNKNOWN = "unknown"  # a connection without an IP peer (a Unix socket)
IPV6_PREFIX = 64
FORWARDED_FOR = b"x-forwarded-for"

Address = IPv4Address | IPv6Address


class ClientAddresses:
    def __init__(self, trusted_proxies: Iterable[IPv4Network | IPv6Network]) -> None:
        self._trusted = tuple(trusted_proxies)

    def of(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = _parsed(client[0]) if client else None
        if peer is None:
            return UNKNOWN
        if self._is_trusted(peer):
            for hop in reversed(_forwarded_for(scope)):
                address = _parsed(hop)
                if address is None:  # not written by a proxy that follows the header's rules: stop at the last one
                    break
                peer = address
                if not self._is_trusted(address):
                    break
        return _counted_as(peer)

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self._trusted)


def _forwarded_for(scope: Scope) -> list[str]:
    """Every X-Forwarded-For header's addresses in order: several headers are one list, as HTTP joins them."""
    hops: list[str] = []
    for name, value in scope.get("headers", ()):
        if name.lower() == FORWARDED_FOR:
            hops += (hop.strip() for hop in value.decode("latin-1").split(","))
    return hops


def _parsed(text: str) -> Address | None:
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _counted_as(address: Address) -> str:
    if isinstance(address, IPv6Address):
        return str(ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
