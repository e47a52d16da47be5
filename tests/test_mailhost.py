"""The loopback Dovecot + Postfix behave like a provider's mailbox: the fixtures other tests rely on."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.mailhost import (REFUSED_LOCAL_PART, UNDELIVERABLE_DOMAIN, MailHost, MailHostError,
                            check_prerequisites)


def message(sender: str, to: str, subject: str = "Hello") -> bytes:
    built = EmailMessage()
    built["From"], built["To"], built["Subject"] = sender, to, subject
    built["Message-ID"] = f"<{subject.replace(' ', '-')}.{time.monotonic_ns()}@example.org>"
    built.set_content("A short body.\n")
    return bytes(built)


def test_plus_address_lands_in_the_base_mailbox_with_the_detail_in_delivered_to(mail: MailHost):
    mail.deliver(message("maya@clinic.example", "sam+abc@client.example"), "maya@clinic.example",
                 ["sam+abc@client.example"])

    [received] = mail.wait_for_messages("sam@client.example", 1)

    assert received["Delivered-To"] == "sam+abc@client.example"
    assert received["Return-Path"] == "<maya@clinic.example>"
    assert [home.name for home in (mail.mail_dir / "client.example").iterdir()] == ["sam"]


def test_any_address_logs_in_with_the_test_password_and_a_wrong_password_fails(mail: MailHost):
    with IMAPClient(mail.host, port=mail.imap_port, ssl=False, timeout=10) as imap:
        with pytest.raises(LoginError):
            imap.login("intro@collective.example", mail.password + "-wrong")
    with IMAPClient(mail.host, port=mail.imap_port, ssl=False, timeout=10) as imap:
        imap.login("someone.new@example.org", mail.password)
        assert imap.folder_exists("INBOX")


def test_imaps_and_starttls_verify_against_the_test_ca(mail: MailHost):
    with IMAPClient(mail.host, port=mail.imaps_port, ssl=True, ssl_context=mail.ssl_context(), timeout=10) as imap:
        imap.login("intro@collective.example", mail.password)
        assert {b"IDLE", b"MOVE", b"UIDPLUS", b"SPECIAL-USE", b"CONDSTORE"} <= set(imap.capabilities())
    with IMAPClient(mail.host, port=mail.imap_port, ssl=False, timeout=10) as imap:
        imap.starttls(mail.ssl_context())
        imap.login("intro@collective.example", mail.password)


def test_special_use_folders_exist_with_slash_separator(mail: MailHost):
    with mail.imap("intro@collective.example") as imap:
        listed = {name: (flags, delimiter) for flags, delimiter, name in imap.list_folders()}
        assert imap.find_special_folder(b"\\Sent") == "Sent"
        assert imap.find_special_folder(b"\\Archive") == "Archive"
    assert set(listed) == {"INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"}
    assert {delimiter for _flags, delimiter in listed.values()} == {b"/"}


def test_idle_reports_new_mail(mail: MailHost):
    with mail.imap("intro@collective.example") as imap:
        imap.select_folder("INBOX")
        imap.idle()
        mail.deliver(message("maya@clinic.example", "intro@collective.example"), "maya@clinic.example",
                     ["intro@collective.example"])
        deadline = time.monotonic() + 20
        responses: list = []
        while time.monotonic() < deadline and not any(item[1:] == (b"EXISTS",) for item in responses):
            responses += imap.idle_check(timeout=1)
        imap.idle_done()
    assert (1, b"EXISTS") in responses


def test_move_takes_a_message_out_of_the_inbox(mail: MailHost):
    uid = mail.append("intro@collective.example", message("maya@clinic.example", "intro@collective.example"))
    with mail.imap("intro@collective.example") as imap:
        imap.select_folder("INBOX")
        imap.create_folder("introbot/processed")
        imap.move([uid], "introbot/processed")
    assert mail.messages("intro@collective.example") == []
    assert len(mail.messages("intro@collective.example", "introbot/processed")) == 1
    assert "introbot/processed" in mail.folders("intro@collective.example")


def test_submission_needs_starttls_then_auth_then_relays_to_the_test_domains(mail: MailHost):
    raw = message("intro@collective.example", "maya@clinic.example")
    with smtplib.SMTP(mail.host, mail.submission_port, local_hostname="client.example", timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls") and not smtp.has_extn("auth")
        code, _ = smtp.mail("intro@collective.example")
        assert code == 530  # "Must issue a STARTTLS command first"
        smtp.rset()
        smtp.starttls(context=mail.ssl_context())
        smtp.ehlo()
        assert smtp.has_extn("auth")
        smtp.mail("intro@collective.example")
        code, _ = smtp.rcpt("maya@clinic.example")
        assert code == 554  # relay refused without AUTH, even from 127.0.0.1
        smtp.rset()
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login("intro@collective.example", mail.password + "-wrong")
        smtp.login("intro@collective.example", mail.password)
        smtp.sendmail("intro+x.1@collective.example", ["maya@clinic.example"], raw)

    [received] = mail.wait_for_messages("maya@clinic.example", 1)
    assert received["Return-Path"] == "<intro+x.1@collective.example>"


def test_smtps_is_implicit_tls_with_auth(mail: MailHost):
    raw = message("intro@collective.example", "sam@client.example")
    with smtplib.SMTP_SSL(mail.host, mail.smtps_port, local_hostname="client.example",
                          context=mail.ssl_context(), timeout=10) as smtp:
        smtp.login("intro@collective.example", mail.password)
        smtp.sendmail("intro@collective.example", ["sam@client.example"], raw)
    assert len(mail.wait_for_messages("sam@client.example", 1)) == 1


def test_mail_to_an_undeliverable_domain_bounces_to_the_envelope_sender(mail: MailHost):
    raw = message("intro@collective.example", f"ghost@{UNDELIVERABLE_DOMAIN}")
    with smtplib.SMTP_SSL(mail.host, mail.smtps_port, local_hostname="client.example",
                          context=mail.ssl_context(), timeout=10) as smtp:
        smtp.login("intro@collective.example", mail.password)
        smtp.sendmail("intro+b.XYZ@collective.example", [f"ghost@{UNDELIVERABLE_DOMAIN}"], raw)

    [bounce] = mail.wait_for_messages("intro@collective.example", 1)

    assert bounce.get_content_type() == "multipart/report"
    assert bounce.get_param("report-type") == "delivery-status"
    assert bounce["Delivered-To"] == "intro+b.XYZ@collective.example"
    assert bounce["Return-Path"] == "<>"
    status = next(part for part in bounce.walk() if part.get_content_type() == "message/delivery-status")
    assert "5.1.1" in str(status)


def test_refused_address_is_rejected_at_rcpt(mail: MailHost):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail.deliver(message("maya@clinic.example", "x@example.org"), "maya@clinic.example",
                     [f"{REFUSED_LOCAL_PART}@client.example"])
    [(code, _text)] = refused.value.recipients.values()
    assert code == 550


def test_reset_empties_mailboxes_and_ends_open_sessions(mail: MailHost):
    mail.deliver(message("maya@clinic.example", "intro@collective.example"), "maya@clinic.example",
                 ["intro@collective.example"])
    mail.wait_for_messages("intro@collective.example", 1)
    lingering = mail.imap("intro@collective.example")
    lingering.select_folder("INBOX")

    mail.reset()

    assert mail.messages("intro@collective.example") == []
    assert mail.queue_size() == 0
    with pytest.raises(IMAPClient.AbortError):
        lingering.noop()
    lingering.shutdown()


def test_missing_servers_fail_with_the_fix():
    with pytest.raises(MailHostError, match="run scripts/test as root"):
        check_prerequisites(("/nonexistent/dovecot",))
