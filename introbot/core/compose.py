"""Outgoing mail: every header set in code from cleaned values, never from template or inbound text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Sequence

from introbot.core.headers import address_header, clean_header_text, text_header
from introbot.core.memo import DEFAULT_POLICY
from introbot.core.render import Rendered

LOOP_HEADER = "X-Introbot-Loop"


@dataclass(frozen=True)
class Mailbox:
    email: str  # validated, lower-case
    name: str = ""


@dataclass(frozen=True)
class Headers:
    """What distinguishes one outgoing message: who, threading, and how automatic it is (RFC 3834)."""

    from_name: str
    from_address: str
    to: Sequence[Mailbox]
    reply_to: Sequence[Mailbox]
    message_id: str
    date: datetime
    in_reply_to: str = ""
    auto_submitted: str = "auto-generated"  # auto-replied when it answers somebody's message
    language: str = "en"


def compose(rendered: Rendered, headers: Headers) -> EmailMessage:
    message = EmailMessage(policy=DEFAULT_POLICY)  # the same headers on every ask: each parsed once
    # set_raw: our own folding is already safe, and the stdlib's refolding can hide a recipient.
    message.set_raw("From", address_header("From", [(headers.from_name, headers.from_address)]))
    message.set_raw("To", address_header("To", [(m.name, m.email) for m in headers.to]))
    if headers.reply_to:
        message.set_raw("Reply-To", address_header("Reply-To", [(m.name, m.email) for m in headers.reply_to]))
    message.set_raw("Subject", text_header("Subject", rendered.subject))
    message["Date"] = format_datetime(headers.date)
    message["Message-ID"] = headers.message_id
    if headers.in_reply_to:
        message["In-Reply-To"] = headers.in_reply_to
        message["References"] = headers.in_reply_to
    message["Auto-Submitted"] = headers.auto_submitted
    # Asks people not to let their out-of-office robots answer (Microsoft's and RFC 3834's spelling).
    message["X-Auto-Response-Suppress"] = "All"
    message[LOOP_HEADER] = headers.from_address
    message["Content-Language"] = clean_header_text(headers.language, max_length=16) or "en"
    message.set_content(rendered.text, cte="quoted-printable")
    if rendered.html is not None:
        message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return message
