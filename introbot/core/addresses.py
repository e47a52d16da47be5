"""Strict email address parsing: a header has one meaning or it is refused with an AddressError, never guessed.

Python 3.11.7 still has CVE-2023-27043: `email.utils.parseaddr`/`getaddresses` read
`alice@example.org)<bob@example.org>` as an address of the attacker's choosing. So every address
header is read twice: by the strict tokenizer below (RFC 5322 without its obsolete and rarely used
forms: no quoted local parts, no domain literals, no routes, no comments inside an address) and by
`email.headerregistry`. When the two disagree, or when an address-like text appears anywhere but
in the one place an address belongs (a display name, a comment), the header is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from email import errors

from introbot.core.headers import AT_SIGNS, clean_header_text, contains_at_sign
from introbot.core.memo import PARSED_ONCE, validated_address

# One mailbox with its display name: a 254-character address plus a long encoded name fit many times
# over; the bound keeps the stdlib parser (quadratic in the length it reads) fast on hostile input.
MAX_MAILBOX_CHARS = 2000
# RFC 5322 lets comments nest; real mail never goes deeper, and the stdlib recurses once per level.
MAX_COMMENT_DEPTH = 3
# Longest local part and domain (RFC 5321 section 4.5.3.1) when looking for addresses in free text.
MAX_LOCAL_PART = 64
MAX_DOMAIN = 253

# Defects the stdlib reports for legal syntax ("J. Smith" is an obsolete phrase, RFC 6532 allows a UTF-8
# local part) or for sloppy encoded words in a display name, which mail readers decode all the same.
# Any other defect means it skipped or repaired something, so the header is refused.
_TOLERATED_DEFECTS = (errors.ObsoleteHeaderDefect, errors.NonASCIILocalPartDefect, errors.CharsetError)
_TOLERATED_DEFECT_TEXTS = frozenset({"encoded word inside quoted string", "missing trailing whitespace after encoded-word",
                                     "whitespace inside encoded word"})

_FOLDING = re.compile(r"\r?\n(?=[ \t])")
_LEXEME = re.compile(
    r'(?P<space>[ \t]+)'
    r'|(?P<word>[^ \t"(),:;<>@\[\]\\]+)'
    r'|(?P<quoted>"(?:[^"\\]|\\.)*")'
    r'|(?P<special>[,:;<>@])'
    r'|(?P<comment>\()'
)
_QUOTED_PAIR = re.compile(r"\\(.)")
_ENCODED_WORD = re.compile(r"=\?([\x21-\x3e\x40-\x7e]+)\?([bBqQ])\?([\x21-\x3e\x40-\x7e]*)\?=")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")

_TEXT_LOCAL_CHARS = frozenset("!#$%&'*+/=?^_`{|}~.-")
_TEXT_LOCAL_EDGES_REFUSED = frozenset(".'`")
_TEXT_DOMAIN = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63})+")
_TEXT_NAME_DELIMITERS = re.compile(r'[,;:：()<>\[\]"]')
_TEXT_LABELLED_NAME = re.compile(r"[*\s]*[\w-]{1,20}[*\s]*[:：][*\s]*([^,;:：()<>\[\]\"*]{1,80}?)\s*")
_CLOSING_QUOTES = {'"': '"', "'": "'", "»": "«", "«": "»", "”": "“", "’": "‘"}  # closing quote: its opening one
_NAME_PARTICLES = frozenset({"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le",
                             "bin", "al", "ter", "ten", "dos", "das"})
_MAX_NAME_WORDS = 4
_NAME_LOOKBACK = 200  # characters searched before "<" for a name, so each mention costs bounded time


class AddressError(ValueError):
    """An address or address header that cannot be read with certainty; the message never quotes the input."""


@dataclass(frozen=True)
class Address:
    """One person's address: `email` validated and lower-cased, `name` cleaned display text ("" if none)."""

    email: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


def parse_address(value: str) -> Address:
    """The single address of a From/Sender-like header; refuses none, several, groups, or any ambiguity."""
    found = _read_header(value, allow_groups=False, limit=1)
    if not found:
        raise AddressError("the header holds no address; exactly one is expected")
    return found[0]


def parse_address_list(value: str, limit: int = 500) -> tuple[Address, ...]:
    """The addresses of a To/Cc/Reply-To-like header, first occurrence of each, groups flattened.

    Refuses the whole header on any ambiguity rather than keeping the readable part: these are the
    people introbot may write to.
    """
    return _read_header(value, allow_groups=True, limit=limit)


def is_valid_address(text: str) -> bool:
    """True when text is exactly one bare address (local@domain) that email-validator accepts."""
    return _normalised_or_none(text) is not None


def addresses_in_text(text: str) -> tuple[Address, ...]:
    """Addresses mentioned in free text, in order of first mention, each once.

    Finds `sam@client.example`, `<sam@client.example>`, `mailto:sam@client.example` and
    `(sam@client.example)`; for `Sam Rivera <sam@client.example>` (or `[mailto:...]`, `(...)`) the
    name before the brackets is kept.
    The scan starts from each "@" and looks a bounded distance either side, so hostile text costs
    linear time.
    """
    found: dict[str, Address] = {}
    validated: dict[str, str | None] = {}  # each distinct spelling goes through email-validator once
    for at_sign in re.finditer("@", text):
        at = at_sign.start()
        start = _local_part_start(text, at)
        domain = _TEXT_DOMAIN.match(text, at + 1, min(len(text), at + 1 + MAX_DOMAIN))
        if start is None or domain is None:
            continue
        candidate = text[start:domain.end()]
        if candidate not in validated:
            validated[candidate] = _normalised_or_none(candidate)
        email = validated[candidate]
        if email is None:
            continue
        name = _name_before_mention(text, start, domain.end())
        if email not in found or (name and not found[email].name):
            found[email] = Address(email, name)
    return tuple(found.values())


@dataclass(frozen=True)
class _Token:
    kind: str      # "word", "quoted", or the special character itself: , : ; < > @
    text: str      # the word, the unescaped content of a quoted string, or the special
    start: int
    end: int
    spaced: bool   # whitespace or a comment came right before it


@dataclass(frozen=True)
class _Mailbox:
    phrase: tuple[_Token, ...]
    addr_spec: str
    start: int
    end: int


def _read_header(value: str, *, allow_groups: bool, limit: int) -> tuple[Address, ...]:
    if len(value) > limit * MAX_MAILBOX_CHARS:
        raise AddressError(f"the header is longer than {limit} address(es) can be ({limit * MAX_MAILBOX_CHARS} characters)")
    unfolded = _FOLDING.sub("", value)
    if any(_is_forbidden(char) for char in unfolded):
        raise AddressError("the header holds a control character or a line break")
    mailboxes = _Reader(_tokenize(unfolded), allow_groups).mailboxes(limit)
    addresses: dict[str, Address] = {}
    for mailbox in mailboxes:
        address = _checked(unfolded, mailbox)
        addresses.setdefault(address.email, address)
    return tuple(addresses.values())


def _is_forbidden(char: str) -> bool:
    return char != "\t" and unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")


def _tokenize(value: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    spaced = False
    while position < len(value):
        match = _LEXEME.match(value, position)
        if match is None:
            raise AddressError(f"unexpected {value[position]!r} in an address header (unbalanced quote, bracket or backslash)")
        kind = match.lastgroup
        if kind == "space":
            spaced = True
            position = match.end()
            continue
        if kind == "comment":
            spaced = True
            position = _end_of_comment(value, position)
            continue
        text = _QUOTED_PAIR.sub(r"\1", match.group()[1:-1]) if kind == "quoted" else match.group()
        tokens.append(_Token(text if kind == "special" else kind, text, match.start(), match.end(), spaced))
        spaced = False
        position = match.end()
    return tokens


def _end_of_comment(value: str, start: int) -> int:
    depth = 0
    position = start
    while position < len(value):
        char = value[position]
        if char == "\\":
            position += 2
            continue
        if char == "(":
            depth += 1
            if depth > MAX_COMMENT_DEPTH:
                raise AddressError(f"comments are nested more than {MAX_COMMENT_DEPTH} deep")
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
        elif char in "<>" or char in AT_SIGNS:
            raise AddressError("a comment holds an address or angle bracket, which makes the header ambiguous")
        position += 1
    raise AddressError("a comment is not closed with ')'")


class _Reader:
    """Recursive descent over tokens: address-list = [address *("," address)], address = mailbox / group."""

    def __init__(self, tokens: list[_Token], allow_groups: bool) -> None:
        self.tokens = tokens
        self.allow_groups = allow_groups
        self.position = 0

    def mailboxes(self, limit: int) -> list[_Mailbox]:
        found: list[_Mailbox] = []
        while self._peek() is not None:
            if self._peek() == ",":
                self.position += 1
                continue
            if self._starts_group():
                found.extend(self._group())
            else:
                found.append(self._mailbox())
            self._expect_end_of_item({","})
            if len(found) > limit:
                raise AddressError(f"the header holds more than {limit} address(es)")
        return found

    def _peek(self) -> str | None:
        return self.tokens[self.position].kind if self.position < len(self.tokens) else None

    def _phrase(self) -> tuple[_Token, ...]:
        start = self.position
        while self._peek() in ("word", "quoted"):
            self.position += 1
        return tuple(self.tokens[start:self.position])

    def _starts_group(self) -> bool:
        start = self.position
        self._phrase()
        is_group = self._peek() == ":"
        self.position = start
        return is_group

    def _group(self) -> list[_Mailbox]:
        if not self.allow_groups:
            raise AddressError("the header holds a group (name: ...;) where exactly one address is expected")
        name = self._phrase()
        if not name:
            raise AddressError("a group (name: ...;) has no name")
        if contains_at_sign(_decode_phrase(name)):
            raise AddressError("a group name holds an at-sign, which makes the header ambiguous")
        self.position += 1
        members: list[_Mailbox] = []
        while True:
            kind = self._peek()
            if kind is None:
                raise AddressError("a group (name: ...;) is not closed with ';'")
            if kind == ";":
                self.position += 1
                return members
            if kind == ",":
                self.position += 1
                continue
            members.append(self._mailbox())
            self._expect_end_of_item({",", ";"})

    def _mailbox(self) -> _Mailbox:
        first = self.position
        phrase = self._phrase()
        if self._peek() == "<":
            self.position += 1
            addr_spec = self._addr_spec()
            if self._peek() != ">":
                raise AddressError("an address in <...> is not closed or holds more than local@domain")
            end = self.tokens[self.position].end
            self.position += 1
            return _Mailbox(phrase, addr_spec, self.tokens[first].start, end)
        if self._peek() == "@" and len(phrase) == 1 and phrase[0].kind == "word":
            self.position = first
            addr_spec = self._addr_spec()
            return _Mailbox((), addr_spec, self.tokens[first].start, self.tokens[self.position - 1].end)
        raise AddressError("expected an address, written local@domain or Name <local@domain>")

    def _addr_spec(self) -> str:
        parts = self.tokens[self.position:self.position + 3]
        if [token.kind for token in parts] != ["word", "@", "word"] or parts[1].spaced or parts[2].spaced:
            raise AddressError("an address must be written local@domain, without spaces, comments or quotes inside")
        self.position += 3
        return f"{parts[0].text}@{parts[2].text}"

    def _expect_end_of_item(self, separators: set[str]) -> None:
        kind = self._peek()
        if kind is not None and kind not in separators:
            raise AddressError("an address is followed by more text (a second address or a bracket trick?)")


def _checked(value: str, mailbox: _Mailbox) -> Address:
    """The mailbox as an Address once email-validator and the stdlib parser agree with the tokenizer."""
    if mailbox.end - mailbox.start > MAX_MAILBOX_CHARS:
        raise AddressError(f"an address with its display name is longer than {MAX_MAILBOX_CHARS} characters")
    email = _normalise(mailbox.addr_spec)
    name = _name_or_refuse(_decode_phrase(mailbox.phrase), email)
    text = value[mailbox.start:mailbox.end]
    try:
        header = PARSED_ONCE("to", text)
        stdlib_addresses, defects = header.addresses, header.defects
    except Exception:  # the stdlib parser has crashed on hostile input before (IndexError, RecursionError...)
        raise AddressError("the standard library parser cannot read this address; refused as ambiguous") from None
    if (len(stdlib_addresses) != 1 or stdlib_addresses[0].addr_spec.lower() != mailbox.addr_spec.lower()
            or not all(isinstance(defect, _TOLERATED_DEFECTS) or str(defect) in _TOLERATED_DEFECT_TEXTS
                       for defect in defects)):
        raise AddressError("two parsers read this address differently; refused as ambiguous")
    _name_or_refuse(stdlib_addresses[0].display_name, email)
    return Address(email, name)


def _name_or_refuse(decoded: str, email: str) -> str:
    """The cleaned display name, "" when it merely repeats the address; refuses a name holding another address.

    The at-sign check reads the whole decoded name, before cleaning truncates it.
    """
    if not contains_at_sign(decoded):
        return clean_header_text(decoded)
    if clean_header_text(decoded, max_length=len(decoded)).strip("'\" ").lower() == email:
        return ""
    raise AddressError("a display name holds an at-sign, so it could be read as a second address")


def _normalise(addr_spec: str) -> str:
    """The address validated and lower-cased, its domain in Unicode form; refused when validation rewrites it.

    email-validator maps look-alikes in a domain (a micro sign to a Greek mu, a fullwidth dot to a
    dot); introbot returns only addresses literally present, so such a rewrite is refused. The ASCII
    (xn--) spelling of an internationalised domain is the same name and is accepted.
    """
    result = validated_address(addr_spec)
    if result is None:
        raise AddressError("an address is not valid (email-validator refused it)")
    local, _, domain = unicodedata.normalize("NFC", addr_spec).lower().rpartition("@")
    if local != result.local_part.lower() or domain not in (result.domain.lower(), result.ascii_domain.lower()):
        raise AddressError("an address is written with look-alike characters that validation would rewrite")
    return result.normalized.lower()


def _normalised_or_none(addr_spec: str) -> str | None:
    try:
        return _normalise(addr_spec)
    except AddressError:
        return None


def _decode_phrase(tokens: tuple[_Token, ...]) -> str:
    """A display name with RFC 2047 encoded words decoded, also inside quotes, as mail readers do."""
    pieces: list[tuple[str, bool]] = []  # (text, came from an encoded word)
    for index, token in enumerate(tokens):
        if index and token.spaced:
            pieces.append((" ", False))
        position = 0
        for match in _ENCODED_WORD.finditer(token.text):
            if match.start() > position:
                pieces.append((token.text[position:match.start()], False))
            pieces.append((_decode_encoded_word(*match.groups()), True))
            position = match.end()
        if position < len(token.text):
            pieces.append((token.text[position:], False))
    # RFC 2047 section 6.2: whitespace between two encoded words is not part of the text.
    kept = [piece for index, (piece, encoded) in enumerate(pieces)
            if encoded or piece.strip() or not 0 < index < len(pieces) - 1
            or not (pieces[index - 1][1] and pieces[index + 1][1])]
    return "".join(kept)


def _decode_encoded_word(charset: str, encoding: str, payload: str) -> str:
    data = payload.encode("ascii")
    if encoding in "bB":
        try:
            raw = base64.b64decode(data + b"=" * (-len(data) % 4), validate=True)
        except binascii.Error:
            raise AddressError("a display name holds a broken base64 encoded word") from None
    else:
        raw = _Q_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data.replace(b"_", b" "))
    # An unknown or non-text charset (Python's own "unknown-8bit", "base64_codec") is read as UTF-8
    # with replacements; the at-sign check runs on the result either way.
    try:
        return raw.decode(charset.partition("*")[0], errors="replace")
    except (LookupError, UnicodeError, ValueError):
        return raw.decode("utf-8", errors="replace")


def _local_part_start(text: str, at: int) -> int | None:
    """Where the local part before text[at] begins, or None when there is none or it is too long."""
    start = at
    while start > 0 and at - start <= MAX_LOCAL_PART and (text[start - 1].isalnum() or text[start - 1] in _TEXT_LOCAL_CHARS):
        start -= 1
    while start < at and text[start] in _TEXT_LOCAL_EDGES_REFUSED:
        start += 1
    if start == at or at - start > MAX_LOCAL_PART:
        return None
    return start


def _name_before_mention(text: str, start: int, end: int) -> str:
    """The name written just before a bracketed address on the same line, or "".

    Brackets are <address>, [mailto:address], (address) and (<address>), as mail clients write them in
    forwarded headers and attribution lines; a name in quotes (also « », “ ”) is taken whole.
    """
    opening = start - len("mailto:") if text[max(0, start - 7):start].lower() == "mailto:" else start
    if opening == 0 or text[opening - 1] not in "<[(" or text[end:end + 1] not in (">", "]", ")"):
        return ""
    opening -= 1
    if text[opening] == "<" and text[opening - 1:opening] == "(":
        opening -= 1
    earliest = max(0, opening - _NAME_LOOKBACK)
    line = clean_header_text(text[max(earliest, text.rfind("\n", earliest, opening) + 1):opening], _NAME_LOOKBACK)
    if line[-1:] in _CLOSING_QUOTES:
        _, quote, name = line[:-1].rpartition(_CLOSING_QUOTES[line[-1]])
        name = name if quote else ""
    else:
        name = _trailing_name(line)
    name = clean_header_text(name)
    return "" if contains_at_sign(name) else name


def _trailing_name(line: str) -> str:
    """The capitalised words ending a line ("please introduce Sam Rivera" gives "Sam Rivera").

    On a header-like line ("From: sam rivera") everything after the label is the name, whatever its case.
    """
    labelled = _TEXT_LABELLED_NAME.fullmatch(line)
    if labelled:
        return labelled.group(1)
    words = _TEXT_NAME_DELIMITERS.split(line)[-1].split()
    run: list[str] = []
    for word in reversed(words):
        capitalised = word[0].isalpha() and not word[0].islower()
        if len(run) == _MAX_NAME_WORDS or not (capitalised or (run and word.lower() in _NAME_PARTICLES)):
            break
        run.insert(0, word)
    return " ".join(run)
