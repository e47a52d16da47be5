"""Header-first screening: from the raw header block alone, whether a message needs reading in full.

Most of what reaches intro@ cannot matter to introbot: newsletters, strangers, out-of-office replies
and bounces of mail long forgotten. The full reading (the MIME parse with `email.policy.default`,
the strict address parser, the robot rules) costs milliseconds a message; this costs tens of
microseconds. A message can matter only when it comes from a listed practitioner, carries one of
introbot's live reply tokens, or is a delivery report with no token at all (a bounce of our mail
whose plus-address a relay rewrote), so the screen looks for exactly those, and errs one way only: every
practitioner address and every token the full reading would find, the screen finds too (and
sometimes more, which only costs a full reading). Whether a token is live is the store's to say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

from introbot.core.mime import Limits, as_read, fields_too_long, header_bytes
from introbot.core.robots import robot_roles

# The stdlib's own header splitter (the feedparser), with the policy that leaves values as they came:
# the fields are exactly those the full parse sees, for a small part of its cost.
_FEEDPARSER = BytesHeaderParser(policy=policy.compat32)
# A reply token where the full reading looks for one: a plus-address (intro+TOKEN@domain) or the
# first dot-separated piece of a Message-ID (<TOKEN.nonce@domain>). In any header, and case-blind,
# which also reads a Kelvin sign as the K that the address parser's NFC makes of it: a superset of
# the tokens that the address parser and the Message-ID reader find.
_TOKEN = re.compile(r"(?:\+|<)([a-z2-7]{26})(?=[.@])", re.IGNORECASE)
# The local part right before an "@", as the strict address tokenizer delimits a word. Only tried where a word
# starts (the look-behind): tried from every byte of a long word without an "@", it took quadratic time (a From
# field of 40,000 letters, which anyone may send, held the screen for 24 s). A local part always starts there.
_LOCAL_PART = re.compile(r'(?<![^ \t\r\n"(),:;<>@\[\]\\])[^ \t\r\n"(),:;<>@\[\]\\]+(?=@)')
# Headers whose Message-IDs the full reading takes from the decoded text (RFC 2047 words decoded).
_THREAD_HEADERS = ("in-reply-to", "references")


@dataclass(frozen=True)
class Screening:
    """What the header block says: why the message must be read in full ("" when it need not), and
    the reply tokens it may carry. When `read_in_full` is "" and none of `tokens` is live, the
    message cannot matter to introbot."""

    read_in_full: str
    tokens: tuple[str, ...] = ()


class HeaderScreen:
    """Screens messages for a bot whose listed practitioners have these addresses."""

    def __init__(self, practitioners: Iterable[str], limits: Limits = Limits()):
        self._local_parts = frozenset(address.rpartition("@")[0] for address in practitioners)
        self._limits = limits

    def screen(self, raw: bytes) -> Screening:
        header = header_bytes(raw)
        if not raw.strip() or len(header) > self._limits.max_header_bytes:
            return Screening("the full reading refuses it")  # and says why, in its own words
        try:
            fields = header_fields(header)
        except Exception:  # the feedparser never raised on anything tried, but it is the stdlib's
            return Screening("the header block could not be split into fields")
        if fields_too_long(fields, self._limits):
            # Refused too, before the stdlib decodes a thread header below (seconds for 100 KB of "=? ").
            return Screening("the full reading refuses it")
        senders = [value for name, value in fields if name.lower() == "from"]
        if len(senders) != 1:  # none or several: the full reading refuses it, or reads a delivery report
            return Screening(f"{len(senders)} From fields")
        if self._names_practitioner(as_read(senders[0])):
            return Screening("from a listed practitioner, perhaps")
        try:
            tokens = _tokens(header, fields)
        except Exception:  # the stdlib's decoder, on a hostile thread header: let the full reading fail on it
            return Screening("a thread header could not be decoded")
        if not tokens and _delivery_report(senders[0], fields):
            # Where a relay rewrote our envelope sender (a Gmail or Microsoft 365 account), the bounce
            # carries no token in its header; our Message-ID in the message it returns still tells.
            return Screening("a delivery report without a token, perhaps of our mail")
        return Screening("", tokens)

    def _names_practitioner(self, sender: str) -> bool:
        # The full reading compares the address as email-validator normalises it: NFC, lower case.
        return any(unicodedata.normalize("NFC", local).lower() in self._local_parts
                   for local in _LOCAL_PART.findall(sender))


_REPORT_TYPE = re.compile(r"^\s*multipart/report\b", re.IGNORECASE)


def _delivery_report(sender: str, fields: list[tuple[str, str]]) -> bool:
    """From a mailer daemon or postmaster (as the robot rules name them), or a multipart/report."""
    return any({"mailer-daemon", "postmaster"} & set(robot_roles(local)) for local in _LOCAL_PART.findall(sender)) or any(
        name.lower() == "content-type" and _REPORT_TYPE.match(value) for name, value in fields)


def header_fields(header: bytes) -> list[tuple[str, str]]:
    """The (name, value) fields of a header block (mime.header_bytes) exactly as the full parse's
    `raw_items()` gives them: its bytes read as ASCII with surrogate escapes, values as they came."""
    return list(_FEEDPARSER.parsebytes(header + b"\r\n\r\n").raw_items())


def may_carry_token(text: str) -> bool:
    """False when the text (a header value, say) holds no reply token that any reader could find."""
    return _TOKEN.search(text) is not None


def _tokens(header: bytes, fields: list[tuple[str, str]]) -> tuple[str, ...]:
    """Every reply token the full reading could find in the header block, lower-cased, each once."""
    found = dict.fromkeys(token.lower() for token in _TOKEN.findall(header.decode("utf-8", "replace")))
    for name, value in fields:
        if name.lower() in _THREAD_HEADERS and "=?" in value:
            # The full reading decodes RFC 2047 words before looking for Message-IDs.
            decoded = str(policy.default.header_fetch_parse(name, value))
            found.update(dict.fromkeys(token.lower() for token in _TOKEN.findall(decoded)))
    return tuple(found)
