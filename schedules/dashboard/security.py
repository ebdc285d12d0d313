"""Who may press a button: the dashboard token, a signed session cookie, and same-origin checks.

Pages are read-only and open to whoever can reach the port (127.0.0.1 by
default). Actions are POSTs that need NEWSDESK_DASHBOARD_TOKEN, presented
either as `Authorization: Bearer TOKEN` (scripts: a browser never adds that
header to a cross-site request) or as the session cookie that /login sets
plus the form's CSRF field. The cookie is SameSite=Strict and HttpOnly, the
CSRF field is an HMAC of the cookie's nonce under the token, and a request
whose Origin or Sec-Fetch-Site says it came from another site is refused
whatever it carries. Without a configured token every action is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

SESSION_COOKIE = "newsdesk_dashboard"
CSRF_FIELD = "csrf"
SESSION_MAX_AGE_S = 12 * 3600
SECURITY_HEADERS = [
    # No script at all, styles only from our own static files, no framing: escaped
    # article text stays text even if an escape were ever missed.
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Chromium send Origin: null on our own forms
    (b"cache-control", b"no-store"),
]


def _mac(token: str, message: str) -> str:
    return hmac.new(token.encode(), message.encode(), hashlib.sha256).hexdigest()


def token_matches(token: str | None, presented: str | None) -> bool:
    return bool(token) and presented is not None and hmac.compare_digest(token.encode(), presented.encode())


def new_session(token: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(token, 'session:' + nonce)}"


def session_nonce(token: str | None, cookie: str | None) -> str | None:
    """The nonce of a session cookie signed under this token, else None."""
    if not token or not cookie or "." not in cookie:
        return None
    nonce, _, mac = cookie.partition(".")
    return nonce if hmac.compare_digest(mac, _mac(token, "session:" + nonce)) else None


def csrf_for(token: str, nonce: str) -> str:
    return _mac(token, "csrf:" + nonce)


def cross_site(headers: Mapping[str, str], scheme: str, host: str) -> str | None:
    """Why a request is from another site (Origin or Sec-Fetch-Site), else None."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site is {fetch_site}"
    origin = headers.get("origin")
    if origin:
        parts = urlsplit(origin)
        if origin == "null" or parts.scheme != scheme or parts.netloc.lower() != host.lower():
            return f"Origin {origin} is not this dashboard"
    return None


def bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def refuse_action(token: str | None, headers: Mapping[str, str], cookies: Mapping[str, str],
                  form: Mapping[str, str], scheme: str, host: str) -> str | None:
    """None when the request may act, else the reason it may not (answered with 403)."""
    if not token:
        return "actions are disabled: NEWSDESK_DASHBOARD_TOKEN is not set"
    why = cross_site(headers, scheme, host)
    if why:
        return f"cross-site request refused ({why})"
    presented = bearer(headers)
    if presented is not None:
        return None if token_matches(token, presented) else "wrong token"
    nonce = session_nonce(token, cookies.get(SESSION_COOKIE))
    if nonce is None:
        return "log in with the dashboard token first"
    if not hmac.compare_digest(str(form.get(CSRF_FIELD) or ""), csrf_for(token, nonce)):
        return "the form's CSRF field does not match the session"
    return None


class SecurityHeaders:
    """ASGI middleware: the headers above on every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in present)]
            await send(message)

        return await self.app(scope, receive, send_with_headers)
