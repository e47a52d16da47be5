"""Find the message a practitioner forwarded: attached as message/rfc822, or inline in the body text."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy

from introbot.core.memo import validated_address
from introbot.core.quotes import (
    FieldReader,
    Marker,
    MarkerFinder,
    clean_lines,
    colonless_fields_block,
    fields_block_end,
    header_field,
    is_framed_title,
    quote_depth,
    split_reply,
    unquote,
    without_bidi_marks,
)
from introbot.core.text import body_text, children, content_type, filename, header_text

# Forwards of forwards of forwards: past this depth the rest stays in the innermost body.
_MAX_NESTED = 20
_MAX_ATTACHED = 20


@dataclass(frozen=True)
class ForwardedMessage:
    sender_address: str | None   # the original sender's address, lower-cased and validated, or None
    sender_name: str | None      # the display name as written, or None
    subject: str | None
    date: str | None             # the date as written (for an "On <date>, <name> wrote:" header: that date text)
    to: tuple[str, ...]          # validated, lower-cased addresses
    cc: tuple[str, ...]
    body: str                    # everything below its header block, nested forwards included
    attached: bool               # True when it came from a message/rfc822 part


@dataclass(frozen=True)
class Forward:
    note: str                                  # what the forwarder wrote above the forward, signature removed
    messages: tuple[ForwardedMessage, ...]     # outermost first; the forwards nested inside it follow

    @property
    def original(self) -> ForwardedMessage:
        """The message the forwarder forwarded: the OUTERMOST one, messages[0].

        When someone forwards a forward, messages[1:] are the older messages nested in its body; the
        person asking for an introduction forwarded messages[0], so that is whose request it is.
        """
        return self.messages[0]


# ---------------------------------------------------------------------------------------------------
# Subjects

# Blanks before and after an optional "[" (or "[2]") are one run of blanks where there is none: written as
# "[ \t]*\[?[ \t]*", the two runs shared every split of a long run of blanks between them (a subject of 20,000
# spaces took two minutes to read).
_FORWARD_PREFIX = re.compile(
    r"^[ \t]*(?:\[[ \t]*)?(?:fwd?|fw|tr|wg|rv|enc|vs|vb|vl|pd|i|videresend|doorst|redir\.?|ilt|İlt|İLT|trs|転送|转发|轉寄)"
    r"[ \t]*(?:\[\d+\][ \t]*)?[:：]",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(
    r"^[ \t]*(?:\[[ \t]*)?(?:re|aw|sv|antw|antwort|odp|odg|ynt|ha|ris|res|rép|réf|vá|απ|отв|ответ|回复|答复|回覆|返信)"
    r"[ \t]*(?:\[\d+\][ \t]*)?[:：]",
    re.IGNORECASE,
)


def subject_kind(subject: str | None) -> str | None:
    """"forward" (Fwd:, FW:, TR:, WG:, RV:...), "reply" (Re:, AW:, SV:...), "plain", or None when unknown."""
    if subject is None:
        return None
    if _FORWARD_PREFIX.match(subject):
        return "forward"
    if _REPLY_PREFIX.match(subject):
        return "reply"
    return "plain"


def strip_subject_prefixes(subject: str) -> str:
    """The subject without its leading Re:/Fwd:/TR:... prefixes (and Netscape's "[Fwd: ...]" brackets)."""
    previous = None
    while previous != subject:
        previous = subject
        for prefix in (_FORWARD_PREFIX, _REPLY_PREFIX):
            match = prefix.match(subject)
            if match:
                bracketed = match.group().lstrip().startswith("[")
                subject = subject[match.end():].strip()
                if bracketed and subject.endswith("]"):
                    subject = subject[:-1].strip()
    return subject.strip()


# ---------------------------------------------------------------------------------------------------
# Addresses, without email.utils (CVE-2023-27043): find the address token, then validate it strictly.

# Bounded on both sides of the "@" (RFC 5321 lengths) so that a long run without one costs linear time.
# An apostrophe is legal inside a local part (pat.o'brien@...), but at its edges it is Outlook's quoting
# ('sam@client.example' <sam@client.example>), so it never starts or ends one.
_ADDRESS_TOKEN = re.compile(
    r"[^\s<>\[\]()\"',;:](?:[^\s<>\[\]()\",;:]{0,62}[^\s<>\[\]()\"',;:])?@[^\s<>\[\]()\"',;:]{1,253}")
# A mailbox, or a whole To/Cc list, longer than these is junk; what lies beyond is not read.
_MAX_MAILBOX = 1000
_MAX_MAILBOX_LIST = 20_000
_ON_BEHALF = re.compile(r"\s(?:on behalf of|im auftrag von|de la part de|en nombre de|per conto di|namens)\s",
                        re.IGNORECASE)
_NAME_QUOTES = " \t\"'«»„“”‘’,;:*"


def valid_address(candidate: str) -> str | None:
    """`candidate` lower-cased when it is a syntactically valid address (no DNS lookup), else None."""
    candidate = candidate.strip().rstrip(".")
    if not candidate or len(candidate) > 254:
        return None
    validated = validated_address(candidate)
    return validated.normalized.lower() if validated is not None else None


def parse_mailbox(text: str) -> tuple[str | None, str | None]:
    """(display name, validated address) from one mailbox as clients write it in forwarded headers:
    `Name <a@b>`, `"Name" [mailto:a@b]`, `a@b (Name)`, `Name<mailto:a@b> <a@b<mailto:a@b>>`, `Name`."""
    text = without_bidi_marks(text[:_MAX_MAILBOX]).strip()
    behalf = _ON_BEHALF.search(text)
    if behalf:
        text = text[:behalf.start()]
    tokens = list(_ADDRESS_TOKEN.finditer(text))
    if not tokens:
        return _clean_name(text), None
    enclosed = [token for token in tokens if _enclosed(text, token.start())]
    chosen = (enclosed or tokens)[0]
    address = valid_address(chosen.group())
    if len({(valid_address(token.group()) or token.group()).lower() for token in tokens}) > 1:
        # "Sam <eve@x.example> <sam@y.example>": two people in one mailbox; never guess which is meant.
        return _clean_name(text[:tokens[0].start()]), None
    quoted = _QUOTED_NAME.match(text)
    if quoted:
        name = quoted["name"]
    elif enclosed:
        name = text[:min(index for index in (text.find(char) for char in "<[(") if index >= 0)]
    else:
        name = text[:chosen.start()]
        comment = _COMMENT.search(text, chosen.end())
        if not name.strip(_NAME_QUOTES) and comment:
            name = comment["name"]
    name = _clean_name(name)
    if name and address and "@" in name and valid_address(name) == address:
        name = None
    return name, address


_QUOTED_NAME = re.compile(r"[ \t]*[\"'“«„](?P<name>[^\"“”«»„]{1,200}?)[\"'”»“][ \t]*[<\[(]")
_COMMENT = re.compile(r"\((?P<name>[^()]{1,100})\)")


def _clean_name(text: str) -> str | None:
    return " ".join(text.split()).strip(_NAME_QUOTES) or None


def _enclosed(text: str, start: int) -> bool:
    # A wrapped header line leaves a space inside the brackets: "Name [mailto:" / "sam@...]" rejoined.
    before = text[:start].rstrip()
    if before.lower().endswith("mailto:"):
        before = before[:-7].rstrip()
    return before.endswith(("<", "[", "("))


def parse_mailbox_list(text: str) -> tuple[str, ...]:
    """The validated addresses of a To/Cc value, split on commas and semicolons outside quotes and brackets."""
    addresses = []
    for piece in _split_mailboxes(text[:_MAX_MAILBOX_LIST]):
        address = parse_mailbox(piece)[1]
        if address and address not in addresses:
            addresses.append(address)
    return tuple(addresses)


def _split_mailboxes(text: str) -> list[str]:
    pieces, current, depth, quote = [], [], 0, ""
    for index, char in enumerate(text):
        if quote:
            if char == quote and (quote == '"' or index + 1 == len(text) or text[index + 1] in " \t<[,;"):
                quote = ""
        elif char in "\"'" and (char == '"' or not current or current[-1] in " \t"):
            quote = char
        elif char in "<[(":
            depth += 1
        elif char in ">])":
            depth = max(0, depth - 1)
        elif char in ",;" and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]


# ---------------------------------------------------------------------------------------------------
# Inline forwards

def parse_inline_forward(body: str, subject: str | None = None) -> Forward | None:
    """The forward written inline in `body` (a text body), or None when it holds none.

    The subject is a hint: a forward subject (Fwd:, TR:, WG:...) also admits an "On <date>, <name>
    wrote:" header as the forward's start, as Outlook for Mac writes it; a reply subject (Re:, AW:...)
    admits only an explicit, unquoted forward separator; a plain or unknown subject admits separators
    and Outlook header blocks ("From: ... Sent: ... To: ...").
    """
    return _parse_inline(clean_lines(body), subject)


def _parse_inline(lines: list[str], subject: str | None) -> Forward | None:
    depths = [quote_depth(line) for line in lines]
    plain = [unquote(line, level) for line, level in zip(lines, depths)]
    finder = MarkerFinder(plain, depths=depths)
    messages: list[ForwardedMessage] = []
    note = ""
    index, hint = 0, subject
    # One pass: each forwarded message's header block is followed by its body, where the next (older)
    # forward may start; its own Subject is the hint for that one.
    while index < len(plain) and len(messages) < _MAX_NESTED:
        found = _next_forward(lines, plain, depths, finder, index, hint)
        if found is None:
            break
        marker, message, body_start = found
        if not messages:
            # A header block right under a framed title: the title is a separator in a language not known here.
            note_end = marker.start - 1 if marker.kind == "fields" and marker.start and is_framed_title(
                plain[marker.start - 1]) else marker.start
            note = split_reply("\n".join(lines[:note_end])).new_text
        messages.append(message)
        index, hint = body_start, message.subject
    return Forward(note, tuple(messages)) if messages else None


def _next_forward(lines: list[str], plain: list[str], depths: list[int], finder: MarkerFinder, start: int,
                  subject: str | None) -> tuple[Marker, ForwardedMessage, int] | None:
    kind = subject_kind(subject)
    for index in range(start, len(plain)):
        marker = finder.marker_at(index)
        if marker is None or not _admitted(marker, kind, depths[index]):
            continue
        found = _forwarded_at(lines, plain, depths, marker, finder, subject)
        if found is not None:
            return (marker,) + found
    return None


def _admitted(marker: Marker, kind: str | None, depth: int) -> bool:
    if kind == "reply":
        return marker.kind == "forward" and depth == 0
    if marker.kind == "attribution":
        return kind == "forward"
    return True


def _forwarded_at(lines: list[str], plain: list[str], depths: list[int], marker: Marker, finder: MarkerFinder,
                  outer_subject: str | None) -> tuple[ForwardedMessage, int] | None:
    """The forwarded message announced by `marker`, and the line where its body starts."""
    fallback_subject = strip_subject_prefixes(outer_subject) if outer_subject else None
    if marker.kind == "attribution":
        attribution = " ".join(line.strip() for line in plain[marker.start:marker.end])
        name, address, date = _attribution_parts(attribution)
        body = _body(lines, depths, marker.end, depths[marker.start])
        return ForwardedMessage(address, name, fallback_subject or None, date, (), (), body, False), marker.end
    fields_start = marker.start
    if marker.kind != "fields":
        following = finder.next_nonblank[marker.end] if marker.end < len(plain) else None
        if following is None or following - marker.end > 3:
            return None
        attribution_end = finder.attribution_below_separator(following)
        if attribution_end is not None:
            attribution = Marker("attribution", following, attribution_end)
            return _forwarded_at(lines, plain, depths, attribution, finder, outer_subject)
        fields_start = following
    fields_end = fields_block_end(plain, fields_start, any_first_kind=True)
    read_field: FieldReader = header_field
    if fields_end is None and marker.kind in ("forward", "original"):
        fields_end, read_field = colonless_fields_block(plain, fields_start) or (None, header_field)
    if fields_end is None:
        return None
    values = _field_values(plain[fields_start:fields_end], read_field)
    name, address = parse_mailbox(values.get("from", ""))
    message = ForwardedMessage(
        sender_address=address,
        sender_name=name,
        subject=values.get("subject") or fallback_subject or None,
        date=values.get("date") or None,
        to=parse_mailbox_list(values.get("to", "")),
        cc=parse_mailbox_list(values.get("cc", "")),
        body=_body(lines, depths, fields_end, depths[fields_start]),
        attached=False,
    )
    return message, fields_end


def _field_values(block: list[str], read_field: FieldReader) -> dict[str, str]:
    """The first value of each field kind, with wrapped lines rejoined."""
    values: dict[str, str] = {}
    current = None
    for line in block:
        field = read_field(line)
        if field:
            current = field.kind if field.kind not in values else None
            if current:
                values[current] = field.value
        elif current:
            values[current] = (values[current] + " " + line.strip()).strip()
    return values


def _body(lines: list[str], depths: list[int], start: int, header_depth: int) -> str:
    """The forwarded text below its header: the header's quoting removed, a quote or indent shared by
    every line removed too (Missive quotes the body only, Outlook for Mac indents it)."""
    body = [unquote(line, header_depth) for line in lines[start:]]
    levels = [quote_depth(line) for line in body if line.strip()]
    if levels and min(levels) > 0:
        body = [unquote(line, 1) for line in body]
    return textwrap.dedent("\n".join(body)).strip()


_NAME_BEFORE_ADDRESS = re.compile(r"[\"«„“](?P<quoted>[^\"«»„“”]{1,100})[\"»”“]\s*[<(\[]*$")
_NAME_CUT = re.compile(r",|\s(?:időpontban|používateľ|пользователь|користувач|schrieb|skrev|heeft|wrote)\s")
# NetEase webmail writes "在 2025-03-03 09:31:21，"Name" <addr> 写道：" (a full-width comma after the date).
_STARTER_WORD = re.compile(r"^\W*(?:On|Le|Am|El|Il giorno|Il|Em|Op|Den|Dne|Dnia|D\.|W dniu|В|Vào|At|在)\s", re.I)


# Words that end a time ("9:31 AM") and words that join a date to its sender: Tuta's "09:31 by addr:",
# Mail.ru's "9:31 +03:00 от Name <addr>:".
_TIME_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "gmt", "utc"})
_DATE_SENDER_LINKS = frozenset({"by", "von", "от", "from"})


def _split_leading_date(piece: str) -> tuple[str, str]:
    """(date words, name) of a piece of an attribution that starts with a date no comma ends (Zoho's
    "On Mon, 03 Mar 2025 09:31:21 +0530 Name <addr> wrote", Gmail's "2025 at 9:31 AM Name <addr> wrote");
    ("", piece) when it starts with no number."""
    words = piece.split()
    if not words or not any(char.isdigit() for char in words[0]):
        return "", piece
    end = 1 + max(index for index, word in enumerate(words) if any(char.isdigit() for char in word))
    while end < len(words) and words[end].lower() in _TIME_WORDS:
        end += 1
    name_start = end
    while name_start < len(words) and words[name_start].lower() in _DATE_SENDER_LINKS:
        name_start += 1
    return " ".join(words[:end]), " ".join(words[name_start:])


def _attribution_parts(text: str) -> tuple[str | None, str | None, str | None]:
    """(name, address, date) out of an "On <date>, <name> <address> wrote:" line in any supported language."""
    tokens = list(_ADDRESS_TOKEN.finditer(text))
    address = valid_address(tokens[0].group()) if tokens else None
    cut = tokens[0].start() if tokens else len(text)
    before = text[:cut].rstrip(" <([").rstrip()
    if before.lower().endswith("mailto:"):
        before = before[:-7].rstrip(" <([")
    quoted = _NAME_BEFORE_ADDRESS.search(text[:cut])
    if quoted:
        name = quoted["quoted"]
        date_text = text[:quoted.start()]
    else:
        pieces = _NAME_CUT.split(before)
        piece = pieces[-1] if len(pieces) > 1 else before
        date_part, name = _split_leading_date(piece)
        date_text = before[:len(before) - len(piece)] + " " + date_part
    name = " ".join(name.split()).strip(" \"'«»„“”,:") or None
    if name and address and name.lower() == address:
        name = None
    date = _STARTER_WORD.sub("", date_text).strip(" ,:-，") or None
    if date is None:
        digits = [index for index, char in enumerate(text) if char.isdigit()]
        date = text[digits[0]:digits[-1] + 1] if digits else None
    return name, address, date


# ---------------------------------------------------------------------------------------------------
# Whole messages

_ATTACHED_TYPES = ("message/rfc822", "message/news", "message/global")


def find_forward(msg: EmailMessage) -> Forward | None:
    """The forward in `msg`: its attached messages (message/rfc822, message/news, .eml files), several
    allowed, else an inline forward in its body text, with its Subject as a hint. None when it is no forward.
    A bounce's returned message (inside multipart/report) and a digest's messages are not forwards."""
    return _find_forward(msg, 0)


def _find_forward(msg: Message, depth: int) -> Forward | None:
    attached = _attached_messages(msg, 0)
    if not attached:
        return parse_inline_forward(body_text(msg), header_text(msg, "Subject"))
    messages: list[ForwardedMessage] = []
    for inner in attached[:_MAX_ATTACHED]:
        messages.append(_from_attached(inner))
        nested = _find_forward(inner, depth + 1) if depth < _MAX_NESTED else None
        if nested:
            messages.extend(nested.messages)
    return Forward(split_reply(body_text(msg)).new_text, tuple(messages[:_MAX_NESTED]))


def _attached_messages(part: Message, depth: int) -> list[Message]:
    if depth > 10 or content_type(part) in ("multipart/report", "multipart/digest"):
        return []
    found: list[Message] = []
    for child in children(part):
        mime_type = content_type(child)
        if mime_type in _ATTACHED_TYPES:
            inner = children(child)
            if inner:
                found.append(inner[0])
        elif mime_type in _EML_FILE_TYPES and filename(child).lower().endswith(".eml"):
            raw = child.get_payload(decode=True)
            if isinstance(raw, bytes):
                found.append(BytesParser(policy=default_policy).parsebytes(raw))
        elif mime_type.startswith("multipart/"):
            found.extend(_attached_messages(child, depth + 1))
    return found


_EML_FILE_TYPES = ("application/octet-stream", "application/eml", "text/plain")


def _from_attached(inner: Message) -> ForwardedMessage:
    # Raw header text through our own strict parsing: the stdlib address parser is not trusted here.
    name, address = parse_mailbox(header_text(inner, "From") or "")
    return ForwardedMessage(
        sender_address=address,
        sender_name=name,
        subject=header_text(inner, "Subject"),
        date=header_text(inner, "Date"),
        to=parse_mailbox_list(header_text(inner, "To") or ""),
        cc=parse_mailbox_list(header_text(inner, "Cc") or ""),
        body=body_text(inner).strip(),
        attached=True,
    )

