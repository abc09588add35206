"""Which Bot Connector service URLs the bot talks to.

An activity's `serviceUrl` is where replies go, with the bot's Bearer token, and it is stored for
proactive messages. Taken as given, a caller could make the bot send its token anywhere (in
development mode, anyone). So it must match the allow-list before it is used or stored, and every
outgoing call checks it again (references stored before the list existed included).

Default: Microsoft's documented Teams service hosts (public cloud, GCC, GCC High, DoD) and the
Bot Framework channels' hosts (*.botframework.com, with the US Government and China clouds'
*.botframework.azure.us and *.botframework.azure.cn). PMO_BOT_TEAMS_SERVICE_URLS replaces the
list (comma-separated): `https://host/`, `https://*.domain/` (any subdomain), optionally with a
path prefix; a pattern without a port allows any port of that host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_SERVICE_URLS = (
    "https://smba.trafficmanager.net/",  # Teams, public cloud (…/teams/, …/amer/, …/emea/, …)
    "https://smba.infra.gcc.teams.microsoft.com/",  # Teams, GCC
    "https://smba.infra.gov.teams.microsoft.us/",  # Teams, GCC High
    "https://smba.infra.dod.teams.microsoft.us/",  # Teams, DoD
    "https://*.botframework.com/",  # Bot Framework channels (Web Chat, Direct Line, …)
    "https://*.botframework.azure.us/",  # Bot Framework, US Government cloud
    "https://*.botframework.azure.cn/",  # Bot Framework, China cloud (21Vianet)
)


class ServiceUrlRefused(LookupError):
    """A service URL outside the allow-list: nothing is sent there (a LookupError: final, never retried)."""


@dataclass(frozen=True, slots=True)
class _Pattern:
    scheme: str
    host: str  # without "*."
    any_subdomain: bool
    port: int | None
    path: str

    @classmethod
    def parse(cls, text: str) -> _Pattern:
        parts = urlsplit(text.strip())
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
            raise ValueError(f"not a service URL pattern: {text!r} (expected e.g. https://*.botframework.com/)")
        wildcard = host.startswith("*.")
        return cls(parts.scheme, host[2:] if wildcard else host, wildcard, parts.port, parts.path.rstrip("/"))

    def matches(self, scheme: str, host: str, port: int | None, path: str) -> bool:
        if scheme != self.scheme or (self.port is not None and port != self.port):
            return False
        if not (host.endswith("." + self.host) if self.any_subdomain else host == self.host):
            return False
        return not self.path or path == self.path or path.startswith(self.path + "/")


class ServiceUrls:
    def __init__(self, patterns: tuple[str, ...] | list[str] = DEFAULT_SERVICE_URLS) -> None:
        self.patterns = [_Pattern.parse(p) for p in patterns if p.strip()]

    def allows(self, url: object) -> bool:
        if not isinstance(url, str) or len(url) > 500 or not url.isascii() or "\\" in url:
            return False
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        if not host or parts.username is not None or parts.password is not None or parts.query or parts.fragment:
            return False
        return any(p.matches(parts.scheme.lower(), host, port, parts.path or "/") for p in self.patterns)

    def check(self, url: object) -> str:
        """`url` when it is allowed; ServiceUrlRefused otherwise (the URL is not repeated: it is untrusted)."""
        if not self.allows(url):
            raise ServiceUrlRefused("the Teams service URL is not one the bot may call (PMO_BOT_TEAMS_SERVICE_URLS)")
        return url  # type: ignore[return-value]
