"""An OAuth2 token endpoint on 127.0.0.1 that issues tokens, can rotate refresh tokens, and accepts
only the newest access token (through an introspection endpoint, or `accepts` for FaultSMTP)."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CLIENT_ID = "introbot-test-client"
FIRST_REFRESH_TOKEN = "1//first-refresh-token"
INVALID_GRANT = {"error": "invalid_grant",
                 "error_description": "AADSTS70000: The provided value for the 'refresh_token' is not valid."}


class TokenServer:
    """POST /token (grant_type=refresh_token) and POST /introspect (RFC 7662), in a background thread.

    Only the newest access token is valid: a client that reuses a token after a newer one was issued
    is refused. With `rotate`, each refresh issues a new refresh token and the old one stops working.
    `client_secret` None means a public client (no secret expected). `forms` records every token
    request for the test to inspect (they hold secrets: test values only).
    """

    def __init__(self, *, user: str, client_id: str = CLIENT_ID, client_secret: str | None = None,
                 refresh_token: str = FIRST_REFRESH_TOKEN, expires_in: int = 3600, rotate: bool = False):
        self.user = user
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.expires_in = expires_in
        self.rotate = rotate
        self.issued: list[str] = []
        self.forms: list[dict[str, str]] = []
        self._refusal: tuple[int, dict] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="tokenserver")

    # ------------------------------------------------------------------ life cycle
    def start(self) -> TokenServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> TokenServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def introspection_url(self) -> str:
        return f"{self.url}/introspect"

    # ------------------------------------------------------------------ programming and observing
    def refuse_with(self, status: int, answer: dict) -> None:
        """Answer every token request with this error until `accept_again()`."""
        with self._lock:
            self._refusal = (status, answer)

    def accept_again(self) -> None:
        with self._lock:
            self._refusal = None

    def issue(self) -> str:
        """Mint a new access token (the only valid one from now on), as a refresh would."""
        with self._lock:
            token = f"ya29.{secrets.token_urlsafe(24)}"
            self.issued.append(token)
            return token

    @property
    def current(self) -> str | None:
        with self._lock:
            return self.issued[-1] if self.issued else None

    @property
    def token_requests(self) -> int:
        with self._lock:
            return len(self.forms)

    def accepts(self, user: str, token: str) -> bool:
        """The check a mail server makes: the newest token, presented for its own user."""
        return user == self.user and token == self.current

    # ------------------------------------------------------------------ HTTP
    def _grant(self, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.forms.append(form)
            if self._refusal is not None:
                return self._refusal
            if form.get("grant_type") != "refresh_token":
                return 400, {"error": "unsupported_grant_type"}
            if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
                return 401, {"error": "invalid_client",
                             "error_description": "AADSTS7000215: Invalid client secret is provided."}
            if form.get("refresh_token") != self.refresh_token:
                return 400, INVALID_GRANT
            if self.rotate:
                self.refresh_token = f"1//rotated-{secrets.token_urlsafe(12)}"
            refresh_token = self.refresh_token
        answer = {"access_token": self.issue(), "token_type": "Bearer", "expires_in": self.expires_in}
        if self.rotate:
            answer["refresh_token"] = refresh_token
        return 200, answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = parse_qs(self.rfile.read(length).decode("utf-8"))
                form = {name: values[0] for name, values in fields.items()}
                if self.path == "/token":
                    status, answer = server._grant(form)
                elif self.path == "/introspect":
                    status, answer = 200, {"active": False}
                    if form.get("token") == server.current:
                        answer = {"active": True, "username": server.user}
                else:
                    status, answer = 404, {"error": "not_found"}
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # tests read `forms`, not stderr

        return Handler
