"""TLS contexts and plain-language diagnoses of connection failures, shared by the IMAP and SMTP edges."""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

# OpenSSL reasons seen when one side speaks TLS and the other plain text (versions differ in wording).
_NOT_TLS_REASONS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL",
                    "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST")
_HOSTNAME_MISMATCH = 62  # X509_V_ERR_HOSTNAME_MISMATCH
_IP_ADDRESS_MISMATCH = 64  # X509_V_ERR_IP_ADDRESS_MISMATCH
_ADDRESS_LIKE = re.compile(r"<?[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+>?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@functools.lru_cache(maxsize=8)
def client_context(ca_file: Path | None, key: str) -> ssl.SSLContext:
    """A verifying client context (certificate and host name checked, TLS 1.2 or later).

    `ca_file` is added to the system trust store, for servers with a private CA; `key` names the
    config key in the error when that file cannot be read. Built once per CA file and reused by every
    connection: loading the system trust store costs 20-40 ms, half of introbot's reaction time.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as error:
            reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or "not a PEM CA file"
            raise ValueError(f"{key}: cannot load {ca_file} ({reason}); point it at the PEM file of the CA "
                             f"that signed the server's certificate") from None
    return context


def is_loopback(host: str) -> bool:
    """True for 'localhost' and loopback IP literals: the only hosts a plain connection may go to."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def keep_alive(sock: socket.socket) -> None:
    """Let the kernel probe an idle connection: a peer that vanished is noticed in about 90 s.

    (60 s of silence, then 3 unanswered probes 10 s apart.) This cannot see a middlebox that keeps
    acknowledging while dropping data; the protocol-level timeouts cover that case.
    """
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, option):
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


def scrub(server_text: str, limit: int = 200) -> str:
    """A server's reply made fit for logs: addresses replaced, control characters removed, shortened."""
    text = _CONTROL.sub(" ", _ADDRESS_LIKE.sub("<address>", server_text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in the chain of causes (libraries wrap socket and TLS errors)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def tls_misconfigured(error: BaseException) -> bool:
    """True when TLS failed in a way retrying cannot fix: an untrusted or misnamed certificate, or a
    peer that does not speak TLS at all."""
    if find_cause(error, ssl.SSLCertVerificationError):
        return True
    tls_error = find_cause(error, ssl.SSLError)
    return isinstance(tls_error, ssl.SSLError) and _speaks_no_tls(tls_error)


def _speaks_no_tls(error: ssl.SSLError) -> bool:
    reason = str(error.reason or error).upper()
    return any(marker in reason for marker in _NOT_TLS_REASONS)


@dataclass(frozen=True)
class Endpoint:
    """Where a connection goes and how, to explain its failures in the operator's own terms."""

    service: str  # "imap" or "smtp": also the config section named in fixes
    host: str
    port: int
    security: str  # tls | starttls | none
    timeout: float
    tls_port: int  # the usual implicit-TLS port (993, 465)
    starttls_port: int  # the usual STARTTLS port (143, 587)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def not_tls(self) -> str:
        return (f"{self.where} did not answer with TLS, so it is probably a plain or STARTTLS port: "
                f"set {self.service}.security = \"starttls\" (usually port {self.starttls_port}), or use "
                f"port {self.tls_port} with security = \"tls\"")

    def no_starttls(self) -> str:
        return (f"{self.where} does not offer STARTTLS, so introbot will not log in (the password would "
                f"travel in clear): use port {self.tls_port} with {self.service}.security = \"tls\", or a "
                f"port that offers STARTTLS")

    def closed(self, step: str = "") -> str:
        return " ".join(part for part in (f"{self.where} closed the connection", step) if part)

    def silent(self, step: str = "", first_contact: bool = False) -> str:
        parts = [f"{self.where} did not answer within {self.timeout:g} s", step]
        if first_contact and self.security != "tls":
            parts.append(f"(if this port expects TLS from the first byte, e.g. {self.tls_port}, set "
                         f"{self.service}.security = \"tls\")")
        return " ".join(part for part in parts if part)

    def describe(self, error: BaseException, step: str = "", first_contact: bool = False) -> str:
        """Say what went wrong with a connection and how to fix it, without any server-side personal data.

        `step` says when ("after DATA"); `first_contact` marks a failure before the server's greeting,
        where silence often means a TLS port reached without TLS.
        """
        verification = find_cause(error, ssl.SSLCertVerificationError)
        if isinstance(verification, ssl.SSLCertVerificationError):
            reason = verification.verify_message or "verification failed"
            if verification.verify_code in (_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH):
                return (f"the certificate of {self.where} is not valid for the name {self.host!r} ({reason}): "
                        f"set {self.service}.host to a name the certificate covers")
            return (f"the certificate of {self.where} is not trusted ({reason}): if the server uses a "
                    f"private or self-signed CA, set {self.service}.ca_file to that CA's PEM file")
        tls_error = find_cause(error, ssl.SSLError)
        if isinstance(tls_error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return self.closed(step)
        if isinstance(tls_error, ssl.SSLError):
            if _speaks_no_tls(tls_error):
                return self.not_tls()
            return f"TLS with {self.where} failed ({tls_error.reason or type(tls_error).__name__})"
        if find_cause(error, ConnectionRefusedError):
            return (f"{self.where} refused the connection: check {self.service}.host and "
                    f"{self.service}.port, and that the server is running")
        if find_cause(error, socket.gaierror):
            return f"cannot resolve {self.host!r}: check {self.service}.host"
        if find_cause(error, TimeoutError):
            return self.silent(step, first_contact)
        if find_cause(error, ConnectionResetError) or find_cause(error, BrokenPipeError):
            return self.closed(step)
        where = " ".join(part for part in (f"connection to {self.where} failed", step) if part)
        return f"{where}: {type(error).__name__}: {scrub(str(error))}"

    def login_refused(self, reply: str, secret_key: str) -> str:
        """Explain a refused login; known provider refusals get their specific fix."""
        text = reply.lower()
        password = f"the password named by {secret_key}" if secret_key else "the password"
        if "application-specific password" in text or "support.google.com/accounts/answer/185833" in text:
            return (f"{self.where} (Gmail) wants an app password: with 2-step verification on, create one "
                    f"under Google Account > Security > App passwords and use it as {password}")
        if "smtpclientauthentication is disabled" in text:
            return (f"{self.where} (Microsoft 365) has SMTP AUTH switched off for this tenant or mailbox: "
                    f"enable 'Authenticated SMTP' for the mailbox in the Microsoft 365 admin centre "
                    f"(Users > Mail > Manage email apps)")
        if "basic authentication is disabled" in text or "basicauthblocked" in text:
            return (f"{self.where} has disabled password (basic) authentication for "
                    f"{self.service.upper()}: allow it for this mailbox in the provider's admin settings, "
                    f"or use a provider or mailbox that accepts app passwords")
        if "web browser" in text or "weblogin" in text:
            return (f"{self.where} wants an interactive sign-in first: log in to the mailbox once with a "
                    f"web browser, then restart introbot")
        return (f"{self.where} refused the login ({scrub(reply) or 'no reason given'}): check "
                f"{self.service}.username and {password}")
