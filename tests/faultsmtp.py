"""An aiosmtpd SMTP server on 127.0.0.1 whose replies, stalls, TLS and AUTH are programmed by the test."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import tempfile
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

from tests.mailhost import Certificate, make_certificate, wait_until

Command = Literal["MAIL", "RCPT", "DATA"]
TokenChecker = Callable[[str, str], bool]


@dataclass(frozen=True)
class Reply:
    """An SMTP reply; 421 also closes the connection, as a server going down does."""

    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Stall:
    """Never answer: the connection stays open and silent until the client gives up."""

    def __repr__(self) -> str:
        return "STALL"


STALL = Stall()
TEMPORARY = Reply(451, "4.3.0 Temporary failure, try again later")
PERMANENT = Reply(550, "5.1.1 Mailbox unavailable")
SHUTTING_DOWN = Reply(421, "4.3.2 Service shutting down, closing connection")


@dataclass(frozen=True)
class Transaction:
    """What a rule's `when` sees: the envelope so far and the address given with this command."""

    command: Command
    mail_from: str | None
    rcpt_to: tuple[str, ...]
    address: str | None  # the MAIL FROM or RCPT TO address of this command; None for DATA


@dataclass(frozen=True)
class Received:
    """A message the server accepted: envelope, raw bytes, and the connection that carried it."""

    mail_from: str
    rcpt_to: tuple[str, ...]
    data: bytes
    connection: int  # 1 for the first connection since start
    login: str | None


@dataclass
class _Rule:
    command: Command
    reaction: Reply | Stall
    times: int | None
    when: Callable[[Transaction], bool] | None


class FaultSMTP:
    """An SMTP server in a background thread; program it with on(), stall_greeting() and clear().

    tls: None (plain), "starttls" (offered, and required before MAIL) or "implicit" (port-465 style).
    users: logins and passwords that AUTH PLAIN/LOGIN accepts; token_checker(user, token) decides
    XOAUTH2. With neither, no AUTH is offered. auth_required refuses MAIL before AUTH (530).
    """

    def __init__(self, *, tls: Literal["starttls", "implicit"] | None = None,
                 certificate: Certificate | None = None, users: Mapping[str, str] | None = None,
                 token_checker: TokenChecker | None = None, auth_required: bool = False,
                 hostname: str = "faultsmtp.example") -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.tls = tls
        self.users = dict(users or {})
        self.token_checker = token_checker
        self.auth_required = auth_required
        self.hostname = hostname
        self._certificate_dir: tempfile.TemporaryDirectory | None = None
        if tls and certificate is None:
            self._certificate_dir = tempfile.TemporaryDirectory(prefix="faultsmtp-")
            certificate = make_certificate(Path(self._certificate_dir.name))
        self.certificate = certificate
        self._tls_context = certificate.server_context() if tls and certificate else None
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._greeting_stalled = False
        self._received: list[Received] = []
        self._connections = 0
        self._commands: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="faultsmtp")
        self._server: asyncio.AbstractServer | None = None
        self._protocols: weakref.WeakSet[_Protocol] = weakref.WeakSet()

    # ------------------------------------------------------------------ life cycle
    def start(self) -> FaultSMTP:
        self._thread.start()
        self._server = self._call(self._serve())
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._call(self._shut_down())
            self._server = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        if self._certificate_dir is not None:
            self._certificate_dir.cleanup()

    def __enter__(self) -> FaultSMTP:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def ca_file(self) -> Path:
        """The CA file a client verifies this server's certificate with (tls servers only)."""
        if self.certificate is None:
            raise ValueError("this FaultSMTP runs without TLS: pass tls='starttls' or tls='implicit'")
        return self.certificate.ca_file

    # ------------------------------------------------------------------ programming
    def on(self, command: Command, reaction: Reply | Stall, *, times: int | None = None,
           when: Callable[[Transaction], bool] | None = None) -> None:
        """Answer `command` (MAIL, RCPT, or DATA after its final dot) with `reaction`, `times` times
        (None: until clear()), for the transactions `when` selects. Earlier rules win; a command no
        rule matches is accepted. `on("DATA", TEMPORARY, times=2)` accepts only the third try."""
        with self._lock:
            self._rules.append(_Rule(command, reaction, times, when))

    def stall_greeting(self, stalled: bool = True) -> None:
        """New connections are accepted but get no 220 greeting at all."""
        with self._lock:
            self._greeting_stalled = stalled

    def clear(self) -> None:
        """Forget every rule and the greeting stall: accept everything again."""
        with self._lock:
            self._rules.clear()
            self._greeting_stalled = False

    # ------------------------------------------------------------------ observations
    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def connections(self) -> int:
        """Connections accepted since start."""
        with self._lock:
            return self._connections

    def messages_per_connection(self) -> list[int]:
        """Accepted messages on each connection, in connection order: [3] means one connection sent 3."""
        with self._lock:
            counts = Counter(message.connection for message in self._received)
            return [counts[number] for number in range(1, self._connections + 1)]

    def command_count(self, command: str) -> int:
        """How many times a command (MAIL, RCPT, DATA, AUTH) was received, whatever the answer."""
        with self._lock:
            return self._commands[command]

    def wait_for_messages(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Wait until at least `count` messages were accepted; returns them all."""
        return wait_until(lambda: received if len(received := self.messages) >= count else None, timeout,
                          lambda: f"the fault SMTP server accepted {len(self.messages)} messages, expected {count}")

    # ------------------------------------------------------------------ used by the loop thread
    def _connection_opened(self) -> tuple[int, bool]:
        """Number the new connection; say whether its greeting is stalled."""
        with self._lock:
            self._connections += 1
            return self._connections, self._greeting_stalled

    def _take_reaction(self, transaction: Transaction) -> Reply | Stall | None:
        with self._lock:
            self._commands[transaction.command] += 1
            for rule in self._rules:
                if rule.command == transaction.command and (rule.when is None or rule.when(transaction)):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times == 0:
                            self._rules.remove(rule)
                    return rule.reaction
        return None

    def _count(self, command: str) -> None:
        with self._lock:
            self._commands[command] += 1

    def _store(self, message: Received) -> None:
        with self._lock:
            self._received.append(message)

    def _protocol(self) -> _Protocol:
        mechanisms = {"PLAIN", "LOGIN"} if self.users else set()
        if self.token_checker is not None:
            mechanisms.add("XOAUTH2")
        starttls = self._tls_context if self.tls == "starttls" else None
        # auth_require_tls only knows STARTTLS (it would refuse AUTH under implicit TLS); plain
        # connections may AUTH because they only ever run on loopback in tests.
        protocol = _Protocol(self, _Handler(self), hostname=self.hostname, ident="faultsmtp", loop=self._loop,
                             enable_SMTPUTF8=True, tls_context=starttls, require_starttls=starttls is not None,
                             auth_require_tls=starttls is not None,
                             auth_exclude_mechanism={"PLAIN", "LOGIN", "XOAUTH2"} - mechanisms,
                             authenticator=self._authenticate)
        self._protocols.add(protocol)
        return protocol

    def _authenticate(self, server, session, envelope, mechanism: str, auth_data: LoginPassword) -> AuthResult:
        login, password = auth_data.login.decode(errors="replace"), auth_data.password.decode(errors="replace")
        if self.users.get(login) == password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # handled=True would leave the client hanging

    async def _serve(self) -> asyncio.AbstractServer:
        implicit = self._tls_context if self.tls == "implicit" else None
        return await self._loop.create_server(self._protocol, self.host, 0, ssl=implicit)

    async def _shut_down(self) -> None:
        """Stop listening, then end every connection and every stalled command."""
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        for protocol in list(self._protocols):
            if protocol.transport is not None:
                protocol.transport.close()
        await asyncio.sleep(0)  # let connection_lost() run
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)


async def _never() -> None:
    """A stall: aiosmtpd cancels it when the client leaves, FaultSMTP.stop() when the server stops."""
    await asyncio.get_running_loop().create_future()


class _Protocol(SMTP):
    """aiosmtpd's SMTP, numbering its connection and able to withhold the greeting."""

    def __init__(self, fault_server: FaultSMTP, handler: _Handler, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.fault_server = fault_server
        self.connection_number = 0

    async def push(self, status) -> None:
        if self.connection_number == 0:  # the first push of a connection is its 220 greeting
            self.connection_number, stalled = self.fault_server._connection_opened()
            if stalled:
                await _never()
        await super().push(status)


class _Handler:
    """aiosmtpd hooks; a hook returning MISSING lets aiosmtpd do its default (accept and record)."""

    def __init__(self, fault_server: FaultSMTP) -> None:
        self.fault_server = fault_server

    async def handle_EHLO(self, server: _Protocol, session, envelope, hostname: str, responses: list[str]):
        session.host_name = hostname
        return [line for line in responses if line.rstrip() != "250-AUTH"]  # no mechanism: no AUTH line

    async def handle_MAIL(self, server: _Protocol, session, envelope, address: str, mail_options):
        if self.fault_server.auth_required and not session.authenticated:
            self.fault_server._count("MAIL")
            return "530 5.7.0 Authentication required"
        return await self._react(server, Transaction("MAIL", None, (), address))

    async def handle_RCPT(self, server: _Protocol, session, envelope, address: str, rcpt_options):
        return await self._react(server, Transaction("RCPT", envelope.mail_from, tuple(envelope.rcpt_tos),
                                                     address))

    async def handle_DATA(self, server: _Protocol, session, envelope):
        reply = await self._react(server, Transaction("DATA", envelope.mail_from, tuple(envelope.rcpt_tos), None))
        if reply is MISSING:
            login = session.auth_data.login.decode(errors="replace") if session.auth_data else None
            self.fault_server._store(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                              envelope.original_content, server.connection_number, login))
            return "250 2.0.0 OK: queued"
        return reply

    async def handle_AUTH(self, server: _Protocol, session, envelope, args: list[str]):
        self.fault_server._count("AUTH")
        return MISSING  # the mechanism (PLAIN, LOGIN, XOAUTH2 below) does the work

    async def auth_XOAUTH2(self, server: _Protocol, args: list[str]) -> AuthResult:
        """XOAUTH2 as Gmail and Microsoft 365 speak it: base64("user=U^Aauth=Bearer T^A^A"); on
        failure a 334 carrying a JSON error, the client's empty line, then 535."""
        try:
            response = base64.b64decode(args[1], validate=True) if len(args) > 1 else await server.challenge_auth("")
        except binascii.Error:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Can't decode base64")
        if response is MISSING:
            return AuthResult(success=False, handled=True)  # the client aborted with "*": already answered
        fields = dict(part.split("=", 1) for part in response.decode(errors="replace").split("\x01") if "=" in part)
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        checker = self.fault_server.token_checker
        if checker is not None and bearer.startswith("Bearer ") and checker(user, bearer.removeprefix("Bearer ")):
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://mail.example/"})
        if await server.challenge_auth(error) is MISSING:
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False)

    async def _react(self, server: _Protocol, transaction: Transaction):
        """The programmed reply for this command, or MISSING to accept it."""
        reaction = self.fault_server._take_reaction(transaction)
        if reaction is None:
            return MISSING
        if isinstance(reaction, Stall):
            await _never()
        if reaction.code == 421:
            asyncio.get_running_loop().call_soon(server.transport.close)  # runs after the reply is written
        return str(reaction)
