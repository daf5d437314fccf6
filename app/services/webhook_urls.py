"""Where a webhook may point: https (or http when configured) to public addresses only, so a hook cannot
be used to reach the servers behind Roost (SSRF). Checked when a hook is saved and again before every
delivery, because what a name resolves to can change; the delivery then connects to the checked address."""
import ipaddress
import socket
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.errors import Invalid

@dataclass(frozen=True)
class Target:
    """A checked webhook URL: connect to `address`, present `host` (TLS name and Host header)."""

    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: str  # the resolved IP address that passed the check

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _refuse(message: str) -> NoReturn:
    raise Invalid(message, fields={"url": message})


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is private, loopback, link-local, multicast, reserved or otherwise not on the internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def check_url(url: str) -> Target:
    """The URL's target after resolving its host, or Invalid (on the `url` field) saying why it is refused."""
    config = current_app.config
    parts = urlsplit(url.strip())
    schemes = ("https", "http") if config["WEBHOOK_ALLOW_HTTP"] else ("https",)
    if parts.scheme.lower() not in schemes:
        _refuse(_("Use an address that starts with https://."))
    if not parts.hostname:
        _refuse(_("Enter a full address like https://example.com/hooks/roost."))
    if parts.username is not None or parts.password is not None:
        _refuse(_("Leave the user name and password out of the address."))
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        _refuse(_("The port number in this address is not valid."))
    try:
        host = parts.hostname.encode("idna").decode()  # the ASCII form, as DNS, TLS and the Host header need it
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        _refuse(_("We could not find %(host)s. Check the address.", host=parts.hostname))
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not config["WEBHOOK_ALLOW_PRIVATE"]:
        internal = next((address for address in addresses if is_internal(address)), None)
        if internal is not None:
            _refuse(_("%(host)s points to a private or local address (%(address)s). Webhooks only go to "
                      "addresses on the public internet.", host=parts.hostname, address=internal))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
