"""The dashboard's guards: loopback by default, a token for any other host, CSRF on POST,
a strict Content-Security-Policy (every asset from the dashboard itself), Host checking."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Any

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["CSRF_HEADER", "Guard", "csrf_token", "is_loopback"]

CSRF_HEADER = "x-csrf-token"
TOKEN_COOKIE = "rw_dashboard_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def csrf_token(secret: bytes) -> str:
    return hmac.new(secret, b"ridgeway-dashboard-csrf", hashlib.sha256).hexdigest()


class Guard(BaseHTTPMiddleware):
    """Token (when configured), same-origin + CSRF header on POST, security headers."""

    def __init__(self, app: Any, *, secret: bytes, token: str | None) -> None:
        super().__init__(app)
        self.csrf = csrf_token(secret)
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        from_query = False
        if self.token is not None:
            supplied = request.cookies.get(TOKEN_COOKIE) or ""
            if request.query_params.get("token"):
                supplied, from_query = request.query_params["token"], True
            if not hmac.compare_digest(supplied.encode(), self.token.encode()):
                return JSONResponse({"error": "a valid token is required"}, status_code=401)
        if request.method not in ("GET", "HEAD"):
            refused = self._refuse_cross_site(request)
            if refused is not None:
                return refused
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if from_query:
            response.set_cookie(TOKEN_COOKIE, self.token or "", httponly=True, samesite="strict")
        return response

    def _refuse_cross_site(self, request: Request) -> Response | None:
        origin = request.headers.get("origin")
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin is not None and origin != expected:
            return JSONResponse({"error": f"cross-site request from {origin!r}"}, status_code=403)
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return JSONResponse({"error": "cross-site request"}, status_code=403)
        supplied = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(supplied.encode(), self.csrf.encode()):
            return JSONResponse({"error": "missing or wrong CSRF token"}, status_code=403)
        return None


def new_secret() -> bytes:
    return secrets.token_bytes(32)
