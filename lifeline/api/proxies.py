"""Who the client is behind a reverse proxy: X-Forwarded-For believed only from proxies the operator names.

Behind nginx every request's peer is the proxy, so login limits keyed on the peer would count all
visitors as one. With ``LIFELINE_TRUSTED_PROXIES`` (or ``lifeline serve --trusted-proxy``) naming the
proxies' networks, a request whose peer is one of them is attributed to the right-most address of its
X-Forwarded-For that is not itself a trusted proxy (every proxy appends the address it received from,
so the hops left of the first untrusted one were written by the client and prove nothing). A peer
outside the list is the client, whatever its headers say. The default is no trusted proxy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.types import ASGIApp, Receive, Scope, Send

from lifeline.errors import UserError

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
# Hops read from the header at most: a proxy chain is a handful long; a header of thousands of
# entries is the client's, and walking it would only cost time.
MAX_HOPS = 20


def parse_networks(values: Iterable[str], source: str = "LIFELINE_TRUSTED_PROXIES") -> tuple[Network, ...]:
    """CIDR blocks or single addresses (``10.0.0.0/8, 127.0.0.1, ::1``); a bad entry is an error naming it."""
    networks: list[Network] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ip_network(item, strict=False))
            except ValueError:
                raise UserError(f"{source}: {item!r} is not an IP address or CIDR block (e.g. 10.0.0.0/8, "
                                "127.0.0.1, ::1)") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port, as RFC 7239 writes it
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        found = ip_address(text)
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


class TrustedProxies:
    """The networks whose X-Forwarded-For is believed."""

    def __init__(self, networks: Iterable[Network] = ()) -> None:
        self.networks = tuple(networks)

    def trusts(self, address: Address | None) -> bool:
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str | None, forwarded_for: list[str]) -> str | None:
        """The client's address for a request from ``peer`` carrying these X-Forwarded-For values (in order).

        Walks from the right while the current hop is a trusted proxy; a hop that is not an address
        stops the walk at the proxy that wrote it (the client then counts as that proxy, never as the
        text it sent)."""
        current = _address(peer) if peer else None
        if not self.trusts(current):
            return peer
        hops = [h for value in forwarded_for for h in value.split(",") if h.strip()]
        for hop in reversed(hops[-MAX_HOPS:]):
            found = _address(hop)
            if found is None:
                break
            current = found
            if not self.trusts(current):
                break
        return str(current)


# The schemes a proxy may say it received (X-Forwarded-Proto); anything else is not believed.
SCHEMES = {"http": ("http", "ws"), "https": ("https", "wss")}
# A host as a proxy may forward it (X-Forwarded-Host): a DNS name or an address, an optional port.
HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}"
                  r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def _last(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The right-most value of a (possibly repeated, comma-joined) header: the one the peer itself wrote."""
    values = [h.strip() for k, v in headers if k == name for h in v.decode("latin-1").split(",") if h.strip()]
    return values[-1] if values else None


def forwarded_scheme(headers: list[tuple[bytes, bytes]], websocket: bool = False) -> str | None:
    """The scheme X-Forwarded-Proto names (``https``/``http``, or ``wss``/``ws``), None when absent or not one."""
    value = _last(headers, b"x-forwarded-proto")
    pair = SCHEMES.get(value.lower()) if value else None
    return None if pair is None else pair[1 if websocket else 0]


def forwarded_host(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The host X-Forwarded-Host names, None when absent or not a host[:port]."""
    value = _last(headers, b"x-forwarded-host")
    return value if value and len(value) <= 260 and HOST.match(value) else None


class ClientAddress:
    """ASGI middleware: for a request whose peer is a trusted proxy, ``scope["client"]`` becomes the real
    client (the peer is kept as ``scope["state"]["peer"]``), ``scope["scheme"]`` the scheme the proxy
    received (X-Forwarded-Proto) and the Host header the one it received (X-Forwarded-Host), so
    everything downstream (login limits, audit, HSTS, Secure cookies, absolute links) keys on what the
    visitor sent. From any other peer those headers are dropped: nothing downstream can read them.
    Without trusted proxies only the dropping happens."""

    FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app, self.proxies = app, proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            host = peer[0] if peer else None
            scope.setdefault("state", {})["peer"] = host
            headers: list[tuple[bytes, bytes]] = list(scope["headers"])
            if host is not None and self.proxies.trusts(_address(host)):
                values = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
                client = self.proxies.client(host, values) if values else host
                if client != host:
                    scope["client"] = (client, 0)
                scheme = forwarded_scheme(headers, websocket=scope["type"] == "websocket")
                if scheme is not None:
                    scope["scheme"] = scheme
                forwarded = forwarded_host(headers)
                if forwarded is not None:
                    headers = [(k, v) for k, v in headers if k != b"host"] + [(b"host", forwarded.encode())]
            scope["headers"] = [(k, v) for k, v in headers if k not in self.FORWARDED]
        await self.app(scope, receive, send)
