"""The SMTP sender against real servers on loopback: Postfix from the mail host, aiosmtpd and a TLS peer."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import timedelta

import pytest

from introbot.config import Secret, SmtpSettings
from introbot.edges.smtp import Delivery, SendResult, SmtpConfigError, SmtpSender
from tests.edges.peers import certificate_for, tls_server
from tests.faultproxy import FaultProxy
from tests.faultsmtp import PERMANENT, SHUTTING_DOWN, STALL, TEMPORARY, FaultSMTP
from tests.mailhost import MailHost, free_port

INTRO = "intro@collective.example"
MAYA = "maya@bodywork.example"
SAM = "sam@client.example"
LOCAL_HOSTNAME = "bot.collective.example"


def submission(mail: MailHost, **changes) -> SmtpSettings:
    """The submission port: STARTTLS then AUTH, verified with the mail host's CA."""
    settings = SmtpSettings(host=mail.host, port=mail.submission_port, security="starttls", username=INTRO,
                            password=Secret(key="smtp.password_env", literal=mail.password), ca_file=mail.ca_file,
                            timeout=timedelta(seconds=10))
    return dataclasses.replace(settings, **changes)


def message(subject: str, to: Sequence[str] = (MAYA,)) -> bytes:
    return (f"From: Intro Assistant <{INTRO}>\r\nTo: {', '.join(to)}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}@collective.example>\r\n\r\nHello.\r\n").encode()


def send_all(settings: SmtpSettings, *sends: tuple[Sequence[str], bytes]) -> list[SendResult]:
    """Send each (recipients, raw) in turn through one SmtpSender, as the outbox does."""
    async def run() -> list[SendResult]:
        async with SmtpSender(settings, LOCAL_HOSTNAME) as sender:
            return [await sender.send(INTRO, recipients, raw) for recipients, raw in sends]
    return asyncio.run(run())


def test_a_message_sent_over_submission_arrives(mail):
    [result] = send_all(submission(mail), ([MAYA], message("consent one")))
    assert result.delivery is Delivery.SENT and result.detail.startswith("250")
    [arrived] = mail.wait_for_messages(MAYA, 1)
    assert arrived["Subject"] == "consent one"


def test_implicit_tls_works_and_one_connection_carries_several_messages(mail):
    settings = submission(mail, port=mail.smtps_port, security="tls")
    results = send_all(settings, *(([MAYA], message(f"intro {number}")) for number in range(3)))
    assert [result.delivery for result in results] == [Delivery.SENT] * 3
    assert sorted(str(found["Subject"]) for found in mail.wait_for_messages(MAYA, 3)) == [
        "intro 0", "intro 1", "intro 2"]


def test_a_partial_refusal_names_who_was_refused_and_the_others_get_it(mail):
    refused = "refused@bodywork.example"
    [result] = send_all(submission(mail), ([MAYA, refused], message("partial", [MAYA, refused])))
    assert result.delivery is Delivery.SENT
    assert list(result.refused) == [refused]
    assert result.refused[refused].startswith("550 5.1.1") and "@" not in result.refused[refused]
    assert mail.wait_for_messages(MAYA, 1)


def test_when_every_recipient_is_refused_the_failure_is_permanent(mail):
    refused = "refused@bodywork.example"
    [result, after] = send_all(submission(mail), ([refused], message("nobody", [refused])),
                               ([MAYA], message("next one")))
    assert result.delivery is Delivery.PERMANENT
    assert result.detail.startswith("every recipient refused (550 5.1.1") and "@" not in result.detail
    assert after.delivery is Delivery.SENT  # the connection was reset and carries the next message


def test_a_wrong_password_is_a_config_error_naming_the_fix(mail):
    wrong = submission(mail, password=Secret(key="smtp.password_env", literal="not-the-password"))
    with pytest.raises(SmtpConfigError, match="refused the login .*check smtp.username and the password named "
                                              "by smtp.password_env") as raised:
        send_all(wrong, ([MAYA], message("never")))
    assert "not-the-password" not in str(raised.value) and INTRO not in str(raised.value)


def test_an_untrusted_certificate_is_a_config_error(mail):
    with pytest.raises(SmtpConfigError, match="is not trusted .*set smtp.ca_file"):
        send_all(submission(mail, ca_file=None), ([MAYA], message("never")))


def test_a_certificate_for_another_name_is_refused_before_any_credential(tmp_path):
    ca_file, cert, key = certificate_for("smtp.other.example", tmp_path)
    with tls_server(cert, key, b"220 smtp.other.example ESMTP\r\n") as (port, received):
        settings = SmtpSettings(host="127.0.0.1", port=port, security="tls", username=INTRO,
                                password=Secret(key="smtp.password_env", literal="secret"), ca_file=ca_file,
                                timeout=timedelta(seconds=5))
        with pytest.raises(SmtpConfigError, match="not valid for the name '127.0.0.1'.*set smtp.host"):
            send_all(settings, ([MAYA], message("never")))
    assert received == []


def test_tls_to_a_plain_port_is_a_config_error_saying_what_to_change(mail):
    with pytest.raises(SmtpConfigError, match='did not answer with TLS.*security = "starttls"'):
        send_all(submission(mail, security="tls"), ([MAYA], message("never")))


def test_plain_talk_to_a_tls_port_is_temporary_with_a_hint(mail):
    settings = submission(mail, port=mail.smtps_port, timeout=timedelta(seconds=1))
    [result] = send_all(settings, ([MAYA], message("never")))
    assert result.delivery is Delivery.TEMPORARY
    assert "did not answer within 1 s before its greeting" in result.detail
    assert 'set smtp.security = "tls"' in result.detail


def test_a_refused_connection_is_temporary(mail):
    [result] = send_all(submission(mail, port=free_port()), ([MAYA], message("never")))
    assert result.delivery is Delivery.TEMPORARY and "refused the connection" in result.detail


def test_plaintext_is_only_for_loopback():
    with pytest.raises(SmtpConfigError, match="only for a loopback host"):
        SmtpSender(SmtpSettings(host="smtp.example.org", security="none"), LOCAL_HOSTNAME)


@pytest.mark.parametrize("recipients, envelope_from", [
    ([], INTRO),
    (["Maya <maya@bodywork.example>"], INTRO),
    (["maya@bodywork.example\r\nRCPT TO:<x@y.example>"], INTRO),
    ([MAYA], "intro@collective.example> SIZE=1"),
])
def test_an_envelope_smtp_cannot_carry_unchanged_is_refused_before_connecting(recipients, envelope_from):
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="none")

    async def attempt() -> None:
        async with SmtpSender(settings, LOCAL_HOSTNAME) as sender:
            await sender.send(envelope_from, recipients, b"Subject: x\r\n\r\nx\r\n")

    with pytest.raises(ValueError) as raised:
        asyncio.run(attempt())
    assert "maya" not in str(raised.value) and "intro" not in str(raised.value)


# ---------------------------------------------------------------------------------------------------
# Faults injected into the peer: a programmable SMTP server, and a proxy that cuts connections.

def plain(server: FaultSMTP | FaultProxy, **changes) -> SmtpSettings:
    settings = SmtpSettings(host="127.0.0.1", port=server.port, security="none", timeout=timedelta(seconds=10))
    return dataclasses.replace(settings, **changes)


@pytest.fixture
def fault_smtp():
    with FaultSMTP() as server:
        yield server


def test_many_sends_share_one_connection_and_arrive_unchanged(fault_smtp):
    raws = [message(f"intro {number}") + b".a line that starts with a dot\r\n" for number in range(5)]
    results = send_all(plain(fault_smtp), *(([MAYA, SAM], raw) for raw in raws))
    assert [result.delivery for result in results] == [Delivery.SENT] * 5
    assert fault_smtp.messages_per_connection() == [5]
    assert [(found.mail_from, found.rcpt_to, found.data) for found in fault_smtp.messages] == [
        (INTRO, (MAYA, SAM), raw) for raw in raws]


@pytest.mark.parametrize("command", ["MAIL", "RCPT", "DATA"])
@pytest.mark.parametrize("reply, delivery", [(TEMPORARY, Delivery.TEMPORARY), (PERMANENT, Delivery.PERMANENT)])
def test_4xx_is_temporary_and_5xx_permanent_and_the_connection_carries_on(fault_smtp, command, reply, delivery):
    fault_smtp.on(command, reply, times=1)
    refused, after = send_all(plain(fault_smtp), ([MAYA], message("refused")), ([MAYA], message("after")))
    assert refused.delivery is delivery and str(reply) in refused.detail
    assert after.delivery is Delivery.SENT
    assert fault_smtp.messages_per_connection() == [1]


def test_a_recipient_refused_for_now_is_reported_while_the_other_gets_it(fault_smtp):
    fault_smtp.on("RCPT", TEMPORARY, when=lambda transaction: transaction.address == SAM)
    [result] = send_all(plain(fault_smtp), ([MAYA, SAM], message("partial")))
    assert result.delivery is Delivery.SENT
    assert result.refused == {SAM: str(TEMPORARY)}
    assert [found.rcpt_to for found in fault_smtp.messages] == [(MAYA,)]


@pytest.mark.parametrize("command, detail", [("MAIL", "timeout after MAIL FROM"), ("RCPT", "timeout after RCPT TO"),
                                             ("DATA", "timeout after DATA")])
def test_a_server_that_stops_answering_gives_temporary_within_the_timeout(fault_smtp, command, detail):
    fault_smtp.on(command, STALL, times=1)
    stalled, after = send_all(plain(fault_smtp, timeout=timedelta(seconds=1)), ([MAYA], message("stalled")),
                              ([MAYA], message("after")))
    assert (stalled.delivery, stalled.detail) == (Delivery.TEMPORARY, detail)
    assert after.delivery is Delivery.SENT
    assert fault_smtp.messages_per_connection() == [0, 1]  # the stalled connection was abandoned


def test_a_server_that_never_greets_gives_temporary_within_the_timeout(fault_smtp):
    fault_smtp.stall_greeting()
    [result] = send_all(plain(fault_smtp, timeout=timedelta(seconds=1)), ([MAYA], message("never")))
    assert result.delivery is Delivery.TEMPORARY
    assert "did not answer within 1 s before its greeting" in result.detail


def test_a_server_that_cannot_be_reached_costs_one_timeout_per_session_not_one_per_message(fault_smtp):
    fault_smtp.stall_greeting()
    waiting = send_all(plain(fault_smtp, timeout=timedelta(seconds=1)),
                       *(([MAYA], message(f"waiting {number}")) for number in range(3)))
    assert [result.delivery for result in waiting] == [Delivery.TEMPORARY] * 3
    assert len({result.detail for result in waiting}) == 1 and "before its greeting" in waiting[0].detail
    assert fault_smtp.connections == 1

    fault_smtp.stall_greeting(False)
    [after] = send_all(plain(fault_smtp), ([MAYA], message("after")))  # a new session tries the server again
    assert after.delivery is Delivery.SENT and fault_smtp.connections == 2


def test_after_a_421_the_next_send_opens_a_new_connection(fault_smtp):
    fault_smtp.on("MAIL", SHUTTING_DOWN, times=1)
    closed, after = send_all(plain(fault_smtp), ([MAYA], message("closed")), ([MAYA], message("after")))
    assert (closed.delivery, closed.detail) == (Delivery.TEMPORARY, str(SHUTTING_DOWN))
    assert after.delivery is Delivery.SENT
    assert fault_smtp.messages_per_connection() == [0, 1]


def test_a_connection_dropped_between_sends_is_reopened_transparently(fault_smtp):
    async def run() -> list[SendResult]:
        with FaultProxy(fault_smtp.port) as proxy:
            async with SmtpSender(plain(proxy), LOCAL_HOSTNAME) as sender:
                first = await sender.send(INTRO, [MAYA], message("first"))
                proxy.cut()  # as a server does when it times out an idle client
                second = await sender.send(INTRO, [MAYA], message("second"))
        return [first, second]

    assert [result.delivery for result in asyncio.run(run())] == [Delivery.SENT, Delivery.SENT]
    assert fault_smtp.messages_per_connection() == [1, 1]


def test_starttls_is_mandatory_so_no_password_goes_out_in_clear():
    with FaultSMTP(users={INTRO: "secret"}) as server:  # offers AUTH, but no STARTTLS
        settings = plain(server, security="starttls", username=INTRO,
                         password=Secret(key="smtp.password_env", literal="secret"))
        with pytest.raises(SmtpConfigError, match="does not offer STARTTLS"):
            send_all(settings, ([MAYA], message("never")))
        assert server.command_count("AUTH") == 0 and server.messages == []


def test_starttls_then_auth_against_a_server_that_requires_both():
    with FaultSMTP(tls="starttls", users={INTRO: "secret"}, auth_required=True) as server:
        settings = plain(server, security="starttls", username=INTRO, ca_file=server.ca_file,
                         password=Secret(key="smtp.password_env", literal="secret"))
        [result] = send_all(settings, ([MAYA], message("secured")))
        assert result.delivery is Delivery.SENT
        assert [found.login for found in server.messages] == [INTRO]


def test_a_server_that_wants_a_login_when_none_is_configured_is_a_config_error():
    with FaultSMTP(users={INTRO: "secret"}, auth_required=True) as server:
        with pytest.raises(SmtpConfigError, match="requires authentication .*set smtp.username"):
            send_all(plain(server), ([MAYA], message("never")))
