"""The client address the per-address limit counts: the peer, or behind trusted proxies the first address that is
not one of them, read from X-Forwarded-For's right; a client's own entries in the header are never believed."""
from __future__ import annotations

from ipaddress import ip_network

import pytest

from gateway.client_address import UNKNOWN, ClientAddresses

BALANCERS = ClientAddresses([ip_network("10.0.0.0/8"), ip_network("192.0.2.7"), ip_network("2001:db8:1::/48")])


def _scope(peer: str | None, *forwarded_for: str) -> dict:
    return {"type": "http", "client": None if peer is None else (peer, 50_000),
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded_for]}


@pytest.mark.parametrize(("scope", "address"), [
    (_scope("203.0.113.9"), "203.0.113.9"),
    (_scope("203.0.113.9", "198.51.100.1"), "203.0.113.9"),  # an untrusted peer's header is its own word
    (_scope("10.1.2.3", "198.51.100.1"), "198.51.100.1"),
    (_scope("10.1.2.3", "1.1.1.1, 198.51.100.1"), "198.51.100.1"),  # the client wrote 1.1.1.1 itself
    (_scope("10.1.2.3", "198.51.100.1, 192.0.2.7"), "198.51.100.1"),  # through two trusted proxies
    (_scope("10.1.2.3", "1.1.1.1", "198.51.100.1, 10.9.9.9"), "198.51.100.1"),  # two headers are one list
    (_scope("10.1.2.3", "198.51.100.1, not-an-address"), "10.1.2.3"),  # the proxy's own hop is the last believed
    (_scope("10.1.2.3", "10.4.4.4, 10.5.5.5"), "10.4.4.4"),  # every hop trusted: the first
    (_scope("10.1.2.3"), "10.1.2.3"),  # a trusted proxy's own request
    (_scope("10.1.2.3", ""), "10.1.2.3"),
    (_scope("2001:db8:2::5"), "2001:db8:2::/64"),  # one subscriber's /64 is one address
    (_scope("2001:db8:1::1", "2001:db8:2:0:ffff::9"), "2001:db8:2::/64"),
    (_scope("::ffff:203.0.113.9"), "203.0.113.9"),
    (_scope(None), UNKNOWN),
    (_scope("testclient"), UNKNOWN),
])
def test_the_client_address(scope: dict, address: str) -> None:
    assert BALANCERS.of(scope) == address


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert ClientAddresses([]).of(_scope("127.0.0.1", "198.51.100.1")) == "127.0.0.1"
