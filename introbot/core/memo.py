"""Readings that depend on their text alone, each made once: the same headers and addresses recur in every message.

Under `email.policy.default` every read of a header parses it anew (tens to hundreds of microseconds, of which
about 15 go to making a new class for it), and a request is read by many readers, and every header set on a
message we write is parsed too; email-validator costs as much per address, and the bot's, the practitioners' and
the colleagues' addresses come back in message after message. These answers depend on nothing but the text, so
each distinct text is read once and its answer kept: the last few hundred, and only short ones (a parsed header
keeps its parse tree, 10 KB for one address and hundreds for a long list), so memory stays flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

_HEADERS_KEPT = 128  # distinct headers: a request's own (read again and again) and those every message repeats
_LONGEST_KEPT = 500  # characters of a header value kept parsed; a longer one is parsed on each read, as before
_ADDRESSES_KEPT = 1024  # distinct addresses (a few hundred bytes each)


class HeadersParsedOnce(HeaderRegistry):
    """The stdlib's header classes, each distinct (name, value) parsed once. A parsed header is a read-only
    value (a str with its parse tree, defects and addresses as tuples), so every reader may share it; a value
    the parser refuses raises every time, as it did."""

    def __call__(self, name: str, value: str) -> BaseHeader:
        return self._parsed(name, value) if len(value) <= _LONGEST_KEPT else super().__call__(name, value)

    @lru_cache(maxsize=_HEADERS_KEPT)
    def _parsed(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)

    @lru_cache(maxsize=256)
    def __getitem__(self, name: str) -> type[BaseHeader]:
        """The class for a header name: the stdlib makes a new one on every call, one kind per name does."""
        return super().__getitem__(name)


PARSED_ONCE = HeadersParsedOnce()
# email.policy.default, each distinct header parsed once: for the messages we read and those we write.
DEFAULT_POLICY = policy.default.clone(header_factory=PARSED_ONCE)


@dataclass(frozen=True)
class ValidAddress:
    """What introbot reads of email-validator's verdict on an address."""

    normalized: str
    local_part: str
    domain: str
    ascii_domain: str
    ascii_email: str | None  # None when the local part is not ASCII (it needs SMTPUTF8)


@lru_cache(maxsize=_ADDRESSES_KEPT)
def validated_address(text: str) -> ValidAddress | None:
    """email-validator's reading of `text` (SMTPUTF8 allowed, no DNS lookup), or None when it refuses it."""
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None
    return ValidAddress(result.normalized, result.local_part, result.domain, result.ascii_domain, result.ascii_email)
