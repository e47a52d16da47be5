"""OAuth2 access tokens for IMAP and SMTP (XOAUTH2): from a command or a provider's refresh-token flow."""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from introbot.config import OAuth2Settings, Secret, ServerSettings
from introbot.edges.tls import Endpoint, client_context, find_cause, is_loopback, scrub

log = logging.getLogger("introbot.oauth")

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
# What each service needs from Microsoft; Google's grant (scope https://mail.google.com/) covers both.
MICROSOFT_PERMISSIONS = {"imap": "IMAP.AccessAsUser.All", "smtp": "SMTP.Send"}
# A token is renewed this long before it expires: room for a slow login and for clock drift.
REFRESH_MARGIN = 300.0
_BEARER_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: all a bearer token can hold
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
_AADSTS = re.compile(r"\bAADSTS\d{4,8}\b")  # Microsoft's error numbers, e.g. AADSTS70000
_CONSENT_MISSING = {"AADSTS65001", "AADSTS65004", "AADSTS90094"}
_RESPONSE_LIMIT = 1 << 20


class OAuth2Error(ConnectionError):
    """No access token could be had; the message names the fix and holds no token or secret.

    `retryable` is True when the cause may pass by itself (the token endpoint is down or slow).
    """

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class _Grant:
    """What a token source gave: the access token, its lifetime in seconds (None: unknown, so not
    reused) and, when the issuer rotated it, a new refresh token."""

    access_token: str = field(repr=False)
    lifetime: float | None
    refresh_token: str | None = field(default=None, repr=False)


def xoauth2_string(user: str, token: str) -> str:
    """The XOAUTH2 initial response before base64 (Google's and Microsoft's documented format)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class TokenProvider:
    """Access tokens for one service ("imap" or "smtp"); call `token()` on every connect.

    A token is reused until REFRESH_MARGIN seconds before it expires, then renewed; a command that
    says nothing of expiry is run every time (such commands keep their own cache). A refresh token
    the issuer rotates is kept in memory and, when it came from a file, written back to that file.
    Safe to share between threads.
    """

    def __init__(self, settings: OAuth2Settings, service: str, timeout: float,
                 clock: Callable[[], float] = time.monotonic):
        self._settings = settings
        self._service = service
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._refresh_token: str | None = None  # the latest rotated one; else the configured one is read
        self._save_failure_logged = False

    def __repr__(self) -> str:
        return f"TokenProvider({self._settings.provider!r}, {self._service!r})"

    def token(self) -> str:
        """A valid access token; raises OAuth2Error (naming the fix) when none can be had."""
        with self._lock:
            now = self._clock()
            if self._token is not None and now < self._renew_at:
                return self._token
            self._token = None
            grant = self._run_command() if self._settings.provider == "command" else self._refresh()
            if grant.lifetime is not None:
                self._token, self._renew_at = grant.access_token, now + grant.lifetime - REFRESH_MARGIN
            log.debug("new %s access token (%s)", self._service,
                      f"valid {grant.lifetime:g} s" if grant.lifetime is not None else "lifetime unknown")
            return grant.access_token

    def forget(self) -> None:
        """Drop the cached token after a server refused it: the next `token()` asks for a new one."""
        with self._lock:
            self._token = None

    # ------------------------------------------------------------------ a command prints the token
    def _run_command(self) -> _Grant:
        argv = self._settings.command
        key = f"{self._service}.oauth2_command"
        try:
            completed = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                       timeout=self._timeout, check=False)
        except FileNotFoundError:
            raise OAuth2Error(f"{key}: there is no program {argv[0]!r}; give its full path, or install "
                              f"it") from None
        except PermissionError:
            raise OAuth2Error(f"{key}: {argv[0]!r} may not be run (is it executable, and readable by "
                              f"introbot's user?)") from None
        except subprocess.TimeoutExpired:
            raise OAuth2Error(f"{key} did not finish within {self._timeout:g} s; run it by hand to see "
                              f"what it waits for (it must not ask anything)", retryable=True) from None
        except OSError as error:
            raise OAuth2Error(f"{key} could not be started ({error.strerror})") from None
        if completed.returncode != 0:
            # Its output is not repeated: it may hold a token or a secret.
            raise OAuth2Error(f"{key} failed (exit status {completed.returncode}); run it by hand to "
                              f"see why", retryable=True)
        output = completed.stdout.decode("utf-8", "replace").strip()
        if output.startswith("{"):
            answer = _json_object(output.encode())
            token = answer.get("access_token") if answer is not None else None
            lifetime = _seconds(answer.get("expires_in")) if answer is not None else None
        else:
            token, lifetime = output, None
        if not isinstance(token, str) or not _BEARER_TOKEN.fullmatch(token):
            raise OAuth2Error(f"{key} printed no access token: it must print the token alone, or JSON "
                              f"such as {{\"access_token\": \"...\", \"expires_in\": 3599}}; run it by "
                              f"hand to check")
        return _Grant(token, lifetime)

    # ------------------------------------------------------------------ the refresh-token flow
    def _token_url(self) -> str:
        settings = self._settings
        if settings.token_url:
            return settings.token_url
        if settings.provider == "google":
            return GOOGLE_TOKEN_URL
        return MICROSOFT_TOKEN_URL.format(tenant=settings.tenant)

    def _refresh(self) -> _Grant:
        settings = self._settings
        refresh_token = self._refresh_token or _reveal(settings.refresh_token)
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": settings.client_id}
        if settings.client_secret.configured:
            form["client_secret"] = _reveal(settings.client_secret)
        if settings.provider == "microsoft":
            form["scope"] = (f"https://outlook.office.com/{MICROSOFT_PERMISSIONS[self._service]} "
                             f"offline_access")
        url = self._token_url()
        status, answer = _post(url, form, self._timeout)
        token = answer.get("access_token")
        if status != 200 or not isinstance(token, str) or not _BEARER_TOKEN.fullmatch(token):
            raise self._refused(urlsplit(url).netloc, status, answer)
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and _BEARER_TOKEN.fullmatch(rotated) and rotated != refresh_token:
            self._keep(rotated)
        return _Grant(token, _seconds(answer.get("expires_in")))

    def _keep(self, refresh_token: str) -> None:
        """Use a rotated refresh token from now on, and save it where the first one came from."""
        self._refresh_token = refresh_token
        path = self._settings.refresh_token.file
        if path is None:
            return
        try:
            _replace_privately(path, refresh_token)
        except OSError as error:
            if not self._save_failure_logged:
                log.warning("cannot save the new %s refresh token to %s (%s): it is kept in memory "
                            "until introbot stops; make the file writable by introbot", self._service,
                            path, error.strerror)
                self._save_failure_logged = True

    def _refused(self, where: str, status: int, answer: dict) -> OAuth2Error:
        """The token endpoint's refusal in plain words, with the fix; only its error codes are kept."""
        settings, service = self._settings, self._service
        error = answer.get("error")
        error = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else ""
        description = answer.get("error_description")
        numbers = _AADSTS.findall(description) if isinstance(description, str) else []
        detail = ", ".join([error or f"HTTP {status}", *numbers[:1]])
        microsoft = settings.provider == "microsoft"
        if error in ("consent_required", "interaction_required") or _CONSENT_MISSING & set(numbers):
            fix = (f"an administrator must grant consent: Microsoft Entra admin centre > Enterprise "
                   f"applications > the app > Permissions > Grant admin consent (delegated "
                   f"{MICROSOFT_PERMISSIONS[service]}), then sign in once more" if microsoft else
                   "sign in once more and allow access when asked")
            return OAuth2Error(f"{where} says consent for the app is missing ({detail}): {fix}; "
                               f"config.example.toml (\"Signing in\") shows how")
        if error == "invalid_grant":
            causes = "it expired or was revoked: the password changed, access was removed"
            causes += ", or it went unused for 90 days" if microsoft else \
                ", or the Google app is still in \"Testing\", where a grant lasts 7 days"
            return OAuth2Error(f"{where} refused the refresh token ({detail}: {causes}): re-authorise: "
                               f"sign in once more as config.example.toml (\"Signing in\") shows, put "
                               f"the new refresh token in {_where_kept(settings.refresh_token)} and "
                               f"restart introbot")
        if error in ("invalid_client", "unauthorized_client"):
            secret = f" and the client secret in {_where_kept(settings.client_secret)}" \
                if settings.client_secret.configured else ""
            public = ("; an app used without a secret needs \"Allow public client flows\" under "
                      "Authentication in its registration") if microsoft else ""
            return OAuth2Error(f"{where} does not accept the app ({detail}): check "
                               f"{service}.oauth2_client_id{secret}{public}")
        if error == "invalid_scope":
            fix = (f"give the app the delegated permission Office 365 Exchange Online > "
                   f"{MICROSOFT_PERMISSIONS[service]}, grant consent and sign in once more" if microsoft
                   else "sign in once more asking for the scope https://mail.google.com/")
            return OAuth2Error(f"{where} refused the permission introbot asks for ({detail}): {fix}")
        if status >= 500 or status == 429 or error == "temporarily_unavailable":
            return OAuth2Error(f"{where} cannot issue a token now ({detail}); introbot will try again",
                               retryable=True)
        return OAuth2Error(f"{where} refused to issue a token ({detail}): check the {service}.oauth2_ "
                           f"settings against config.example.toml (\"Signing in\"), and sign in once "
                           f"more if they are right")


_providers: dict[tuple[OAuth2Settings, str, float], TokenProvider] = {}
_providers_lock = threading.Lock()


def token_provider(settings: OAuth2Settings | None, service: str, timeout: float) -> TokenProvider:
    """The one provider in this process for these settings, so that a cached token and a rotated
    refresh token outlive each connection. Raises OAuth2Error when `settings` is missing."""
    if settings is None:
        raise OAuth2Error(f"{service}.auth = \"oauth2\" needs {service}.oauth2_provider and its keys; "
                          f"config.example.toml (\"Signing in\") explains them")
    with _providers_lock:
        key = (settings, service, timeout)
        if key not in _providers:
            _providers[key] = TokenProvider(settings, service, timeout)
        return _providers[key]


def explain_refusal(endpoint: Endpoint, reply: str, challenge: str,
                    settings: ServerSettings) -> str:
    """Why a server refused to log in, and the fix, for password and OAuth2 sign-in alike.

    `reply` is the server's final answer; `challenge` the JSON an XOAUTH2 server sends before it
    ({"status":"401",...}), or "".
    """
    service = endpoint.service
    if settings.auth != "oauth2":
        explained = endpoint.login_refused(reply, settings.password.key)
        if "basic authentication is disabled" in reply.lower() or "basicauthblocked" in reply.lower():
            explained += (f"; or sign in with OAuth2: {service}.auth = \"oauth2\" (config.example.toml, "
                          f"\"Signing in\")")
        return explained
    if "smtpclientauthentication is disabled" in reply.lower():  # OAuth2 needs SMTP AUTH enabled too
        return endpoint.login_refused(reply, "")
    provider = settings.oauth2.provider if settings.oauth2 is not None else "command"
    error = _json_object(challenge.encode()) or {}
    status = error.get("status") if isinstance(error.get("status"), str) else ""
    said = f"{scrub(reply) or 'no reason given'}{f', status {scrub(status, 10)}' if status else ''}"
    if status == "400":
        why = f"the token is not for this mailbox: {service}.username must be the address that signed in"
    else:
        permission = {"google": "the scope https://mail.google.com/",
                      "microsoft": f"the delegated permission {MICROSOFT_PERMISSIONS.get(service, '')}",
                      "command": "the mail permission"}[provider]
        why = (f"check that {service}.username is the mailbox that signed in and that the token carries "
               f"{permission}")
        if provider == "microsoft":
            what = "IMAP" if service == "imap" else "Authenticated SMTP"
            why += (f", and that {what} is enabled for the mailbox (Microsoft 365 admin centre > Users > "
                    f"Mail > Manage email apps)")
        if provider == "command":
            why += f" (see what {service}.oauth2_command prints)"
    return f"{endpoint.where} refused the OAuth2 token ({said}): {why}"


# --- helpers ------------------------------------------------------------------------------------------

def _reveal(secret: Secret) -> str:
    try:
        return secret.reveal()
    except ValueError as error:  # ConfigError: the variable is unset or the file unreadable
        raise OAuth2Error(str(error)) from None


def _where_kept(secret: Secret) -> str:
    if secret.env:
        return f"the environment variable {secret.env} ({secret.key})"
    if secret.file is not None:
        return f"the file {secret.file} ({secret.key})"
    return secret.key or "its setting"


def _seconds(value: object) -> float | None:
    """A positive lifetime in seconds from expires_in (a number, or digits as text); else None."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _json_object(data: bytes) -> dict | None:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _post(url: str, form: dict[str, str], timeout: float) -> tuple[int, dict]:
    """POST a form to a token endpoint; (HTTP status, JSON object). Failures say what and where."""
    parts = urlsplit(url)
    where = parts.netloc
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(
        context=client_context(None, "oauth2_token_url"))]
    if is_loopback(parts.hostname or ""):
        handlers.append(urllib.request.ProxyHandler({}))  # a proxy from the environment cannot reach it
    request = urllib.request.Request(url, data=urlencode(form).encode("ascii"), method="POST",
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
            status, body = response.status, response.read(_RESPONSE_LIMIT)
    except urllib.error.HTTPError as error:
        with error:
            status, body = error.code, error.read(_RESPONSE_LIMIT)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise _unreachable(where, error) from None
    answer = _json_object(body)
    if answer is None:
        raise OAuth2Error(f"{where} answered HTTP {status} with something other than a token response; "
                          f"check that the oauth2_token_url, if set, is the provider's token endpoint",
                          retryable=status >= 500)
    return status, answer


def _unreachable(where: str, error: BaseException) -> OAuth2Error:
    verification = find_cause(error, ssl.SSLCertVerificationError)
    if isinstance(verification, ssl.SSLCertVerificationError):
        return OAuth2Error(f"the certificate of the token endpoint {where} is not trusted "
                           f"({verification.verify_message}): a proxy or firewall may be intercepting "
                           f"HTTPS; let introbot reach {where} directly")
    reason = getattr(error, "reason", error)
    if isinstance(reason, ConnectionRefusedError):
        said = "connection refused"
    elif isinstance(reason, TimeoutError):
        said = "no answer in time"
    elif isinstance(reason, OSError) and reason.strerror:
        said = reason.strerror
    else:
        said = type(reason).__name__
    return OAuth2Error(f"cannot reach the token endpoint {where} ({said}); introbot will try again",
                       retryable=True)


def _replace_privately(path: Path, content: str) -> None:
    """Write `content` to `path` atomically, readable by its owner only (mode 0600)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(content + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
