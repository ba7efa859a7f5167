"""The client's address, for logs of personal-data views and for per-address limits.

Behind reverse proxies REMOTE_ADDR is the last proxy's, shared by every resident; each proxy
appends the address it received from to X-Forwarded-For. With TRUSTED_PROXY_COUNT = n, the
client is the n-th address from the right: addresses further left were written by the client
itself and are not believed.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies configured: the request bypassed a proxy; trust only the socket.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_group(address: str | None) -> str:
    """What a per-address limit counts: the address itself for IPv4, its /64 network for IPv6
    (one subscriber is handed a whole /64, so single IPv6 addresses cost an attacker nothing)."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
