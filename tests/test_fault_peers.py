"""The fault-injecting peers do what the reliability tests rely on, proven with plain stdlib clients."""

from __future__ import annotations

import smtplib
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator

import pytest

from tests.faultproxy import FaultProxy, Mode
from tests.faultsmtp import (PERMANENT, SHUTTING_DOWN, STALL, TEMPORARY, FaultSMTP, Reply,
                             Transaction)

RAW = b"From: maya@clinic.example\r\nTo: sam@client.example\r\nSubject: Hi\r\n\r\nHello.\r\n"


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while chunk := self.request.recv(65536):
            self.request.sendall(chunk)


@pytest.fixture
def echo_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo_server: socketserver.ThreadingTCPServer) -> Iterator[FaultProxy]:
    with FaultProxy(echo_server.server_address[1]) as running:
        yield running


def connect(proxy: FaultProxy, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection((proxy.host, proxy.port), timeout=timeout)


def round_trip(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


# ---------------------------------------------------------------------- FaultProxy

def test_proxy_passes_traffic_and_counts_connections(proxy: FaultProxy):
    with connect(proxy) as first, connect(proxy) as second:
        assert round_trip(first, b"hello") == b"hello"
        assert round_trip(second, b"world" * 10000) == b"world" * 10000
    assert proxy.connections_made == 2


def test_proxy_delay_holds_each_chunk_back_then_delivers_it(proxy: FaultProxy):
    proxy.delay(400)  # each way: the echo comes back after 0.8 s at the earliest
    with connect(proxy) as sock:
        sock.sendall(b"slow")
        sock.settimeout(0.1)
        with pytest.raises(TimeoutError):
            sock.recv(100)
        sock.settimeout(20)
        assert sock.recv(100) == b"slow"


def test_proxy_cut_closes_open_connections_and_lets_new_ones_through(proxy: FaultProxy):
    with connect(proxy) as sock:
        assert round_trip(sock, b"before") == b"before"
        proxy.cut()
        assert sock.recv(100) == b""  # a FIN, no data
    with connect(proxy) as sock:
        assert round_trip(sock, b"after") == b"after"


def test_proxy_cut_on_next_data_drops_that_data_and_closes(proxy: FaultProxy):
    with connect(proxy) as sock:
        assert round_trip(sock, b"fine") == b"fine"
        proxy.cut_on_next_data()
        sock.sendall(b"lost")
        assert sock.recv(100) == b""
    assert proxy.mode is Mode.CUT_ON_DATA


def test_proxy_black_hole_keeps_connections_open_and_silent(proxy: FaultProxy):
    with connect(proxy) as old, connect(proxy) as victim:
        assert round_trip(old, b"ok") == b"ok"
        proxy.wait_for_connections(2)  # the victim is accepted and linked to the server before the fault
        proxy.black_hole()
        old.sendall(b"into the void")
        old.settimeout(0.3)
        with pytest.raises(TimeoutError):  # no data and, unlike a cut, no FIN either
            old.recv(100)
        with connect(proxy) as new:
            new.settimeout(0.3)
            new.sendall(b"anyone?")
            with pytest.raises(TimeoutError):
                new.recv(100)
        proxy.wait_for_connections(3)
        assert proxy.open_connections >= 2
        proxy.pass_through()
        assert round_trip(victim, b"back") == b"back"  # untouched connections work again


@pytest.mark.parametrize("black_hole", [False, True])
def test_proxy_black_hole_hides_the_server_closing(black_hole: bool):
    with socket.create_server(("127.0.0.1", 0)) as listener, FaultProxy(listener.getsockname()[1]) as proxy:
        with connect(proxy) as sock:
            server_side, _ = listener.accept()
            if black_hole:
                proxy.black_hole()
            server_side.close()
            sock.settimeout(0.3)
            if black_hole:
                with pytest.raises(TimeoutError):
                    sock.recv(100)
            else:
                assert sock.recv(100) == b""


def test_proxy_refuse_gives_connection_refused_until_switched_back(proxy: FaultProxy):
    with connect(proxy) as survivor:
        assert round_trip(survivor, b"accepted") == b"accepted"  # connections still in the backlog are reset
        proxy.refuse()
        with pytest.raises(ConnectionRefusedError):
            connect(proxy)
        assert round_trip(survivor, b"still here") == b"still here"
    proxy.pass_through()
    with connect(proxy) as sock:
        assert round_trip(sock, b"again") == b"again"
    assert proxy.connections_made == 2


def test_proxy_stop_closes_everything(echo_server):
    proxy = FaultProxy(echo_server.server_address[1]).start()
    sock = connect(proxy)
    assert round_trip(sock, b"x") == b"x"
    proxy.stop()
    assert sock.recv(100) == b""
    with pytest.raises(ConnectionRefusedError):
        connect(proxy)
    sock.close()


# ---------------------------------------------------------------------- FaultSMTP

@pytest.fixture
def smtp_server() -> Iterator[FaultSMTP]:
    with FaultSMTP(users={"intro@collective.example": "secret"}) as server:
        yield server


def client(server: FaultSMTP, timeout: float = 10.0) -> smtplib.SMTP:
    return smtplib.SMTP(server.host, server.port, local_hostname="client.example", timeout=timeout)


def test_smtp_stores_envelope_and_raw_bytes_and_counts_messages_per_connection(smtp_server: FaultSMTP):
    with client(smtp_server) as smtp:
        smtp.sendmail("intro+b.1@collective.example", ["sam@client.example", "maya@clinic.example"], RAW)
        smtp.sendmail("intro+b.2@collective.example", ["sam@client.example"], RAW)
    with client(smtp_server) as smtp:
        smtp.sendmail("intro+b.3@collective.example", ["sam@client.example"], RAW)

    first, _second, third = smtp_server.wait_for_messages(3)
    assert (first.mail_from, first.rcpt_to) == ("intro+b.1@collective.example",
                                                ("sam@client.example", "maya@clinic.example"))
    assert first.data == RAW
    assert (first.connection, third.connection, first.login) == (1, 2, None)
    assert smtp_server.connections == 2
    assert smtp_server.messages_per_connection() == [2, 1]


@pytest.mark.parametrize("command", ["MAIL", "RCPT", "DATA"])
@pytest.mark.parametrize("reply", [TEMPORARY, PERMANENT])
def test_smtp_answers_a_programmed_failure(smtp_server: FaultSMTP, command: str, reply: Reply):
    smtp_server.on(command, reply)
    with client(smtp_server) as smtp:
        with pytest.raises(smtplib.SMTPException) as failure:
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
        assert smtp.noop()[0] == 250  # the connection is still usable
    found = failure.value
    code = (found.smtp_code if not isinstance(found, smtplib.SMTPRecipientsRefused)
            else next(iter(found.recipients.values()))[0])
    assert code == reply.code
    assert smtp_server.messages == []
    assert smtp_server.command_count(command) == 1


@pytest.mark.parametrize("command", ["MAIL", "RCPT", "DATA"])
def test_smtp_421_answers_then_closes_the_connection(smtp_server: FaultSMTP, command: str):
    smtp_server.on(command, SHUTTING_DOWN)
    with client(smtp_server) as smtp:
        smtp.ehlo()
        code = smtp.mail("intro@collective.example")[0]
        if command != "MAIL":
            code = smtp.rcpt("sam@client.example")[0]
        if command == "DATA":
            code = smtp.data(RAW)[0]
        assert code == 421
        assert smtp.sock.recv(100) == b""  # the server hung up


def test_smtp_accepts_only_after_n_temporary_failures(smtp_server: FaultSMTP):
    smtp_server.on("DATA", TEMPORARY, times=2)
    outcomes = []
    with client(smtp_server) as smtp:
        for _attempt in range(3):
            try:
                smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
                outcomes.append(250)
            except smtplib.SMTPDataError as error:
                outcomes.append(error.smtp_code)
    assert outcomes == [451, 451, 250]
    assert len(smtp_server.messages) == 1


def test_smtp_rule_can_target_one_recipient(smtp_server: FaultSMTP):
    smtp_server.on("RCPT", PERMANENT, when=lambda t: t.address == "gone@client.example")
    with client(smtp_server) as smtp:
        refused = smtp.sendmail("intro@collective.example", ["gone@client.example", "sam@client.example"], RAW)
    assert refused == {"gone@client.example": (550, PERMANENT.text.encode())}
    assert smtp_server.messages[0].rcpt_to == ("sam@client.example",)


def test_smtp_clear_accepts_everything_again(smtp_server: FaultSMTP):
    smtp_server.on("MAIL", PERMANENT)
    smtp_server.clear()
    with client(smtp_server) as smtp:
        smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
    assert len(smtp_server.messages) == 1


def test_smtp_stalled_greeting_accepts_the_connection_but_never_speaks(smtp_server: FaultSMTP):
    smtp_server.stall_greeting()
    with socket.create_connection((smtp_server.host, smtp_server.port), timeout=0.5) as sock:
        with pytest.raises(TimeoutError):
            sock.recv(100)
    smtp_server.stall_greeting(False)
    with client(smtp_server) as smtp:
        assert smtp.noop()[0] == 250
    assert smtp_server.connections == 2


def test_smtp_stall_after_the_final_dot_leaves_the_client_without_an_answer(smtp_server: FaultSMTP):
    smtp_server.on("DATA", STALL, times=1)
    smtp = client(smtp_server, timeout=0.5)
    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
    smtp.close()
    assert smtp_server.messages == [] and smtp_server.command_count("DATA") == 1
    with client(smtp_server) as smtp:  # the next attempt is answered again
        smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
    assert len(smtp_server.messages) == 1


def test_smtp_auth_plain_and_login_accept_the_right_password_only(smtp_server: FaultSMTP):
    for mechanism in ("PLAIN", "LOGIN"):
        with client(smtp_server) as smtp:
            smtp.ehlo()
            smtp.user, smtp.password = "intro@collective.example", "wrong"
            with pytest.raises(smtplib.SMTPAuthenticationError):
                smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))
            smtp.user, smtp.password = "intro@collective.example", "secret"
            assert smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))[0] == 235
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
    assert [message.login for message in smtp_server.messages] == ["intro@collective.example"] * 2
    assert smtp_server.command_count("AUTH") == 4


def test_smtp_auth_required_refuses_mail_before_auth():
    with FaultSMTP(users={"intro@collective.example": "secret"}, auth_required=True) as server:
        with client(server) as smtp:
            smtp.ehlo()
            assert smtp.mail("intro@collective.example")[0] == 530
            smtp.login("intro@collective.example", "secret")
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
        assert len(server.messages) == 1


def test_smtp_without_users_offers_no_auth():
    with FaultSMTP() as server, client(server) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth")


def xoauth2(user: str, token: str):
    def answer(challenge: bytes | None = None) -> str:
        return f"user={user}\x01auth=Bearer {token}\x01\x01" if challenge is None else ""  # "" acknowledges an error
    return answer


def test_smtp_xoauth2_asks_the_token_checker():
    seen: list[tuple[str, str]] = []

    def checker(user: str, token: str) -> bool:
        seen.append((user, token))
        return token == "good-token"

    with FaultSMTP(token_checker=checker) as server:
        with client(server) as smtp:
            smtp.ehlo()
            assert smtp.esmtp_features["auth"].split() == ["XOAUTH2"]
            with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
                smtp.auth("XOAUTH2", xoauth2("intro@collective.example", "expired-token"))
            assert refused.value.smtp_code == 535
            assert smtp.auth("XOAUTH2", xoauth2("intro@collective.example", "good-token"))[0] == 235
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
        assert seen == [("intro@collective.example", "expired-token"), ("intro@collective.example", "good-token")]
        assert server.messages[0].login == "intro@collective.example"


def test_smtp_starttls_is_required_and_verifies_against_its_ca():
    with FaultSMTP(tls="starttls", users={"intro@collective.example": "secret"}) as server:
        with client(server) as smtp:
            smtp.ehlo()
            assert smtp.has_extn("starttls") and not smtp.has_extn("auth")
            assert smtp.mail("intro@collective.example")[0] == 530
            smtp.rset()
            smtp.starttls(context=ssl.create_default_context(cafile=str(server.ca_file)))
            smtp.login("intro@collective.example", "secret")
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
        assert len(server.messages) == 1


def test_smtp_implicit_tls_uses_the_test_certificate():
    with FaultSMTP(tls="implicit", users={"intro@collective.example": "secret"}) as server:
        with pytest.raises(ssl.SSLCertVerificationError):
            smtplib.SMTP_SSL(server.host, server.port, local_hostname="client.example", timeout=10,
                             context=ssl.create_default_context())
        with smtplib.SMTP_SSL(server.host, server.port, local_hostname="client.example", timeout=10,
                              context=ssl.create_default_context(cafile=str(server.ca_file))) as smtp:
            smtp.login("intro@collective.example", "secret")
            smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
        assert len(server.messages) == 1


def test_smtp_stop_ends_stalled_connections():
    server = FaultSMTP().start()
    server.on("MAIL", STALL)
    smtp = client(server, timeout=10)
    smtp.ehlo()
    smtp.putcmd("MAIL", "FROM:<intro@collective.example>")
    server.stop()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        smtp.getreply()


def test_transaction_shows_the_envelope_so_far(smtp_server: FaultSMTP):
    seen: list[Transaction] = []
    smtp_server.on("DATA", TEMPORARY, when=lambda t: seen.append(t) or False)
    with client(smtp_server) as smtp:
        smtp.sendmail("intro@collective.example", ["sam@client.example"], RAW)
    assert seen == [Transaction("DATA", "intro@collective.example", ("sam@client.example",), None)]
