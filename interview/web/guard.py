"""The workspace's security rules, in one ASGI middleware and two helpers.

- A token (given, or generated when the host is not a loopback address) is required on every request:
  `Authorization: Bearer T`, the `vivavoce_token` cookie, or `?token=T` once (it then becomes an
  HttpOnly, SameSite=Strict cookie and the URL is redirected without it). Without it: 401.
- Without a token (loopback only) the Host header must name a loopback address, so a web page on another
  site cannot reach the workspace through DNS rebinding.
- Every response carries a Content-Security-Policy that allows scripts, styles and media only from the
  workspace itself (no inline scripts, no eval) and denies framing and sniffing; pages are not cached.
  Referrers never leave the workspace: "same-origin", because under "no-referrer" a browser sends
  `Origin: null` on the workspace's own form POSTs.
- POSTs must carry the page's CSRF token and, when the browser names an Origin (or Referer), come from
  the workspace's own origin.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

TOKEN_COOKIE = "vivavoce_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
           (b"cache-control", b"no-store"))
LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """'127.0.0.1:8700' -> '127.0.0.1'; '[::1]:8700' -> '::1'."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """ASGI middleware: token or loopback Host, then the security headers on every response."""

    def __init__(self, app, *, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.token is None and not is_loopback(host_name(headers.get("host", ""))):
            return await _plain(send, 400, "unknown host: open the workspace at the address it printed")
        if self.token is not None:
            given, from_query = _given_token(scope, headers)
            if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
                return await _plain(send, 401, "token required: open the address the workspace printed")
            if from_query:
                return await _to_cookie(scope, send, self.token)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in HEADERS if k not in present]
            await send(message)
        return await self.app(scope, receive, with_headers)


def _given_token(scope, headers: dict[str, str]) -> tuple[str | None, bool]:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    if "cookie" in headers:
        cookie = SimpleCookie()
        try:
            cookie.load(headers["cookie"])
        except Exception:  # a malformed Cookie header is no token, not a crash
            cookie = SimpleCookie()
        if TOKEN_COOKIE in cookie:
            return cookie[TOKEN_COOKIE].value, False
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if "token" in query:
        return query["token"], True
    return None, False


async def _to_cookie(scope, send, token: str) -> None:
    query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
    location = scope["path"] + ("?" + urlencode(query) if query else "")
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode("latin-1", "replace")),
        (b"set-cookie", f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode()),
        *HEADERS]})
    await send({"type": "http.response.body", "body": b""})


async def _plain(send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS]})
    await send({"type": "http.response.body", "body": (text + "\n").encode()})


def csrf_token(secret: bytes, session_id: str) -> str:
    """The token a session page's review form carries: tied to this server's secret and this session."""
    return hmac.new(secret, f"review:{session_id}".encode(), hashlib.sha256).hexdigest()


def same_origin(headers, scheme: str) -> bool:
    """True unless the browser says the request comes from another origin (Origin, else Referer)."""
    host = headers.get("host", "")
    claimed = headers.get("origin") or headers.get("referer")
    if claimed is None:
        return True  # not sent by the browser: the CSRF token alone decides
    parts = urlsplit(claimed)
    return parts.scheme == scheme and parts.netloc == host
