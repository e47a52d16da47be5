"""`introbot check --connect`: sign in to IMAP and SMTP as the daemon would, one plain line per check."""

from __future__ import annotations

import asyncio
import difflib
import sys
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import TextIO

from email_validator import EmailNotValidError, validate_email
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from introbot.config import Config, ImapSettings, ServerSettings
from introbot.edges.imap import ImapError, connect, ensure_folders, log_in
from introbot.edges.oauth import OAuth2Error, token_provider
from introbot.edges.smtp import Delivery, SmtpConfigError, SmtpSender
from introbot.edges.tls import scrub

OK, WARNING, FAILED, SKIPPED = "ok", "warning", "FAILED", "skipped"
_SECURITY = {"tls": "TLS, certificate verified", "starttls": "STARTTLS, certificate verified",
             "none": "no encryption (allowed to this machine only)"}


class _Report:
    """Writes one line per check, in plain ASCII for terminals and journald, and counts the outcomes."""

    def __init__(self, out: TextIO):
        self.out = out
        self.failed = 0
        self.warnings = 0

    def line(self, verdict: str, check: str, detail: str) -> None:
        self.failed += verdict == FAILED
        self.warnings += verdict == WARNING
        self.out.write(f"{verdict:<8}{check}: {detail}\n")

    def summary(self) -> None:
        warned = f" ({self.warnings} warning{'s' * (self.warnings != 1)})" if self.warnings else ""
        if self.failed:
            self.out.write(f"{self.failed} check{'s' * (self.failed != 1)} failed{warned}: fix the first one "
                           f"first, later ones often follow from it.\n")
        else:
            self.out.write(f"All checks passed{warned}.\n")


def connect_checks(config: Config, out: TextIO = sys.stdout, send_test_to: str | None = None) -> int:
    """Connect, secure and sign in to the IMAP and SMTP servers, look at the mailbox, and optionally
    send a test message to `send_test_to`; write one line per check to `out`, each failure with its
    fix. Returns 0 when nothing failed (warnings allowed), 1 otherwise."""
    report = _Report(out)
    _check_imap(config.imap, report)
    asyncio.run(_check_smtp(config, report, send_test_to))
    report.summary()
    return 1 if report.failed else 0


# --- IMAP ----------------------------------------------------------------------------------------------

def _check_imap(settings: ImapSettings, report: _Report) -> None:
    later = "IMAP login, folders, IDLE and MOVE"
    try:
        client = connect(settings)
    except ImapError as error:
        report.line(FAILED, "IMAP connection", str(error))
        report.line(SKIPPED, later, "they need a connection")
        return
    report.line(OK, "IMAP connection", f"{settings.host}:{settings.port}, {_SECURITY[settings.security]}")
    if settings.auth == "oauth2" and not _token_ready("IMAP", settings, "imap", report):
        client.shutdown()
        report.line(SKIPPED, later, "they need a token")
        return
    try:
        log_in(client, settings)
    except ImapError as error:
        report.line(FAILED, "IMAP login", str(error))
        report.line(SKIPPED, "IMAP folders, IDLE and MOVE", "they need a login")
        return
    report.line(OK, "IMAP login", f"as imap.username, {_credential(settings)}")
    try:
        _check_mailbox(client, settings, report)
    except (OSError, IMAPClientError) as error:
        report.line(FAILED, "IMAP session", f"the server ended it or failed ({scrub(str(error))}); run the "
                                            f"check again, and look at the server's log if it persists")
        client.shutdown()
        return
    try:
        client.logout()
    except (OSError, IMAPClientError):
        client.shutdown()


def _check_mailbox(client: IMAPClient, settings: ImapSettings, report: _Report) -> None:
    folder = settings.folder
    if client.folder_exists(folder):
        try:
            client.select_folder(folder, readonly=True)  # EXAMINE: can it be opened, without changing it
        except IMAPClientError as error:
            report.line(FAILED, "IMAP watched folder", f"imap.folder {folder!r} exists but cannot be opened "
                                                       f"({scrub(str(error))}): check this mailbox's rights on it")
        else:
            report.line(OK, "IMAP watched folder", f"imap.folder {folder!r} exists and opens")
    else:
        names = [name for _, _, name in client.list_folders()]
        close = difflib.get_close_matches(folder, names, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        report.line(FAILED, "IMAP watched folder", f"there is no folder {folder!r} on the server: set "
                                                   f"imap.folder to the folder introbot should watch, "
                                                   f"e.g. \"INBOX\"{hint}")
    try:
        folders = ensure_folders(client)
    except ImapError as error:
        report.line(FAILED, "IMAP introbot folders", str(error))
    else:
        report.line(OK, "IMAP introbot folders", f"{', '.join(map(repr, folders.values()))} exist or were "
                                                 f"created just now")
    if client.has_capability("IDLE"):
        report.line(OK, "IMAP IDLE", "supported, new mail is seen as it arrives")
    else:
        report.line(WARNING, "IMAP IDLE", f"not supported, so introbot looks for new mail every "
                                          f"{settings.poll_interval.total_seconds():g} s (imap.poll_interval)")
    if client.has_capability("MOVE"):
        report.line(OK, "IMAP MOVE", "supported, handled mail is moved in one step")
    elif client.has_capability("UIDPLUS"):
        report.line(WARNING, "IMAP MOVE", "not supported, so introbot copies handled mail, then deletes the "
                                          "original")
    else:
        report.line(WARNING, "IMAP MOVE", "not supported, nor UIDPLUS, so introbot copies handled mail, then "
                                          "expunges; that also removes anything a person marked deleted in "
                                          "the watched folder")


# --- SMTP ----------------------------------------------------------------------------------------------

async def _check_smtp(config: Config, report: _Report, send_test_to: str | None) -> None:
    settings = config.smtp
    later = "SMTP test message" if send_test_to else ""
    if settings.auth == "oauth2" and not await asyncio.to_thread(_token_ready, "SMTP", settings, "smtp", report):
        if later:
            report.line(SKIPPED, later, "it needs a token")
        return
    check = "SMTP connection and login" if settings.username else "SMTP connection"
    try:
        sender = SmtpSender(settings, local_hostname=config.bot.address.rpartition("@")[2])
    except SmtpConfigError as error:
        report.line(FAILED, check, str(error))
        return
    async with sender:
        try:
            await sender.open()
        except ConnectionError as error:  # SmtpConfigError: misconfigured; others: unreachable for now
            report.line(FAILED, check, str(error))
            if later:
                report.line(SKIPPED, later, "it needs a connection")
            return
        login = f", signed in as smtp.username, {_credential(settings)}" if settings.username else \
            ", no login (smtp.username is empty)"
        report.line(OK, check, f"{settings.host}:{settings.port}, {_SECURITY[settings.security]}{login}")
        if send_test_to is not None:
            await _send_test(config, sender, send_test_to, report)


async def _send_test(config: Config, sender: SmtpSender, address: str, report: _Report) -> None:
    check = "SMTP test message"
    try:
        recipient = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        report.line(FAILED, check, f"the address given to --send-test-to is not an email address ({error})")
        return
    where = f"{config.smtp.host}:{config.smtp.port}"
    result = await sender.send(config.bot.address, [recipient], _test_message(config, recipient))
    if result.delivery is Delivery.SENT:
        report.line(OK, check, f"{where} accepted it ({result.detail}); it should arrive within minutes")
    elif result.delivery is Delivery.TEMPORARY:
        report.line(FAILED, check, f"{where} could not take it now ({result.detail}); try again later")
    else:
        report.line(FAILED, check, f"{where} refused it ({result.detail}): check the address, and that "
                                   f"smtp.username may send as bot.address through this server")


def _test_message(config: Config, recipient: str) -> bytes:
    message = EmailMessage()
    message["From"] = Address(config.bot.name, addr_spec=config.bot.address)
    message["To"] = recipient
    message["Subject"] = "introbot test message"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config.bot.address.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply to this, please
    message.set_content(f"This is a test message from `introbot check --connect`, sent through "
                        f"{config.smtp.host}.\n\nIf you can read it, introbot can send mail. There is "
                        f"nothing to answer.\n")
    return message.as_bytes(policy=SMTP)


# --- shared --------------------------------------------------------------------------------------------

def _token_ready(label: str, settings: ServerSettings, service: str, report: _Report) -> bool:
    """Ask for an OAuth2 token now, so that a token problem is not mistaken for a login problem."""
    try:
        token_provider(settings.oauth2, service, settings.timeout.total_seconds()).token()
    except OAuth2Error as error:
        report.line(FAILED, f"{label} OAuth2 token", str(error))
        return False
    source = f"printed by {service}.oauth2_command" if settings.oauth2.provider == "command" else \
        f"issued by {settings.oauth2.provider.capitalize()}'s token endpoint"
    report.line(OK, f"{label} OAuth2 token", source)
    return True


def _credential(settings: ServerSettings) -> str:
    return "with an OAuth2 token" if settings.auth == "oauth2" else f"with the password in {settings.password.key}"
