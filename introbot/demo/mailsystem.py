"""A root-free mail system on 127.0.0.1 for the demo: pymap's in-memory IMAP plus aiosmtpd delivering into it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import hmac
import logging
import threading
import time
from argparse import Namespace
from collections.abc import Coroutine, Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any, TypeVar

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from email_validator import EmailNotValidError, validate_email
from proxyprotocol.reader import ProxyProtocolReader
from pymap.backend.dict import Config as DictConfig
from pymap.backend.dict import Identity, Login
from pymap.backend.dict.filter import FilterSet
from pymap.backend.dict.mailbox import MailboxSet
from pymap.concurrent import Subsystem
from pymap.exceptions import AuthorizationFailure, InvalidAuth
from pymap.imap import IMAPServer
from pymap.parsing.message import AppendMessage
from pymap.parsing.specials import FetchRequirement
from pysasl.creds.server import ServerCredentials
from pysasl.hashing import Cleartext
from pymap.user import UserMetadata

from introbot.core.addresses import AddressError, parse_address
from introbot.core.mime import raw_header_values

HOST = "127.0.0.1"
DEMO_DOMAINS = ("collective.example", "clinic.example", "bodywork.example", "client.example")
DEMO_PASSWORD = "demo"
DEMO_HOSTNAME = "mail.demo.example"  # also the authserv-id of the Authentication-Results it adds
STOP_TIMEOUT = 10.0
SMTP_LOGGER = "mail.log"  # aiosmtpd's
STANDARD_FOLDERS = ("Sent", "Drafts", "Trash")  # what desktop mail clients expect to find

T = TypeVar("T")


class MailSystemError(RuntimeError):
    """The embedded mail system could not start, stop or answer."""


class _LoginDataWarning(logging.Filter):
    """Drops aiosmtpd's warning about its own deprecated Session.login_data, logged on every AUTH."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


_LOGIN_DATA_WARNING = _LoginDataWarning()


def mailbox_of(address: str, domains: Sequence[str]) -> str | None:
    """The mailbox an address delivers to (lower-case, "+tag" removed), or None outside `domains`."""
    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    domain = valid.domain.lower()
    if domain not in domains:
        return None
    local_part = valid.local_part.lower().split("+", 1)[0]
    return f"{local_part}@{domain}" if local_part else None


def from_domain(raw: bytes) -> str | None:
    """The domain of a message's single From address, lower-case; None when there is not exactly one.

    Read with introbot's own address parser: the stdlib's raises on some malformed From lines
    (HeaderParseError, even TypeError for "From: .["), and a sender's junk must not stop delivery."""
    values = raw_header_values(email.message_from_bytes(raw, policy=email.policy.default), "From")
    if len(values) != 1:
        return None
    try:
        return parse_address(values[0]).email.rpartition("@")[2].lower()
    except AddressError:
        return None


def authentication_results(authserv_id: str, domain: str | None, authentic: bool) -> str:
    """The Authentication-Results value a receiving server writes: DKIM and DMARC for the From domain.

    The embedded system plays every domain's server at once, so it knows whether the message really
    comes from its From domain (`authentic`) instead of checking signatures."""
    if domain is None:
        return f"{authserv_id}; dkim=none; dmarc=permerror"
    if authentic:
        return f"{authserv_id}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
    return f"{authserv_id}; dkim=none; dmarc=fail header.from={domain}"


def stamp(raw: bytes, *, mail_from: str, recipient: str, authserv_id: str, authentic: bool) -> bytes:
    """The message as it lands in a mailbox: Return-Path, Delivered-To and our Authentication-Results
    on top, and any Authentication-Results that claims to be ours removed (RFC 8601 section 5)."""
    first_line_end = raw.find(b"\n")
    newline = b"\r\n" if first_line_end > 0 and raw[first_line_end - 1] == ord("\r") else b"\n"
    if raw.startswith(newline):  # no header fields at all
        head, body = b"", raw[len(newline):]
    else:
        head, _, body = raw.partition(newline + newline)
    results = authentication_results(authserv_id, from_domain(raw), authentic)
    kept = [field for field in _header_fields(head, newline) if not _claims_to_be(field, authserv_id)]
    added = [f"Return-Path: <{mail_from}>".encode(), f"Delivered-To: {recipient}".encode(),
             f"Authentication-Results: {results}".encode()]
    return newline.join(added + kept) + newline + newline + body


def _header_fields(head: bytes, newline: bytes) -> list[bytes]:
    """Header fields with their folded continuation lines kept together."""
    fields: list[bytes] = []
    for line in head.split(newline) if head else []:
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += newline + line
        else:
            fields.append(line)
    return fields


def _claims_to_be(field: bytes, authserv_id: str) -> bool:
    name, _, value = field.partition(b":")
    if name.strip().lower() != b"authentication-results":
        return False
    claimed = value.split(b";", 1)[0].split()
    return bool(claimed) and claimed[0].decode("ascii", "replace").lower() == authserv_id.lower()


class EmbeddedMailSystem:
    """IMAP (with IDLE, MOVE, UIDPLUS) and SMTP on 127.0.0.1, in one background thread and event loop.

    Any address of `domains` logs in with `password` and has its own mailbox; mail to
    `name+tag@domain` lands in `name@domain`'s INBOX with a Delivered-To header naming the original
    recipient. Mail is kept in memory: each start() begins with empty mailboxes on free ports.
    """

    def __init__(self, domains: Sequence[str] = DEMO_DOMAINS, password: str = DEMO_PASSWORD,
                 hostname: str = DEMO_HOSTNAME) -> None:
        self.host = HOST
        self.domains = tuple(domain.lower() for domain in domains)
        self.password = password
        self.hostname = hostname
        self.imap_port = 0
        self.smtp_port = 0
        self._config = _ImapConfig(hostname)  # a fresh one, with empty mailboxes, at each start()
        self._login = _DemoLogin(self._config, self)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._smtp_connections: set[SMTP] = set()
        self._delivered = threading.Condition()
        self._deliveries = 0  # counts deliveries, so a waiter knows whether to look again

    @property
    def authserv_id(self) -> str:
        """The name this system signs its Authentication-Results headers with."""
        return self.hostname

    # ------------------------------------------------------------------ life cycle
    def start(self) -> EmbeddedMailSystem:
        if self._loop is not None:
            raise MailSystemError("the embedded mail system is already running; stop() it first")
        smtp_logger = logging.getLogger(SMTP_LOGGER)
        if _LOGIN_DATA_WARNING not in smtp_logger.filters:
            smtp_logger.addFilter(_LOGIN_DATA_WARNING)
        self._config = _ImapConfig(self.hostname)
        self._login = _DemoLogin(self._config, self)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="demo-mail-system")
        self._thread.start()
        try:
            self._servers = self._call(self._listen())
        except BaseException:
            self.stop()
            raise
        self.imap_port, self.smtp_port = (server.sockets[0].getsockname()[1] for server in self._servers)
        return self

    def stop(self) -> None:
        """Close both servers and every connection, end the thread; the ports are free afterwards."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            self._call(self._shut_down())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=STOP_TIMEOUT)
            loop.close()
            self._loop = self._thread = None
            self._servers = []

    def __enter__(self) -> EmbeddedMailSystem:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ the API for the demo and tests
    def accepts(self, address: str) -> bool:
        """True if mail to `address` is delivered here (and, without a "+tag", it may log in)."""
        return mailbox_of(address, self.domains) is not None

    def deliver(self, raw: bytes, mail_from: str, rcpt_to: Sequence[str], *, authentic: bool = True) -> None:
        """Deliver a message as if it came in from the internet to this system's MX.

        `authentic` says whether its From domain really sent it (DKIM and DMARC pass in the
        Authentication-Results header added on delivery). Every recipient must be one of ours."""
        outside = sum(not self.accepts(recipient) for recipient in rcpt_to)
        if outside or not rcpt_to:
            raise MailSystemError(f"{outside} of {len(rcpt_to)} recipients are outside the demo domains "
                                  f"({', '.join(self.domains)}); this mail system delivers nowhere else")
        self._call(self._deliver(raw, mail_from, list(rcpt_to), authentic))

    def folders(self, address: str) -> list[str]:
        return self._call(self._folders(self._mailbox(address)))

    def messages(self, address: str, folder: str = "INBOX") -> list[EmailMessage]:
        """The messages in a person's folder, oldest first, without marking anything \\Seen."""
        return [_parse(raw) for raw in self._call(self._read(self._mailbox(address), folder))]

    def wait_for_messages(self, address: str, count: int, folder: str = "INBOX",
                          timeout: float = 30.0) -> list[EmailMessage]:
        """Wait until a folder holds at least `count` messages; returns them all, oldest first."""
        deadline = time.monotonic() + timeout
        while True:
            with self._delivered:
                deliveries = self._deliveries
            found = self.messages(address, folder)  # never under the lock: the loop thread takes it to notify
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(found)} messages in the {folder} folder after {timeout:g} s, "
                                   f"expected {count}")
            with self._delivered:
                # Deliveries notify at once; the short cap also notices moves made over IMAP.
                self._delivered.wait_for(lambda: self._deliveries != deliveries, timeout=min(remaining, 0.2))

    # ------------------------------------------------------------------ used by the loop thread
    def _mailbox(self, address: str) -> str:
        mailbox = mailbox_of(address, self.domains)
        if mailbox is None:
            raise MailSystemError(f"not an address of the demo domains ({', '.join(self.domains)})")
        return mailbox

    async def _mailbox_set(self, mailbox: str) -> MailboxSet:
        """The folders of a mailbox, created with the usual ones on first use (by a login or a
        delivery), shared with its IMAP sessions."""
        self._login.ensure_user(mailbox)
        if mailbox not in self._config.set_cache:
            folders = MailboxSet()
            for name in STANDARD_FOLDERS:
                await folders.add_mailbox(name)
            self._config.set_cache[mailbox] = (folders, FilterSet())
        return self._config.set_cache[mailbox][0]

    def _check_login(self, login: str, password: str) -> str | None:
        """The mailbox a login opens, or None when the login or password is wrong."""
        mailbox = mailbox_of(login, self.domains)
        if mailbox is None or not hmac.compare_digest(password.encode(), self.password.encode()):
            return None
        return mailbox

    async def _listen(self) -> list[asyncio.AbstractServer]:
        imap_server = IMAPServer(self._login, self._config)

        async def serve_imap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sock_info: Any) -> None:
            await imap_server(reader, _CoalescingWriter(writer), sock_info)  # type: ignore[arg-type]

        connected = ProxyProtocolReader(self._config.proxy_protocol).get_callback(serve_imap)
        imap = await asyncio.start_server(connected, host=self.host, port=0)
        smtp = await asyncio.get_running_loop().create_server(self._smtp_connection, host=self.host, port=0)
        return [imap, smtp]

    def _smtp_connection(self) -> SMTP:
        connection = _SmtpConnection(self, _SmtpHandler(self), hostname=self.hostname, ident="introbot demo",
                                     enable_SMTPUTF8=True, auth_require_tls=False,
                                     authenticator=self._authenticate_smtp)
        self._smtp_connections.add(connection)
        return connection

    def _authenticate_smtp(self, server: SMTP, session: Any, envelope: Any, mechanism: str,
                           auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            mailbox = self._check_login(auth_data.login.decode(errors="replace"),
                                        auth_data.password.decode(errors="replace"))
            if mailbox is not None:
                return AuthResult(success=True, auth_data=mailbox)
        return AuthResult(success=False, handled=False)  # handled=True would leave the client hanging

    async def _deliver(self, raw: bytes, mail_from: str, recipients: list[str], authentic: bool) -> None:
        for recipient in recipients:
            mailbox = self._mailbox(recipient)
            stamped = stamp(raw, mail_from=mail_from, recipient=recipient, authserv_id=self.authserv_id,
                            authentic=authentic)
            inbox = await (await self._mailbox_set(mailbox)).get_mailbox("INBOX")
            await inbox.append(AppendMessage(stamped, datetime.now(timezone.utc)), recent=True)
        with self._delivered:
            self._deliveries += 1
            self._delivered.notify_all()

    async def _folders(self, mailbox: str) -> list[str]:
        tree = await (await self._mailbox_set(mailbox)).list_mailboxes()
        return [entry.name for entry in tree.list()]

    async def _read(self, mailbox: str, folder: str) -> list[bytes]:
        try:
            data = await (await self._mailbox_set(mailbox)).get_mailbox(folder)
        except KeyError:
            raise MailSystemError(f"there is no folder {folder!r} in that mailbox") from None
        return [bytes(await message.load_content(FetchRequirement.CONTENT))
                async for message in data.messages()]

    async def _shut_down(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()
        for connection in list(self._smtp_connections):
            if connection.transport is not None:
                connection.transport.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:  # IMAP connections (pymap does not keep track of them) and SMTP sessions
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise MailSystemError("the embedded mail system is not running; start() it first")
        try:
            return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)
        except TimeoutError:
            raise MailSystemError("the embedded mail system did not answer within 30 s") from None


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


class _CoalescingWriter:
    """pymap writes a response piece by piece, and asyncio sends each piece at once, so one response
    line can reach the client in several TCP segments. imapclient's idle_check() fails on such a line
    (mjs/imapclient #519); buffering until pymap drains sends each response in one write, as Dovecot does."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._pending = bytearray()

    def write(self, data: bytes) -> None:
        self._pending += data

    async def drain(self) -> None:
        self._flush()
        await self._writer.drain()

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write(bytes(self._pending))
            self._pending.clear()

    def __getattr__(self, name: str) -> Any:  # start_tls, get_extra_info, transport...
        return getattr(self._writer, name)


class _ImapConfig(DictConfig):
    """pymap's in-memory backend settings: plaintext LOGIN (loopback only), no DNS, no thread pool."""

    def __init__(self, hostname: str) -> None:
        super().__init__(Namespace(proxy_protocol=None, passlib_cfg=None), host=HOST, port=0,
                         demo_data=False, demo_user="", demo_password="", tls_enabled=False,
                         reject_dnsbl=False, invalid_user_sleep=0.0, hash_context=Cleartext(),
                         subsystem=Subsystem.for_asyncio(), cpu_subsystem=Subsystem.for_asyncio())
        self._hostname = hostname

    @property
    def greeting(self) -> bytes:
        # pymap's default greeting asks DNS for this machine's name; DNS is not on loopback.
        return f"{self._hostname} IMAP ready (introbot demo)".encode("ascii")


class _DemoLogin(Login):
    """Any address of the demo domains logs in with the demo password, case-insensitively."""

    def __init__(self, config: _ImapConfig, mail_system: EmbeddedMailSystem) -> None:
        super().__init__(config)
        self._mail_system = mail_system

    def ensure_user(self, mailbox: str) -> None:
        if mailbox not in self.users_dict:
            self.users_dict[mailbox] = UserMetadata(self.config, mailbox, password=self._mail_system.password)

    async def authenticate(self, credentials: ServerCredentials) -> Identity:
        mailbox = mailbox_of(credentials.authcid, self._mail_system.domains)
        # pysasl checks the secret the mechanism carries (PLAIN, LOGIN or CRAM-MD5) against the
        # user as the client spelled the name.
        as_spelled = UserMetadata(self.config, credentials.authcid, password=self._mail_system.password)
        if mailbox is None or not credentials.verify(as_spelled):
            raise InvalidAuth()
        await self._mail_system._mailbox_set(mailbox)
        return Identity(mailbox, self, None, frozenset())

    async def authorize(self, authenticated: Any, authzid: str) -> Identity:
        if authzid and mailbox_of(authzid, self._mail_system.domains) != authenticated.name:
            raise AuthorizationFailure()
        return Identity(authenticated.name, self, None, frozenset())


class _SmtpConnection(SMTP):
    """aiosmtpd's SMTP, forgotten by the mail system when its client leaves."""

    def __init__(self, mail_system: EmbeddedMailSystem, handler: _SmtpHandler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._mail_system = mail_system

    def connection_lost(self, error: Exception | None) -> None:
        self._mail_system._smtp_connections.discard(self)
        super().connection_lost(error)


class _SmtpHandler:
    """aiosmtpd hooks: refuse recipients outside the demo domains, deliver each message into mailboxes."""

    def __init__(self, mail_system: EmbeddedMailSystem) -> None:
        self._mail_system = mail_system

    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if not self._mail_system.accepts(address):
            return "550 5.1.2 This demo mail system only delivers to its own domains"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        # The system plays every domain's submission server too, so it vouches for mail whose sender
        # logged in here, when the From domain is the login's own (as DMARC alignment requires).
        raw = envelope.original_content
        login = session.auth_data if session.authenticated else None
        authentic = login is not None and from_domain(raw) == login.rsplit("@", 1)[1]
        await self._mail_system._deliver(raw, envelope.mail_from, list(envelope.rcpt_tos), authentic)
        return "250 2.0.0 Delivered"
