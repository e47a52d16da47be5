"""Parse inbound mail safely: shape limits on the raw bytes, then the stdlib parser, then limits on the result."""

from __future__ import annotations

import email
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message

from introbot.core.memo import DEFAULT_POLICY  # email.policy.default, each distinct header parsed once

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How big and how deeply nested a message may be before we refuse to parse it."""

    max_bytes: int = 10 * _MB
    max_parts: int = 500
    max_depth: int = 20
    max_header_bytes: int = 256 * 1024  # the top header block, and all header blocks of all parts together
    max_addresses: int = 500  # in any one address header
    # The stdlib parses MIME parameters in super-linear time (a Content-Type with 12,000 parameters
    # takes seconds, 200,000 take minutes); honest mail needs a handful, RFC 2231 continuations a few dozen.
    max_parameters: int = 50  # in any one Content-Type or Content-Disposition field
    # The stdlib also parses some single headers in super-linear time: 40 KB of backslashes in To took 31 s, 40 KB
    # of quotes in Content-Disposition 11-16 s, 100 KB of "=? " in a Subject seconds on every read. At these
    # lengths the worst shapes known take a tenth of a second a read at most, and honest mail stays well below.
    # Subject, Message-ID, dates, MIME-Version, Content-* and Authentication-Results: a subject of 255 CJK
    # characters is 1.3 KB encoded, a Content-Type naming a 255-character CJK file (RFC 2231) 2.8 KB.
    max_field_bytes: int = 4 * 1024
    # In-Reply-To and References: a References chain of a long thread is several KB (250 Message-IDs fit).
    max_thread_field_bytes: int = 16 * 1024
    # To, Cc and the other address headers, read by introbot's own parser only: 300 recipients are about
    # 12 KB, and max_addresses of them about 30 KB.
    max_address_field_bytes: int = 32 * 1024
    # The fields of the two caps before them, of all parts together: spread over 60 parts, 4 KB of quotes in each
    # Content-Type took 15 s (the parser reads each three times). The corpus's 1,174 files hold 1.4 KB at most.
    max_parsed_fields_bytes: int = 32 * 1024


class UnreadableMessage(ValueError):
    """The message cannot be read safely; `reason` says why without quoting any of its content."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"unreadable message: {reason}")
        self.reason = reason


# A boundary declaration, or a line that may be a boundary delimiter ("--b" or "--b--").
_STRUCTURE = re.compile(
    rb'boundary[ \t]*=[ \t]*(?:"(?P<quoted>[^"\r\n]{1,200})"|(?P<token>[^\s";]{1,200}))'
    rb"|^--(?P<delimiter>[^\r\n]{1,202})\r?$",  # \r?: mail fetched over IMAP ends its lines with CRLF
    re.IGNORECASE | re.MULTILINE,
)
# A line ends with LF, CR LF or a lone CR, as the parser reads it.
_MIME_PARAMETER_FIELD = re.compile(
    rb"(?:^|(?<=\r))(?P<name>content-(?:type|disposition))[ \t]*:"
    rb"(?P<value>[^\r\n]*(?:(?:\r\n?|\n)[ \t][^\r\n]*)*)",
    re.IGNORECASE | re.MULTILINE
)
_PARAMETER = re.compile(rb";\s*[\w*.-]+\s*=")
_QUOTED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# Read with core/addresses.py from raw_header_values only, never through the stdlib's parser.
ADDRESS_HEADERS = {name.lower(): name for name in (
    "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
    "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc",
)}
# Headers the stdlib parses into structured objects on every access (the others stay plain text), less the
# address headers, which introbot reads with its own parser only.
# Content-Type is missing because the parser itself reads it in every part, so it already failed or passed.
_STRUCTURED_HEADERS = {name.lower(): name for name in (
    "Date", "Resent-Date", "Orig-Date", "Subject", "Message-ID", "MIME-Version", "Content-Disposition",
    "Content-Transfer-Encoding",
)}
# Headers that introbot reads through the stdlib's parser: held to max_field_bytes, or (these two) to
# max_thread_field_bytes, and all of them to max_parsed_fields_bytes together.
_SINGLE_FIELDS = {name.lower(): name for name in (
    *_STRUCTURED_HEADERS.values(), "Content-Type", "Authentication-Results", "X-MS-Exchange-Organization-AuthAs",
)}
_THREAD_FIELDS = {name.lower(): name for name in ("In-Reply-To", "References")}
_PARSED_FIELDS = frozenset(_SINGLE_FIELDS) | frozenset(_THREAD_FIELDS)
# Some MTAs send delivery reports without a From header; a bounce we cannot read leaves an intro hanging.
_REPORT_TYPES = ("multipart/report", "message/delivery-status")


def header_bytes(raw: bytes) -> bytes:
    """The raw header block (up to, not including, the first empty line): cheap, for header-first checks."""
    if raw.startswith((b"\n", b"\r\n")):
        return b""
    # The first empty line: the first LF followed by LF or CR LF, and the CR before it if there is one. Two
    # finds, where a pattern starting with an optional CR was tried at every byte (a fifth of a screen's time).
    end = raw.find(b"\n\n")
    crlf = raw.find(b"\n\r\n", 0, len(raw) if end < 0 else end + 2)  # one that starts before it
    end = crlf if crlf >= 0 else end
    if end < 0:
        return raw
    return raw[: end - 1] if end and raw[end - 1] == 0x0D else raw[:end]


def parse_message(raw: bytes, limits: Limits = Limits()) -> EmailMessage:
    """Parse raw RFC 5322 bytes with `email.policy.default`, or raise UnreadableMessage.

    Cheap checks on the raw bytes run first (size, header size, boundary count and nesting, the length of
    each Content-Type), then the parse, then checks on the result (parts, depth, addresses, the length of
    each header introbot reads, From). Every structured header of every part but the address headers is
    parsed once here, so reading one later cannot raise; address headers are read from raw_header_values
    with core/addresses.py, whose parse is linear, never with the stdlib's, which is not. A bad charset or
    transfer encoding does not make a message unreadable: its body may simply come out garbled.
    """
    _check_raw_shape(raw, limits)
    try:
        msg = email.message_from_bytes(raw, policy=DEFAULT_POLICY)
    except Exception as error:  # RecursionError included: the stdlib parser recurses per nesting level
        raise UnreadableMessage(f"the mail parser failed ({type(error).__name__})") from None
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise UnreadableMessage("not a mail message")
    _check_tree(msg, limits)
    _check_from(msg)
    return msg


def raw_header_values(message: Message, name: str) -> list[str]:
    """Every value of header `name` as the sender wrote it (8-bit bytes read as UTF-8), topmost first.

    Address headers must be read from these, never from `str(message[name])`: under
    email.policy.default that is the stdlib's own reading, already repaired, so
    `ada@clinic.example)<eve@mail.example>` comes back as a plain `ada@clinic.example` (CVE-2023-27043).
    """
    wanted = name.lower()
    return [as_read(value) for key, value in message.raw_items() if key.lower() == wanted]


def as_read(value: str) -> str:
    """A raw header value (8-bit bytes as surrogate escapes) as introbot's readers see it: its bytes read as UTF-8."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def fields_too_long(fields: Iterable[tuple[str, str]], limits: Limits = Limits(), parsed_before: int = 0) -> str | None:
    """Why these header fields (name, raw value) are too long to be read safely, or None: one of them over its
    cap, or those read through the stdlib over max_parsed_fields_bytes with `parsed_before` bytes of earlier parts."""
    parsed = parsed_before
    for name, value in fields:
        lowered = name.lower()
        for capped, limit in ((_SINGLE_FIELDS, limits.max_field_bytes), (_THREAD_FIELDS, limits.max_thread_field_bytes),
                              (ADDRESS_HEADERS, limits.max_address_field_bytes)):
            if lowered in capped and len(value) > limit:
                return f"{capped[lowered]} header too long: {_size(len(value))} > {_size(limit)}"
        parsed += _parsed_bytes(name, value)
    if parsed > limits.max_parsed_fields_bytes:
        return f"the headers read with the stdlib too long together: more than {_size(limits.max_parsed_fields_bytes)}"
    return None


def _parsed_bytes(name: str, value: str) -> int:
    """The bytes of a field that the stdlib's parser reads (0 for one it does not)."""
    return len(value) if name.lower() in _PARSED_FIELDS else 0


def _check_raw_shape(raw: bytes, limits: Limits) -> None:
    if not raw.strip():
        raise UnreadableMessage("not a mail message")
    if len(raw) > limits.max_bytes:
        raise UnreadableMessage(f"too large: {_size(len(raw))} > {_size(limits.max_bytes)}")
    header_size = len(header_bytes(raw))
    if header_size > limits.max_header_bytes:
        raise UnreadableMessage(f"header block too large: {_size(header_size)} > {_size(limits.max_header_bytes)}")
    parts, depth = _count_parts_and_depth(raw)
    if depth > limits.max_depth:
        raise UnreadableMessage(f"nested {depth} levels deep")
    if parts > limits.max_parts:
        raise UnreadableMessage(f"too many parts: {parts} > {limits.max_parts}")
    mime_bytes = 0  # before the parse, which reads every part's Content-Type itself
    for field in _MIME_PARAMETER_FIELD.finditer(raw):
        parameters = len(_PARAMETER.findall(field.group()))
        if parameters > limits.max_parameters:
            raise UnreadableMessage(f"a MIME header with {parameters} parameters > {limits.max_parameters}")
        value = field.group("value").lstrip(b" \t").decode("ascii", "replace")  # as the parser's raw value
        too_long = fields_too_long([(field.group("name").decode("ascii"), value)], limits)
        if too_long:
            raise UnreadableMessage(too_long)
        mime_bytes += len(value)
        if mime_bytes > limits.max_parsed_fields_bytes:
            raise UnreadableMessage("the Content-Type and Content-Disposition fields too long together: more than "
                                    f"{_size(limits.max_parsed_fields_bytes)}")


def _count_parts_and_depth(raw: bytes) -> tuple[int, int]:
    """Estimate (parts, multipart nesting) from boundary lines, the way the parser will split them.

    A boundary counts once a delimiter line for it appears after its declaration (a "boundary=" quoted
    in a text body never opens anything). A delimiter of an outer boundary closes the inner ones.
    """
    declared: set[bytes] = set()
    stack: list[bytes] = []
    level_of: dict[bytes, int] = {}  # boundary -> its index in stack, kept in step with it
    parts = depth = 0

    def close_from(level: int) -> None:
        for name in stack[level:]:
            del level_of[name]
        del stack[level:]

    for match in _STRUCTURE.finditer(raw):
        delimiter = match.group("delimiter")
        if delimiter is None:
            declared.add(match.group("quoted") or match.group("token"))
            continue
        delimiter = delimiter.rstrip()
        closing = delimiter.endswith(b"--") and delimiter[:-2] in declared
        boundary = delimiter[:-2] if closing else delimiter
        if boundary in level_of:
            close_from(level_of[boundary] + (0 if closing else 1))
        elif closing or boundary not in declared:
            continue
        else:
            level_of[boundary] = len(stack)
            stack.append(boundary)
        if not closing:
            parts += 1
            depth = max(depth, len(stack))
    return parts, depth


def _check_tree(msg: EmailMessage, limits: Limits) -> None:
    parts = header_size = parsed = 0
    for part, depth in _walk(msg):
        parts += 1
        if parts > limits.max_parts:
            raise UnreadableMessage(f"too many parts: more than {limits.max_parts}")
        if depth > limits.max_depth:
            raise UnreadableMessage(f"nested {depth} levels deep")
        # raw_items() gives the unparsed (name, value) pairs, so these limits apply before any costly parse.
        raw_headers = list(part.raw_items())
        header_size += sum(len(name) + len(value) + 4 for name, value in raw_headers)
        if header_size > limits.max_header_bytes:
            raise UnreadableMessage(
                f"the parts' header blocks too large: more than {_size(limits.max_header_bytes)}")
        _check_headers(raw_headers, limits, parsed)
        parsed += sum(_parsed_bytes(name, value) for name, value in raw_headers)


def _walk(msg: Message) -> Iterator[tuple[Message, int]]:
    """Every part with its depth, without recursion (Message.walk recurses once per level)."""
    pending = [(msg, 0)]
    while pending:
        part, depth = pending.pop()
        yield part, depth
        if part.is_multipart():
            pending.extend((child, depth + 1) for child in reversed(part.get_payload()))


def _check_headers(raw_headers: list[tuple[str, str]], limits: Limits, parsed_before: int) -> None:
    """The limits on one part's header fields, then the stdlib's parse of each structured one: `parsed_before`, the
    bytes of the fields it reads in the parts before."""
    for name, value in raw_headers:
        canonical = ADDRESS_HEADERS.get(name.lower())
        if canonical:
            count = _estimate_addresses(value)
            if count > limits.max_addresses:
                raise UnreadableMessage(f"too many addresses in {canonical}: {count} > {limits.max_addresses}")
    too_long = fields_too_long(raw_headers, limits, parsed_before)
    if too_long:
        raise UnreadableMessage(too_long)
    for name, value in raw_headers:
        canonical = _STRUCTURED_HEADERS.get(name.lower())
        if canonical:
            try:
                DEFAULT_POLICY.header_fetch_parse(name, value)
            except Exception as error:  # the stdlib raises (even RecursionError) on some hostile headers
                raise UnreadableMessage(f"unreadable {canonical} header ({type(error).__name__})") from None


def _estimate_addresses(value: str) -> int:
    """An upper estimate of the addresses in a header, without the (slow, CVE-laden) address parser."""
    unquoted = _QUOTED_STRING.sub('""', value)
    return max(unquoted.count("@"), unquoted.count(",") + 1)


def _check_from(msg: EmailMessage) -> None:
    count = sum(1 for name, _ in msg.raw_items() if name.lower() == "from")
    if count > 1:
        raise UnreadableMessage("two From headers" if count == 2 else f"{count} From headers")
    if count == 0 and msg.get_content_type() not in _REPORT_TYPES:
        raise UnreadableMessage("no From header")


def _size(n: int) -> str:
    """Bytes as KB or MB, rounded up so that a size just over a limit never prints equal to it."""
    unit, scale = ("MB", _MB) if n >= _MB else ("KB", 1024)
    amount = math.ceil(n * 10 / scale) / 10
    return f"{amount:g} {unit}"
