"""Header-safe text for outgoing mail: no control character, no line break, no smuggled encoded word."""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Sequence
from email.errors import HeaderParseError
from email.headerregistry import Address as StdlibAddress

from introbot.core.memo import validated_address

# Unicode categories dropped from header text: controls (NUL, ESC, DEL, C1...), format characters
# (bidi overrides that reorder what a reader sees, zero-width joiners, BOM) and lone surrogates
# (undecodable bytes). Line and paragraph separators count as whitespace and become spaces.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# "@" and the look-alikes a reader takes for one (FULLWIDTH and SMALL COMMERCIAL AT).
AT_SIGNS = frozenset("@\uff20\ufe6b")

MAX_LINE_LENGTH = 78        # RFC 5322 section 2.1.1: lines SHOULD stay within 78 characters
# Words short enough that even the first fits after "Reply-To: " (RFC 2047 allows 75 per encoded word);
# a longer run without spaces could not be folded, so a plain word that long is encoded instead.
_MAX_WORD = 60


def clean_header_text(text: str, max_length: int = 200) -> str:
    """Text made safe for any header: controls removed, whitespace folded to single spaces, at most max_length characters.

    Whitespace of every kind (CR, LF, TAB, NBSP, U+2028...) becomes a space so that words stay apart;
    other control and format characters are removed; "=?" becomes "= ?" so no encoded word hides in
    the text. Truncation counts code points, so a character is never cut in half.
    """
    if max_length < 0:
        raise ValueError(f"max_length must be 0 or more, got {max_length}")
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    folded = " ".join("".join(kept).split())
    # The email package decodes "=?charset?q?...?=" wherever it finds it, even in text assigned to a
    # header, so an encoded CR LF would come back as a line break (CVE-2024-6923); a space defuses it.
    defused = folded.replace("=?", "= ?")
    return defused[:max_length].rstrip()


def contains_at_sign(text: str) -> bool:
    """True when text holds "@" or a look-alike, i.e. it could be read as (part of) an address."""
    return any(char in AT_SIGNS for char in text)


def display_address(name: str, email: str) -> str:
    """A header-safe, ASCII-only "Name <email>" on one line; the name is cleaned, then quoted, encoded or dropped.

    The name is dropped when it holds an at-sign: a display name that looks like an address is how
    spoofed mail misleads readers, and our own parser refuses it. A non-ASCII name, or one with a
    word too long to fold, becomes RFC 2047 encoded words of at most 60 characters, cut after a space
    where possible. An internationalised domain is written in its ASCII (xn--) form.
    """
    ascii_email = envelope_address(email)
    safe_name = clean_header_text(name)
    if contains_at_sign(safe_name):
        safe_name = ""
    if safe_name and _needs_encoding(safe_name):
        return " ".join(_encoded_words(safe_name)) + f" <{ascii_email}>"
    try:
        return str(StdlibAddress(display_name=safe_name, addr_spec=ascii_email))
    except (ValueError, HeaderParseError):
        raise ValueError("display_address needs a plain local@domain address") from None


def envelope_address(email: str) -> str:
    """The address as the SMTP envelope (RCPT TO) and our headers carry it: a domain in its ASCII (xn--) form.

    Envelope and To must name the same mailbox in the same spelling, and without SMTPUTF8 a
    non-ASCII domain cannot go in RCPT TO at all.
    """
    validated = validated_address(email)
    if validated is None:
        raise ValueError("an outgoing address needs to be a valid address (validate it with introbot.core.addresses first)")
    if validated.ascii_email is None:
        raise ValueError("an address with a non-ASCII local part needs SMTPUTF8, which introbot does not use")
    return validated.ascii_email


def address_header(field: str, people: Sequence[tuple[str, str]]) -> str:
    """The value of an address header (From, To, Reply-To) for (name, email) pairs, folded at 78 columns.

    Set it with `message.set_raw(field, value)`, not `message[field] = value`: the second makes the
    Python 3.11 email package fold the header again, and its folder can pull an address into an
    encoded word, so the recipient disappears from To (found by tests/core/test_headers.py).
    """
    if not people:
        raise ValueError(f"an address header ({field}) needs at least one person")
    return _fold(field, ", ".join(display_address(name, email) for name, email in people))


def text_header(field: str, text: str, max_length: int = 200) -> str:
    """The value of a free-text header (Subject) from any text: cleaned, ASCII-only, folded at 78 columns.

    Set it with `message.set_raw(field, value)`: the Python 3.11 folder drops a space between an
    encoded word and the plain word after it when it folds a Subject itself.
    """
    cleaned = clean_header_text(text, max_length)
    return _fold(field, " ".join(_encoded_words(cleaned)) if _needs_encoding(cleaned) else cleaned)


def _needs_encoding(text: str) -> bool:
    return not text.isascii() or any(len(word) > _MAX_WORD for word in text.split(" "))


def _encoded_words(text: str) -> list[str]:
    words = []
    chunk = ""
    for char in text:
        while len(_encoded_word(chunk + char)) > _MAX_WORD:
            space = chunk.rfind(" ")
            cut = space + 1 if space > 0 else len(chunk)
            words.append(_encoded_word(chunk[:cut]))
            chunk = chunk[cut:]
        chunk += char
    words.append(_encoded_word(chunk))
    return words


def _encoded_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _fold(field: str, value: str) -> str:
    """Line breaks inserted before spaces so each line fits; unfolding gives back value exactly."""
    lines = [""]
    used = len(field) + 2  # "To: "
    for word in value.split(" "):
        if lines[-1] and used + len(lines[-1]) + 1 + len(word) > MAX_LINE_LENGTH:
            lines.append(word)
            used = 1  # the space that starts a continuation line
        else:
            lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    return "\r\n ".join(lines)
