"""The sender: aiosmtplib over one reused connection, every outcome mapped to sent, temporary or permanent."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import TracebackType

import aiosmtplib
from aiosmtplib import (SMTPAuthenticationError, SMTPConnectResponseError, SMTPException, SMTPHeloError,
                        SMTPNotSupported, SMTPRecipientRefused, SMTPResponse, SMTPResponseException,
                        SMTPServerDisconnected, SMTPTimeoutError)

from introbot.config import SmtpSettings
from introbot.edges.oauth import OAuth2Error, TokenProvider, explain_refusal, token_provider, xoauth2_string
from introbot.edges.tls import Endpoint, client_context, is_loopback, scrub, tls_misconfigured

log = logging.getLogger("introbot.smtp")

# A bare address (or "" for the null sender) that SMTP carries unchanged: nothing to quote or smuggle.
_ENVELOPE_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"\\@]+@[^\s<>()\[\],;:\"\\@]+")
_LINE_ENDING = re.compile(rb"\r\n|\n|\r")
_AUTH_REQUIRED = 530
_AUTH_CONTINUE, _AUTH_SUCCESSFUL = 334, 235


class Delivery(Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # try again later: 4xx, refused or lost connections, timeouts
    PERMANENT = "permanent"  # 5xx: retrying will not help


@dataclass(frozen=True)
class SendResult:
    """What became of one message; `detail` is fit for logs ("451 4.3.0 try later", "timeout after DATA").

    `refused` maps each recipient the server refused to its (privacy-scrubbed) reply: on SENT these
    are partial refusals (the others were accepted); when every recipient was refused it holds them all.
    """

    delivery: Delivery
    detail: str
    refused: dict[str, str] = field(default_factory=dict)


class SmtpConfigError(ConnectionError):
    """The SMTP server cannot be used as configured and retrying will not help; the message names the fix."""


class _Unreachable(Exception):
    """Connecting failed in a way that may pass (server down, timeout, 4xx greeting)."""


def _reply(error: SMTPResponseException) -> str:
    return f"{error.code} {scrub(error.message)}"


def _wire_length(raw: bytes) -> int:
    """Size as sent in DATA (RFC 1870): line endings become CRLF."""
    return len(_LINE_ENDING.sub(b"\r\n", raw))


def _check_envelope(envelope_from: str, recipients: Sequence[str]) -> None:
    if not recipients:
        raise ValueError("a message needs at least one envelope recipient")
    for address in (*recipients, *([envelope_from] if envelope_from else [])):
        if not _ENVELOPE_ADDRESS.fullmatch(address):
            raise ValueError("envelope addresses must be bare addresses (local@domain) without display "
                             "names, brackets, spaces or line breaks")


class SmtpSender:
    """Sends raw messages over one connection, reused for many sends and reopened when the server closed it.

    Every network step has settings.timeout; send() never raises for delivery problems (it returns a
    SendResult) and raises SmtpConfigError only for misconfiguration that retrying cannot fix. Once the
    server could not be reached, every send is TEMPORARY until close() ends the session.
    Use it from one task at a time; concurrent sends are serialised.
    """

    def __init__(self, settings: SmtpSettings, local_hostname: str):
        if settings.security not in ("tls", "starttls", "none"):
            raise SmtpConfigError(f"smtp.security must be tls, starttls or none, got {settings.security!r}")
        if settings.security == "none" and not is_loopback(settings.host):
            raise SmtpConfigError(f"smtp.security = \"none\" is allowed only for a loopback host, not "
                                  f"{settings.host!r}: use \"tls\" (port 465) or \"starttls\" (port 587)")
        self._settings = settings
        self._local_hostname = local_hostname  # given, so that aiosmtplib never asks DNS via getfqdn()
        self._endpoint = Endpoint("smtp", settings.host, settings.port, settings.security,
                                  settings.timeout.total_seconds(), tls_port=465, starttls_port=587)
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()
        # Why the server could not be reached in this session ("" while it could): the other sends of the
        # session are then TEMPORARY at once. A server that never answers costs one timeout per drain, not one
        # per message due, which at 30 s each would starve the daemon's heartbeat and get it killed.
        self._unreachable = ""

    async def __aenter__(self) -> SmtpSender:
        return self  # the connection opens with the first send, so an idle daemon holds none

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        """Say QUIT (briefly) and close the connection, if one is open; the next send tries the server again."""
        self._unreachable = ""
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (SMTPException, OSError):
            client.close()

    async def send(self, envelope_from: str, recipients: Sequence[str], raw: bytes) -> SendResult:
        """Send `raw` as is to `recipients`, with `envelope_from` as the return path ("" for none)."""
        _check_envelope(envelope_from, recipients)
        async with self._lock:
            if self._unreachable:
                return SendResult(Delivery.TEMPORARY, self._unreachable)
            try:
                client = await self._ready_client()
            except _Unreachable as error:
                self._unreachable = str(error)
                return SendResult(Delivery.TEMPORARY, self._unreachable)
            try:
                return await self._transact(client, envelope_from, recipients, raw)
            except BaseException:
                client.close()  # cancelled or broken mid-transaction: the session state is unknown
                self._client = None
                raise

    async def _ready_client(self) -> aiosmtplib.SMTP:
        """The open connection if it still answers (RSET also clears any half-made envelope), else a new one."""
        client = self._client
        if client is not None and client.is_connected:
            try:
                await client.rset()
                return client
            except (SMTPException, OSError):
                client.close()
        self._client = None
        self._client = await self._connect()
        return self._client

    async def open(self) -> None:
        """Connect, secure and log in now rather than at the first send (`introbot check --connect`).

        Raises SmtpConfigError when retrying cannot help, ConnectionError (saying why) when it may.
        """
        async with self._lock:
            try:
                await self._ready_client()
            except _Unreachable as error:
                raise ConnectionError(str(error)) from None

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self._settings
        try:
            password = settings.password.reveal() if settings.username else ""
            context = None if settings.security == "none" else client_context(settings.ca_file, "smtp.ca_file")
        except ValueError as error:
            raise SmtpConfigError(str(error)) from None
        token = await self._token() if settings.auth == "oauth2" else ""
        client = aiosmtplib.SMTP(hostname=settings.host, port=settings.port, local_hostname=self._local_hostname,
                                 timeout=settings.timeout.total_seconds(), use_tls=settings.security == "tls",
                                 start_tls=False, tls_context=context)
        step = "before its greeting"
        try:
            await client.connect()
            step = "after EHLO"
            await client.ehlo()
            if settings.security == "starttls":
                if not client.supports_extension("starttls"):
                    raise SmtpConfigError(self._endpoint.no_starttls())
                step = "during STARTTLS"
                await client.starttls()
                step = "after EHLO"
                await client.ehlo()  # RFC 3207 4.2: forget what was said before TLS, ask again
            if settings.username:
                if not client.supports_extension("auth"):
                    raise SmtpConfigError(f"{self._endpoint.where} does not offer AUTH here: use the submission "
                                          f"port (465 with security \"tls\", or 587 with \"starttls\")")
                step = "during AUTH"
                if settings.auth == "oauth2":
                    await self._log_in_with_token(client, token)
                else:
                    await client.login(settings.username, password)
        except BaseException as error:
            client.close()
            if isinstance(error, SmtpConfigError | _Unreachable) or not isinstance(error, Exception):
                raise  # cancellation and our own verdicts pass unchanged
            raise self._connect_failure(error, step) from None
        log.info("connected to %s (%s)", self._endpoint.where, settings.security)
        return client

    def _provider(self) -> TokenProvider:
        return token_provider(self._settings.oauth2, "smtp", self._settings.timeout.total_seconds())

    async def _token(self) -> str:
        """An OAuth2 access token, asked for in a thread: a command or an HTTPS request may take seconds."""
        try:
            return await asyncio.to_thread(lambda: self._provider().token())
        except OAuth2Error as error:
            if error.retryable:
                log.warning("no OAuth2 token: %s", error)
                raise _Unreachable(str(error)) from None
            raise SmtpConfigError(str(error)) from None

    async def _log_in_with_token(self, client: aiosmtplib.SMTP, token: str) -> None:
        if "xoauth2" not in client.server_auth_methods:
            raise SmtpConfigError(f"{self._endpoint.where} does not offer OAuth2 sign-in (AUTH XOAUTH2): check "
                                  f"smtp.host and smtp.port, or set smtp.auth = \"password\"")
        response, challenge = await self._xoauth2(client, token)
        if response.code >= 500:  # perhaps revoked since it was cached: one try with a new token
            self._provider().forget()
            response, challenge = await self._xoauth2(client, await self._token())
        if response.code == _AUTH_SUCCESSFUL:
            return
        self._provider().forget()
        if response.code >= 500:
            raise SmtpConfigError(explain_refusal(self._endpoint, response.message, challenge, self._settings))
        raise SMTPAuthenticationError(response.code, response.message)

    async def _xoauth2(self, client: aiosmtplib.SMTP, token: str) -> tuple[SMTPResponse, str]:
        """AUTH XOAUTH2: the final reply, and the JSON reason a refusing server sends first (334) or ""."""
        initial = base64.b64encode(xoauth2_string(self._settings.username, token).encode())
        response = await client.execute_command(b"AUTH", b"XOAUTH2", initial)
        if response.code != _AUTH_CONTINUE:
            return response, ""
        try:
            challenge = base64.b64decode(response.message).decode("utf-8", "replace")
        except binascii.Error:
            challenge = ""  # not the JSON reason providers send: the final reply has to do
        return await client.execute_command(b""), challenge  # the empty line that asks for the final reply

    def _connect_failure(self, error: Exception, step: str) -> Exception:
        """SmtpConfigError when retrying cannot help, else _Unreachable; both say what happened."""
        endpoint = self._endpoint
        if isinstance(error, SMTPAuthenticationError) and error.code >= 500:
            return SmtpConfigError(explain_refusal(endpoint, error.message, "", self._settings))
        if isinstance(error, SMTPConnectResponseError | SMTPHeloError) and error.code >= 500:
            return SmtpConfigError(f"{endpoint.where} refused this client {step} ({_reply(error)}): check "
                                   f"smtp.host and smtp.port, and that this machine may send through it")
        if type(error) is SMTPException or isinstance(error, SMTPNotSupported):
            # aiosmtplib's own verdicts, e.g. "No suitable authentication method found."
            return SmtpConfigError(f"{endpoint.where} cannot be used {step}: {scrub(str(error))}")
        if isinstance(error, SMTPResponseException):
            detail = f"{_reply(error)} {step}"
        elif tls_misconfigured(error):
            return SmtpConfigError(endpoint.describe(error, step))
        else:
            detail = endpoint.describe(error, step, first_contact=step == "before its greeting")
        log.warning("connection to %s failed: %s", endpoint.where, detail)
        return _Unreachable(detail)

    async def _transact(self, client: aiosmtplib.SMTP, envelope_from: str, recipients: Sequence[str],
                        raw: bytes) -> SendResult:
        """MAIL, RCPT per recipient, DATA (RFC 5321 3.3), each mapped to a SendResult on failure."""
        utf8 = not (envelope_from.isascii() and all(address.isascii() for address in recipients))
        if utf8 and not client.supports_extension("smtputf8"):
            return SendResult(Delivery.PERMANENT, "the server cannot carry non-ASCII addresses (no SMTPUTF8)")
        options = [f"SIZE={_wire_length(raw)}"] if client.supports_extension("size") else []
        if utf8:
            options.append("SMTPUTF8")
        if not raw.isascii() and client.supports_extension("8bitmime"):
            options.append("BODY=8BITMIME")
        encoding = "utf-8" if utf8 else "ascii"
        step = "after MAIL FROM"
        try:
            await client.mail(envelope_from, options=options, encoding=encoding)
            step = "after RCPT TO"
            refusals: dict[str, SMTPRecipientRefused] = {}
            for recipient in recipients:
                try:
                    await client.rcpt(recipient, encoding=encoding)
                except SMTPRecipientRefused as refusal:
                    refusals[recipient] = refusal
            refused = {recipient: _reply(refusal) for recipient, refusal in refusals.items()}
            if len(refusals) == len(recipients):
                await self._reset(client)
                permanent = all(refusal.code >= 500 for refusal in refusals.values())
                first = next(iter(refused.values()))
                return SendResult(Delivery.PERMANENT if permanent else Delivery.TEMPORARY,
                                  f"every recipient refused ({first})", refused)
            step = "after DATA"
            response = await client.data(raw)
            return SendResult(Delivery.SENT, f"{response.code} {scrub(response.message)}", refused)
        except SMTPResponseException as error:
            await self._reset(client)
            if error.code == _AUTH_REQUIRED:
                raise SmtpConfigError(f"{self._endpoint.where} requires authentication ({_reply(error)}): set "
                                      f"smtp.username and smtp.password_env or smtp.password_file") from None
            return SendResult(Delivery.PERMANENT if error.code >= 500 else Delivery.TEMPORARY, _reply(error))
        except SMTPTimeoutError:
            return SendResult(Delivery.TEMPORARY, f"timeout {step}")
        except (SMTPServerDisconnected, ConnectionError):
            return SendResult(Delivery.TEMPORARY, f"connection lost {step}")

    @staticmethod
    async def _reset(client: aiosmtplib.SMTP) -> None:
        """RSET after a refusal so the connection can carry the next message; failures close it instead."""
        if not client.is_connected:
            return
        try:
            await client.rset()
        except (SMTPException, OSError):
            client.close()
