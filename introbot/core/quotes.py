"""Where quoted or embedded mail starts in a text body, and the new text, quote and signature of a reply.

Everything here works line by line with short, anchored regular expressions applied only to short
lines, so a long or hostile body costs linear time. The vocabulary of header labels, separators and
"On ... wrote:" verbs covers the clients and locales of the forward and reply corpora (Gmail, Apple
Mail, Outlook 2013-365, Thunderbird, Yahoo, HubSpot, MailMate, Missive, IONOS... in about twenty
languages), whose forward vocabulary follows crisp-oss/email-forward-parser (MIT), plus the labels and
separators of Korean, Greek, Hebrew, Arabic, Thai, Vietnamese, Indonesian, Catalan, Lithuanian and
Bulgarian Outlook, Apple Mail, Gmail and Thunderbird, and of Mail.ru, Yandex, Tuta, Zoho, eM Client, QQ Mail,
Foxmail, NetEase webmail and NetEase Mail Master.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from introbot.core.notices import notice_lines
from introbot.core.text import normalize_newlines

# Lines longer than this are prose or junk, never a header, separator or signature line.
_MAX_MARKER_LINE = 300

# Bidi controls that right-to-left clients put around names, addresses and labels (Gmail's Hebrew From:
# "\u202aName\u202c\u200f <\u202aaddress\u202c\u200f>"); they change how a line looks, not what it says.
_BIDI_MARKS = dict.fromkeys([*range(0x200E, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_marks(text: str) -> str:
    """`text` without the invisible bidi controls (LRM, RLM, embeddings, isolates)."""
    return text if text.isascii() else text.translate(_BIDI_MARKS)


# ---------------------------------------------------------------------------------------------------
# Header labels of an embedded message ("From:", "Von:", "De :", "*Sent:*", "件名：" ...)

_LABELS = {
    "from": (
        "from", "von", "de", "de la", "da", "van", "fra", "från", "frá", "od", "от", "від", "від кого",
        "отправитель", "feladó", "kimden", "gönderen", "lähettäjä", "saatja", "šalje", "expeditorul",
        "mittente", "nadawca", "afzender", "avsändare", "nuo", "送信元", "差出人", "发件人", "寄件者",
        "от кого",                  # Mail.ru
        "보낸 사람", "보낸사람", "발신",  # Korean: Outlook, Apple Mail, Thunderbird; Gmail, Daum; Samsung Email
        "από", "מאת", "من", "từ", "จาก", "dari",  # Greek, Hebrew, Arabic, Vietnamese, Thai, Indonesian
    ),
    "date": (
        "date", "datum", "dato", "data", "dátum", "dată", "fecha", "päivämäärä", "päiväys", "дата", "tarih",
        "sent", "gesendet", "envoyé", "enviado", "inviato", "verzonden", "sendt", "skickat", "lähetetty",
        "elküldve", "wysłano", "trimis", "отправлено", "odoslané", "odesláno", "gönderilen", "відправлено",
        "poslano", "enviado el", "enviado em", "enviada em", "gönderildi", "надіслано", "日付", "日期", "发送时间",
        "送信日時", "发送日期", "发件时间",          # NetEase webmail (163.com, 126.com); Mail Master
        "보낸 날짜", "날짜",                        # Korean: Outlook "Sent"; Apple Mail, Thunderbird "Date"
        "στάλθηκε", "αποστολή", "ημερομηνία",       # Greek: Outlook "Sent" (desktop, web); "Date"
        "נשלח", "תאריך",                            # Hebrew
        "تاريخ الإرسال", "تم الإرسال", "التاريخ",    # Arabic
        "đã gửi", "ngày gửi", "ngày",               # Vietnamese
        "ส่ง", "วันที่ส่ง", "วันที่",                     # Thai
        "dikirim", "terkirim", "tanggal",           # Indonesian: Outlook, Yahoo "Sent"; "Date"
        "enviat", "enviat el",                      # Catalan
        "išsiųsta", "изпратено",                    # Lithuanian, Bulgarian
    ),
    "to": (
        "to", "an", "à", "a", "para", "aan", "til", "till", "komu", "кому", "címzett", "kime", "vastaanottaja",
        "prima", "do", "destinatarul", "către", "pre", "pour", "adresat", "送信先", "宛先", "收件人", "收件者",
        "받는 사람", "받는사람", "수신", "προς", "אל", "إلى", "الى", "đến", "ถึง", "kepada", "per a", "kam", "до",
    ),
    "cc": (
        "cc", "kopie", "kopie (cc)", "kopio", "másolat", "másolatot kap", "kopi", "dw", "копия", "копія",
        "kopia", "bilgi", "kópia", "copie à", "copia", "bcc", "cco", "抄送", "副本",
        "참조", "κοιν.", "κοιν", "עותק", "نسخة", "نسخة إلى", "สำเนา", "สำเนาถึง", "tembusan", "a/c", "kopija",
        "копие", "抄送人", "抄送至",
    ),
    "subject": (
        "subject", "betreff", "objet", "sujet", "asunto", "oggetto", "onderwerp", "emne", "ämne", "předmět",
        "predmet", "tárgy", "temat", "assunto", "subiect", "subiectul", "тема", "konu", "naslov", "aihe",
        "efni", "件名", "主题", "主旨",
        "제목", "θέμα", "נושא", "الموضوع", "chủ đề", "เรื่อง", "subjek", "assumpte", "tema", "относно",
    ),
    "reply-to": (
        "reply-to", "risposta", "antwort an", "répondre à", "responder a", "rispondi a", "antwoord aan",
        "svar til", "svara till", "odpověď na", "odgovori na", "vastaus", "válaszcím", "odpowiedź-do",
        "răspuns către", "ответ-кому", "odpovedať-pre", "yanıt adresi", "кому відповісти",
    ),
}
_KIND_OF_LABEL = {label: kind for kind, labels in _LABELS.items() for label in labels}
_HEADER_FIELD = re.compile(
    r"^[ \t]*\*?[ \t]*(?P<label>"
    + "|".join(re.escape(label) for label in sorted(_KIND_OF_LABEL, key=len, reverse=True))
    + r")[ \t]*\*?[ \t]*[:：][ \t]*\*?[ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HeaderField:
    kind: str     # "from", "date", "to", "cc", "subject" or "reply-to"
    value: str


def header_field(line: str) -> HeaderField | None:
    """The header field an embedded-message line spells, in any supported language, or None."""
    if len(line) > _MAX_MARKER_LINE * 4:
        return None
    if not line.isascii():
        line = unicodedata.normalize("NFC", without_bidi_marks(line))
    head = line[:60]
    if ":" not in head and "：" not in head:
        return None
    match = _HEADER_FIELD.match(line)
    if not match:
        return None
    return HeaderField(_label_kind(match["label"]), match["value"].strip())


def _label_kind(label: str) -> str:
    kind = _KIND_OF_LABEL.get(label.lower())
    if kind is None:
        # The regex matched case-insensitively a spelling that lower() does not map back ("ſubject",
        # "KİMDEN"): find the label it matched.
        kind = next(kind for known, kind in _KIND_OF_LABEL.items() if re.fullmatch(re.escape(known), label, re.I))
    return kind


# A wrapped field value continues on the next line when it visibly stops half way.
_OPEN_ENDINGS = ("<", "[", "(", ",", ";", "mailto:", "[mailto:")


def fields_block_end(lines: list[str], start: int, any_first_kind: bool = False) -> int | None:
    """End (exclusive) of a block of embedded-message header fields starting at `start`, or None.

    A block has at least two kinds of fields on consecutive lines (wrapped values allowed). Without a
    separator line above it, it must start with a From or Date/Sent field, or hold a From among three kinds
    (Thunderbird's Subject/Date/From/To under a separator in a language not known here).
    """
    first = header_field(lines[start])
    if first is None:
        return None
    end, kinds = _fields_block(lines, start, first)
    if len(kinds) < 2:
        return None
    if any_first_kind or first.kind in ("from", "date") or ("from" in kinds and len(kinds) >= 3):
        return end
    return None


def _fields_block(lines: list[str], start: int, first: HeaderField) -> tuple[int, set[str]]:
    """End (exclusive) and field kinds of the consecutive field lines from `start`, whose field is `first`."""
    kinds = {first.kind}
    last_field, previous_value = start, first.value
    index = start + 1
    while index < len(lines) and index - start < 16:
        line = lines[index]
        if not line.strip():
            break
        field = header_field(line)
        if field:
            kinds.add(field.kind)
            last_field, previous_value = index, field.value
        elif not (previous_value.endswith(_OPEN_ENDINGS)
                  or (index + 1 < len(lines) and header_field(lines[index + 1]) is not None)):
            break
        else:
            previous_value = line.strip()
        index += 1
    return last_field + 1, kinds


# eM Client 9 writes its fields without colons ('From "Name" <addr>', "Date 3/3/2025 9:31:21 AM"), in English
# whatever the language; NetEase Mail Master's header table, as its HTML reads as text, too ("发件人 Name<addr>").
# Only believed right under a separator, as a block with a From.
_BARE_FIELD = re.compile(r"^[ \t]*(?P<label>from|to|cc|date|sent|subject|发件人|日期|收件人|抄送人|抄送至|抄送|主题)"
                         r"[ \t]+(?P<value>\S.*)$", re.IGNORECASE)
# NetEase Mail Master (163.com, 126.com) writes its header as a table in its plain text too, a row a field:
# "| 发件人 | Name<addr> |", "| Date | 03/03/2025 09:31 |", "| 抄送至 | |".
_TABLE_FIELD = re.compile(r"^[ \t]*\|[ \t]*(?P<label>[^|]{1,30}?)[ \t]*\|[ \t]*(?P<value>.*?)[ \t]*\|[ \t]*$")


def bare_header_field(line: str) -> HeaderField | None:
    """The field of a colon-less header line ('From "Name" <addr>'), or None."""
    match = _BARE_FIELD.match(line) if len(line) <= _MAX_MARKER_LINE else None
    return HeaderField(_KIND_OF_LABEL[match["label"].lower()], match["value"].strip()) if match else None


def table_header_field(line: str) -> HeaderField | None:
    """The field of a header table row ("| From | Name<addr> |") in any supported language, or None."""
    match = _TABLE_FIELD.match(line) if len(line) <= _MAX_MARKER_LINE else None
    kind = _KIND_OF_LABEL.get(_folded(match["label"])) if match else None
    return HeaderField(kind, match["value"]) if kind else None


FieldReader = Callable[[str], HeaderField | None]


def colonless_fields_block(lines: list[str], start: int) -> tuple[int, FieldReader] | None:
    """End (exclusive) of a block of colon-less fields at `start` (bare lines or table rows, consecutive,
    From among at least three kinds), and the reader of its lines; or None."""
    for read_field in (bare_header_field, table_header_field):
        index, kinds = start, set()
        while index < len(lines) and index - start < 8:
            field = read_field(lines[index])
            if field is None:
                break
            kinds.add(field.kind)
            index += 1
        if "from" in kinds and len(kinds) >= 3:
            return index, read_field
    return None


# ---------------------------------------------------------------------------------------------------
# Separator lines

_FORWARD_TITLES = frozenset({
    "forwarded message", "forwarded message follows", "weitergeleitete nachricht", "message transféré",
    "message transmis", "mensaje reenviado", "messaggio inoltrato", "doorgestuurd bericht",
    "videresendt meddelelse", "videresendt melding", "vidarebefordrat meddelande", "edelleenlähetetty viesti",
    "välitetty viesti / fwd.msg", "přeposlaná zpráva", "preposlaná správa", "preposlaná správa --- forwarded message",
    "proslijeđena poruka", "przekazana wiadomość", "treść przekazanej wiadomości", "wiadomość przesłana dalej",
    "пересылаемое сообщение", "перенаправленное сообщение", "переслане повідомлення",
    "перенаправлене повідомлення", "mensagem reencaminhada", "mensagem encaminhada", "mesaj redirecționat",
    "továbbított üzenet", "iletilen ileti", "iletilmiş mesaj", "メッセージを転送", "转发的邮件", "轉寄的郵件",
    # Thunderbird's localised "Forwarded Message", Yahoo's and Samsung Email's where they differ
    "転送メッセージ", "転送されたメッセージ", "转发的消息", "转发邮件", "轉寄郵件", "轉寄的訊息", "välitetty viesti",
    "missatge reenviat", "persiųstas laiškas", "препратено съобщение", "전달된 메시지", "전달 메시지",
    "προωθημένο μήνυμα", "הודעה שהועברה", "הודעה מועברת", "رسالة معاد توجيهها", "الرسالة المعاد توجيهها",
    "thư đã chuyển tiếp", "thư được chuyển tiếp", "ข้อความที่ส่งต่อ", "pesan terusan", "pesan yang diteruskan",
    "转发邮件信息", "forwarding messages",   # NetEase webmail (163.com, 126.com)
})
_ORIGINAL_TITLES = frozenset({
    "original message", "reply message", "ursprüngliche nachricht", "originalnachricht", "antwort nachricht",
    "oprindelig meddelelse", "opprinnelig melding", "ursprungligt meddelande", "originalmeddelande",
    "mensaje original", "message d'origine", "message original", "messaggio originale", "oorspronkelijk bericht",
    "origineel bericht", "alkuperäinen viesti", "původní zpráva", "pôvodná správa", "izvorna poruka",
    "wiadomość oryginalna", "oryginalna wiadomość", "исходное сообщение", "оригинальное сообщение",
    "вихідне повідомлення", "mensagem original", "eredeti üzenet", "orijinal ileti", "özgün ileti",
    "mesaj original", "原始邮件", "原始郵件", "元のメッセージ",
    # Outlook's localised "-----Original Message-----" (Samsung Email and Daum write the Korean one too)
    "원본 메시지", "원본 메일", "αρχικό μήνυμα", "הודעה מקורית", "الرسالة الأصلية", "ข้อความต้นฉบับ", "thư gốc",
    "pesan asli", "missatge original", "originalus pranešimas", "originalus laiškas", "оригинално съобщение",
    "original", "replied message", "回复的原邮件",  # QQ Mail and Foxmail in English; NetEase Mail Master's reply
})
# Apple Mail, MailMate and friends put a phrase ending with ":" above the forwarded header block.
_FORWARD_INTROS = frozenset({
    "begin forwarded message", "forwarded message", "začátek přeposílané zprávy", "start på videresendt besked",
    "anfang der weitergeleiteten nachricht", "inicio del mensaje reenviado", "välitetty viesti alkaa",
    "début du message réexpédié", "début du message transféré", "započni proslijeđenu poruku",
    "továbbított levél kezdete", "inizio messaggio inoltrato", "begin doorgestuurd bericht",
    "videresendt melding", "początek przekazywanej wiadomości", "início da mensagem reencaminhada",
    "início da mensagem encaminhada", "începe mesajul redirecționat", "начало переадресованного сообщения",
    "začiatok preposlanej správy", "vidarebefordrat mejl", "ileti başlangıcı",
    "початок листа, що пересилається", "以下为转发邮件", "転送されたメッセージ",
    "以下為轉寄的郵件", "전달된 메시지", "전달된 메일", "έναρξη προωθημένου μηνύματος", "תחילת הודעה שהועברה",
    "بداية الرسالة المعاد توجيهها", "เริ่มต้นข้อความที่ส่งต่อ", "bắt đầu thư được chuyển tiếp",
    "awal pesan yang diteruskan", "inici del missatge reenviat", "pradžia persiųsto laiško",
    "persiųsto laiško pradžia", "начало на препратеното съобщение",
})
# Dashes of every width: Proton Mail frames "Original Message" with U+2010 hyphens.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_FRAMED = re.compile(
    rf"^[ \t*]*[{_DASHES}_=~]{{2,}}[ \t]*(?P<title>[^{_DASHES}_=~ \t].{{0,80}}?)[ \t]*[{_DASHES}_=~]{{2,}}[ \t*]*$")
_RULE_LINE = re.compile(r"^[ \t]*(?:_{10,}|-{10,}|={10,}|—{10,})[ \t]*$")


# The Arabic short-vowel signs and tatweel that some clients write in "المُعاد توجيهها" and others omit.
_ARABIC_MARKS = dict.fromkeys([0x0640, *range(0x064B, 0x0653), 0x0670])


def _folded(text: str) -> str:
    """Lower case for comparing phrases: NFC, Arabic vowel signs dropped, Turkish dotted capital I folded to
    a plain i."""
    text = unicodedata.normalize("NFC", text).translate(_ARABIC_MARKS)
    return " ".join(text.replace("İ", "I").split()).lower()


def is_framed_title(line: str) -> bool:
    """True for a title framed by dashes ("-------- Anything --------"), known or not."""
    return _FRAMED.match(without_bidi_marks(line).strip()) is not None


def separator_kind(line: str) -> str | None:
    """"forward" for a forwarded-message separator, "original" for an original-message one, else None."""
    stripped = without_bidi_marks(line).strip()
    if not stripped or len(stripped) > 120:
        return None
    if stripped.endswith((":", "：")):
        if _folded(stripped.rstrip(":：")).strip("*") in _FORWARD_INTROS:
            return "forward"
    match = _FRAMED.match(stripped)
    if not match:
        return None
    title = _folded(match["title"]).strip("*: ")
    if title in _FORWARD_TITLES or "forwarded" in title:
        return "forward"
    if title in _ORIGINAL_TITLES or "original message" in title:
        return "original"
    return None


# ---------------------------------------------------------------------------------------------------
# "On <date>, <name> <address> wrote:" in its many languages

_VERBS = (
    "wrote", "writes", "schrieb", "geschrieben", "a écrit", "a ecrit", "escribió", "escribio", "escreveu",
    "ha scritto", "scrisse", "schreef", "geschreven", "skrev", "kirjoitti", "kirjutas", "napisał", "napisała",
    "napisal", "napisala", "napisana", "pisze", "napisao", "napsal(a)", "napsal", "napsala", "napísal",
    "napísala", "написал", "написала", "написав", "пише", "ezt írta", "írta", "yazdı", "đã viết", "a scris",
    "έγραψε", "rašė", "rakstīja", "写道", "寫道", "escrigué",
)
WRITING_VERB = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(verb) for verb in sorted(_VERBS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
# Only after an "On <date>" opening is "sent:" an attribution rather than ordinary prose.
_VERB_OR_SENT = re.compile(WRITING_VERB.pattern + r"|(?<!\w)sent(?!\w)", re.IGNORECASE)
_STARTER = re.compile(
    r"^[ \t*_\-–—]*(?:On|Le|Am|El|Il giorno|Il|Em|Op|Den|Dne|Dňa|Dnia|W dniu|В|Vào|At|Kl\.|På|Pada|Dana|D\.)"
    r"(?=[ \t])"
)
_VERBS_LOWER = tuple(verb.lower() for verb in _VERBS)
# Gmail's older and localized header lines: "2014-10-17 11:28 GMT+03:00 Name <addr>:", "2011/4/7 Name <addr>".
_DATE_LED = re.compile(r"^[ \t]*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?=[ \t,])")
_YEAR_OR_TIME = re.compile(r"\b(?:\d{4}|\d{1,2}[:.]\d{2})\b")
_ADDRESS_HINT = "@"


def _last_verb(window: str, opened: bool) -> tuple[int, int] | None:
    """Where the last "wrote"-like verb of `window` starts and ends (found with str.rfind: this runs on
    every candidate line, and a scan with the whole alternation is several times slower)."""
    lowered = window.lower()
    if len(lowered) != len(window):  # a few characters change length when lower-cased
        matches = list((_VERB_OR_SENT if opened else WRITING_VERB).finditer(window))
        return (matches[-1].start(), matches[-1].end()) if matches else None
    best: tuple[int, int] | None = None
    for verb in _VERBS_LOWER + (("sent",) if opened else ()):
        position = lowered.rfind(verb)
        while position >= 0:
            end = position + len(verb)
            if (position == 0 or not (lowered[position - 1].isalnum() or lowered[position - 1] == "_")) and (
                    end == len(lowered) or not (lowered[end].isalnum() or lowered[end] == "_")):
                if best is None or position > best[0] or (position == best[0] and end > best[1]):
                    best = (position, end)
                break
            position = lowered.rfind(verb, 0, position)
    return best


def _attribution_text_ok(window: str, opened: bool) -> bool:
    """True when a joined window of 1-6 lines reads as an attribution line."""
    if len(window) > 400:
        return False
    verb = _last_verb(window, opened)
    if verb is None:
        return False
    stripped = window.strip()
    framed = stripped.startswith(("--", "––", "——")) and stripped.endswith("--")
    if not framed and _ADDRESS_HINT not in window and not any(char.isdigit() for char in window):
        return False
    tail = window[verb[1]:].strip().rstrip("-–—* ").strip()
    if not tail:
        return True
    return tail.endswith((":", "：")) and len(tail) <= 80 and verb[0] <= 300


def _continues(line: str) -> bool:
    """A line that an attribution visibly continues below ("... Name <", "... schrieb am Fr., 28.")."""
    stripped = line.rstrip()
    return stripped.endswith(("<", "(", "«", "=")) or WRITING_VERB.search(stripped) is not None


def _fragment_like(line: str) -> bool:
    """A short piece of a wrapped attribution: an address, a bracket, a verb or a date part."""
    stripped = line.strip()
    return len(stripped) <= 100 and (
        any(char in stripped for char in "@<>()\"«»") or WRITING_VERB.search(stripped) is not None
        or any(char.isdigit() for char in stripped) or len(stripped.split()) <= 3
    )


def attribution_spans(lines: list[str], quoted: list[bool]) -> dict[int, int]:
    """Start line -> end line (exclusive) of every attribution ("On ... wrote:" and friends) in `lines`.

    Found from the lines that can end one, looking back at most five lines for the opening.
    """
    spans: dict[int, int] = {}
    count = len(lines)
    for end, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > _MAX_MARKER_LINE:
            continue
        if _DATE_LED.match(line) and not quoted[end]:
            if stripped.endswith("<") and end + 1 < count and _ADDRESS_HINT in lines[end + 1]:
                spans.setdefault(end, end + 2)
            elif _ADDRESS_HINT in stripped or "GMT" in stripped:
                spans.setdefault(end, end + 1)
            continue
        if not _can_end_attribution(stripped):
            continue
        start = _attribution_start(lines, quoted, end)
        if start is not None and start not in spans:
            spans[start] = end + 1
    return spans


def _can_end_attribution(stripped: str) -> bool:
    """Cheap test run on every line: can an attribution end here ("...:", "... wrote", "... wrote ----")?"""
    if stripped.endswith((":", "：", "--")):
        return True
    return stripped.rstrip(" \t*-–—").lower().endswith(_VERBS_LOWER)


def _attribution_start(lines: list[str], quoted: list[bool], end: int) -> int | None:
    earliest = max(0, end - 5)
    # A window never reaches above a line that itself opens an attribution ("On ...", "Am ..."):
    # the attribution starts there at the earliest, and what stands above is the writer's own text.
    for candidate in range(end, earliest - 1, -1):
        if _STARTER.match(lines[candidate]):
            earliest = candidate
            break
    for start in range(earliest, end + 1):
        first = lines[start]
        if quoted[start] or not first.strip() or len(first) > _MAX_MARKER_LINE:
            continue
        window_lines = lines[start:end + 1]
        opened = _STARTER.match(first) is not None
        if len(window_lines) > 1:
            if opened:
                blanks = sum(1 for line in window_lines if not line.strip())
                if blanks > 1 or not all(_fragment_like(line) for line in window_lines[1:] if line.strip()):
                    continue
            elif len(window_lines) > 2 or not _continues(first) or not window_lines[1].strip() or quoted[end]:
                continue
        elif quoted[end]:
            continue
        if _attribution_text_ok(_joined(window_lines), opened):
            return start
    return None


def _joined(window_lines: list[str]) -> str:
    """The lines of a wrapped attribution as one line; undecoded quoted-printable soft breaks ("w=") rejoin."""
    joined = ""
    for line in window_lines:
        piece = line.strip()
        joined = joined[:-1] + piece if joined.endswith("=") else (joined + " " + piece if joined else piece)
    return joined


# ---------------------------------------------------------------------------------------------------
# Quote markers

_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+")
# Supercite ("Richard> text", "C> text") is how Emacs users quote.
_SUPERCITE = re.compile(r"^[ \t]*[A-Za-z][A-Za-z0-9_.-]{0,11}>(?=[ \t]|$)")
# ">>> http://example.org <<<" is decoration, not a quote.
_DECORATION = re.compile(r"^[ \t]*>{2,}.*<{2,}[ \t]*$")


def quote_depth(line: str) -> int:
    """How many levels of ">" (or one Supercite "Name>") quote this line; 0 for the writer's own text."""
    match = _QUOTE_PREFIX.match(line)
    if match:
        if len(line) <= _MAX_MARKER_LINE and _DECORATION.match(line):
            return 0
        return match.group().count(">")
    return 1 if _SUPERCITE.match(line) else 0


def unquote(line: str, levels: int) -> str:
    """`line` with up to `levels` quote levels removed, and the single space that follows the last one."""
    if levels <= 0:
        return line
    match = _QUOTE_PREFIX.match(line)
    if match is None:
        supercite = _SUPERCITE.match(line)
        return line[supercite.end():].removeprefix(" ") if supercite else line
    cut, seen = 0, 0
    for position, char in enumerate(match.group()):
        if char == ">":
            seen += 1
            cut = position + 1
            if seen == levels:
                break
    return line[cut:].removeprefix(" ")


# ---------------------------------------------------------------------------------------------------
# Where embedded mail starts

@dataclass(frozen=True)
class Marker:
    """Lines [start, end) announce embedded mail; its header fields (if any) or its text follow."""
    kind: str    # "forward", "original", "rule", "fields" or "attribution"
    start: int
    end: int


class MarkerFinder:
    """Finds the markers of embedded mail in a list of lines; compute once per text, then ask per line."""

    def __init__(self, lines: list[str], quoted: list[bool] | None = None, depths: list[int] | None = None) -> None:
        """`quoted` lines never start a marker. `depths` are the quote levels of `lines` as written, when the
        caller removed them first; without them a quoted line counts as one level deeper than an unquoted one."""
        self.lines = lines
        self.quoted = quoted if quoted is not None else [False] * len(lines)
        self.depths = depths if depths is not None else [int(flag) for flag in self.quoted]
        self.attributions = attribution_spans(lines, self.quoted)
        self.next_nonblank = _next_nonblank_table(lines)

    def marker_at(self, index: int) -> Marker | None:
        """The marker starting at line `index`, or None. Quoted lines never start one."""
        lines = self.lines
        line = lines[index]
        if self.quoted[index] or not line.strip():
            return None
        if index in self.attributions:
            return Marker("attribution", index, self.attributions[index])
        stripped = line.strip()
        if len(stripped) > _MAX_MARKER_LINE:
            return None
        kind = separator_kind(stripped)
        if kind:
            return Marker(kind, index, index + 1)
        if _RULE_LINE.match(stripped):
            following = self._nonblank_within(index + 1, 3)
            if following is not None and (fields_block_end(lines, following, any_first_kind=True)
                                          or following in self.attributions):
                return Marker("rule", index, index + 1)
            return None
        end = fields_block_end(lines, index)
        if end is not None:
            return Marker("fields", index, end)
        end = self._unlabelled_attribution_end(index)
        if end is not None:
            return Marker("attribution", index, end)
        return None

    def attribution_below_separator(self, index: int) -> int | None:
        """End of the attribution that starts at `index`, the line under a separator, or None: one with a verb,
        or a date and a sender ending with ":" (Yandex: '03.03.2025, 09:31, "Name" <addr>:'), quote or not."""
        if index in self.attributions:
            return self.attributions[index]
        return self._unlabelled_attribution_end(index, quote_needed=False)

    def _unlabelled_attribution_end(self, index: int, quote_needed: bool = True) -> int | None:
        """End of an attribution without a verb ("Thu, 26 Jun 2014 14:00 от Name <addr>:", Gmail's
        "2 мар. 2026 г. в 09:30, Name <addr>:", Tuta's "Mar 3, 2025, 09:31 by addr:"); only believed when
        text quoted deeper than it follows."""
        line = self.lines[index].strip()
        end = index + 1
        if line.endswith("<") and end < len(self.lines) and not self.quoted[end]:
            line += self.lines[end].strip()
            end += 1
        if (len(line) > 200 or _ADDRESS_HINT not in line or not line.endswith((":", ">", "："))
                or not _YEAR_OR_TIME.search(line)):
            return None
        if not quote_needed:
            return end
        follower = self._nonblank_within(end, 2)
        return end if follower is not None and self.depths[follower] > self.depths[index] else None

    def _nonblank_within(self, index: int, distance: int) -> int | None:
        if index >= len(self.lines):
            return None
        found = self.next_nonblank[index]
        return found if found is not None and found - index < distance else None


def _next_nonblank_table(lines: list[str]) -> list[int | None]:
    table: list[int | None] = [None] * len(lines)
    following: int | None = None
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            following = index
        table[index] = following
    return table


# ---------------------------------------------------------------------------------------------------
# Signatures

_SIGNATURE_DELIMITER = re.compile(r"^(?:--|—|–)[ \t]*$")
_DEVICE_OPENING = re.compile(
    r"^[ \t(<\[]*(?:"
    r"sent\s+(?:from|with|via|using|by|on)\s"
    r"|envoy[ée]\s+(?:de|depuis|à\s+partir\s+de|avec)\s"
    r"|enviado\s+(?:desde|de|do|a\s+partir\s+d[eo]|con|com)\s"
    r"|inviato\s+da\s|verzonden\s+(?:vanaf|met|van)\s|verstuurd\s+(?:vanaf|met)\s"
    r"|gesendet\s+(?:von|mit|vom)\s|von\s+meinem\s|diese\s+nachricht\s+wurde\s+von\s+meinem\s"
    r"|skickat\s+från\s|sendt\s+fra\s|lähetetty\s|wysłane\s+z\s|wysłano\s+z\s|odesláno\s+z\s|odoslané\s+z\s"
    r"|отправлено\s+с\s|надіслано\s+з\s|poslano\s+z\s|trimis\s+de\s+pe\s|get\s+outlook\s+for\s"
    r"|holen\s+sie\s+sich\s+outlook\s|obtenir\s+outlook\s|from\s+my\s+(?:iphone|ipad|android|mobile|phone)"
    r"|從我的|发自我的|來自我的|\S{1,20}から送信|\S{1,30}(?:'?[uı]m(?:dan|den)|'?dan|'?den)\s+gönderildi"
    r")",
    re.IGNORECASE,
)
# "Sent from my desk, is much easier than my phone." is a sentence, not a signature.
_DEVICE_SENTENCE = re.compile(r"[,;!?]|\.\s+\S")
_DEVICE_EXCUSE = re.compile(r"[,.]\s*(?:please\s+)?(?:excuse|pardon|sorry)", re.IGNORECASE)

_VALEDICTIONS = frozenset({
    "regards", "best regards", "kind regards", "kindest regards", "warm regards", "warmest regards",
    "with regards", "many regards", "best wishes", "all the best", "best", "cheers", "thanks", "thank you",
    "thanks again", "many thanks", "thanks so much", "thank you so much", "sincerely", "yours sincerely",
    "sincerely yours", "yours truly", "yours", "respectfully", "take care", "love", "with love",
    "with gratitude", "gratefully", "warmly", "warm wishes", "talk soon", "speak soon", "br", "rgds", "thx",
    "mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße", "freundliche grüsse",
    "viele grüße", "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "liebe grüsse",
    "herzliche grüße", "herzliche grüsse", "schöne grüße", "grüße", "grüsse", "gruß", "gruss", "lg", "vg",
    "mfg", "danke", "vielen dank", "cordialement", "bien cordialement", "bien à vous", "bien à toi",
    "amitiés", "amicalement", "bonne journée", "bonne soirée", "merci", "merci beaucoup", "salutations",
    "sincères salutations", "bises", "à bientôt", "saludos", "un saludo", "saludos cordiales", "atentamente",
    "un abrazo", "abrazos", "gracias", "muchas gracias", "cordialmente", "cordiali saluti", "saluti",
    "distinti saluti", "un saluto", "grazie", "a presto", "atenciosamente", "cumprimentos", "abraços",
    "abraço", "obrigado", "obrigada", "met vriendelijke groet", "met vriendelijke groeten",
    "vriendelijke groet", "groeten", "groetjes", "hartelijke groet", "mvg", "med venlig hilsen",
    "venlig hilsen", "vh", "mvh", "hilsen", "kh", "kærlig hilsen", "de bedste hilsner", "med vennlig hilsen",
    "vennlig hilsen", "med vänliga hälsningar", "vänliga hälsningar", "hälsningar", "ystävällisin terveisin",
    "terveisin", "pozdrawiam", "z poważaniem", "s pozdravem", "s pozdravom", "с уважением",
    "всего доброго", "всего хорошего", "з повагою", "üdvözlettel", "saygılarımla", "cu stimă",
    "cu respect",
})
# "-Sam", "—Ryan", "//Jef"; "- Yes" with a space is a list item, not a signature.
_DASH_NAME = re.compile(r"^[ \t]*(?:-(?=\S)|--[ \t]?|—[ \t]?|–[ \t]?|//[ \t]?|~)[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}[ \t]*$")
_NAME_LINE_REJECT = re.compile(r"[?!]|,\s*[a-z]|[.?!]\s*$")
# A line that is only "Yes" or "No" is an answer, never the name under a sign-off.
_ANSWER_WORDS = frozenset({
    "yes", "no", "ok", "okay", "sure", "yep", "nope", "ja", "nein", "oui", "non", "si", "sí", "nej", "nee",
    "tak", "nie", "da", "ne", "да", "нет", "так", "ні", "evet", "hayır", "igen", "nem", "kyllä", "ei", "sim",
    "não", "jo", "はい", "いいえ", "是", "否", "好",
})


def _is_device_signature(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 120:
        return False
    opening = _DEVICE_OPENING.match(stripped)
    if not opening:
        return False
    rest = stripped[opening.end():]
    excuse = _DEVICE_EXCUSE.search(rest)
    if excuse:
        rest = rest[:excuse.start()]
    return _DEVICE_SENTENCE.search(rest.rstrip(" .)>]")) is None


def _is_sign_off_phrase(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= 40 and " ".join(stripped.rstrip(",.!:;").split()).lower() in _VALEDICTIONS


def _is_valediction(line: str) -> bool:
    """A sign-off phrase ("Best regards,") or a dashed name ("-Sam", "—Ryan")."""
    return _is_sign_off_phrase(line) or bool(_DASH_NAME.match(line))


def _name_like(line: str) -> bool:
    stripped = line.strip()
    return (len(stripped) <= 60 and not _NAME_LINE_REJECT.search(stripped) and not stripped[:1].islower()
            and stripped.rstrip(".!").lower() not in _ANSWER_WORDS and not _is_sign_off_phrase(stripped))


def _closing_start(segment: list[str]) -> int | None:
    """Start of a sign-off ("Best regards,\\nAda Lee") ending `segment`, after some text of its own."""
    nonblank = [index for index, line in enumerate(segment) if line.strip()]
    for position in range(max(1, len(nonblank) - 6), len(nonblank)):
        index = nonblank[position]
        following = [segment[later] for later in nonblank[position + 1:]]
        if _is_valediction(segment[index]) and all(_name_like(line) for line in following):
            return index
    return None


def _strong_signature_start(segment: list[str]) -> int | None:
    """Start of a "-- " signature, a device line or a rule-and-footer block in `segment`, or None."""
    nonblank = [index for index, line in enumerate(segment) if line.strip()]
    for position, index in enumerate(nonblank):
        line = segment[index]
        remaining = len(nonblank) - position - 1
        if _SIGNATURE_DELIMITER.match(line) or _is_device_signature(line) or (
                _RULE_LINE.match(line) and 1 <= remaining <= 12):
            before = _closing_start(segment[:index])
            return before if before is not None else index
    return None


_TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "miss"})


def name_without_title(name: str) -> str:
    """ "Dr. Ada Lee" -> "Ada Lee"."""
    words = name.split()
    if words and words[0].rstrip(".").lower() in _TITLES:
        words = words[1:]
    return " ".join(words)


# What may follow the name on a signature's first line: credentials, a practice ("Ada Lee, L.Ac.",
# "Maya Chen | Bodywork Studio"); never a sentence ("Sam Rivera here again: actually no").
_AFTER_SIGNATURE_NAME = re.compile(r"(?:[ \t]*[,|/(–-][^?!:;]{0,60})?")
_POSTSCRIPT = re.compile(r"^[ \t]*p\.?[ \t]?(?:p\.?[ \t]?)?s\b", re.IGNORECASE)


def split_signature_of(name: str, text: str) -> tuple[str, str]:
    """`text` split before its writer's own signature block, (what they wrote, the signature): from a line
    among the last eight, never the first, that is their name ("Dr. Ada Lee"), their name with credentials
    or a practice after a comma or bar ("Ada Lee, L.Ac."), or their first name alone, to the end. A
    signature with no "-- " above it is only found by that name. A P.S. below it is theirs: no cut then."""
    full = name_without_title(name).casefold()
    first = full.split()[0] if full else ""
    lines = text.split("\n")
    for index in range(max(1, len(lines) - 8), len(lines)):
        line = name_without_title(lines[index].strip()).casefold()  # "Dr. Sam Rivera" for "Sam Rivera" too
        signed = (full and line.startswith(full) and _AFTER_SIGNATURE_NAME.fullmatch(line[len(full):])) or (
            first and line.strip(",.-– ") == first)
        if signed:
            if any(_POSTSCRIPT.match(later) for later in lines[index + 1:]):
                return text, ""
            return "\n".join(lines[:index]).strip(), "\n".join(lines[index:]).strip()
    return text, ""


def without_signature_of(name: str, text: str) -> str:
    """`text` without its writer's own signature block (see split_signature_of)."""
    return split_signature_of(name, text)[0]


# ---------------------------------------------------------------------------------------------------
# Replies

@dataclass(frozen=True)
class ReplyParts:
    new_text: str       # what the writer wrote now, signature removed, stripped
    quoted: str         # the quoted part ("" if none)
    signature: str      # "" if none; also holds any notice the mail system added (disclaimer, warning)


_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u1427"  # BOM, zero-width marks, and Streak's tracking dot


def clean_lines(text: str) -> list[str]:
    """The lines of `text`: LF line ends, no BOM or zero-width marks, no trailing spaces."""
    cleaned = normalize_newlines(text).translate({ord(char): None for char in _INVISIBLE})
    return [line.rstrip() for line in cleaned.replace("\xa0", " ").split("\n")]


_NEW, _QUOTED, _NOTICE = 0, 1, 2


# A request's text is split by several readers (the service, the request's reader, the forward's): the last few
# texts are kept with their parts, those short enough to keep (a request is a few lines; a long text is split again).
_SPLITS_KEPT = 8
_LONGEST_SPLIT_KEPT = 100_000  # characters


def split_reply(text: str) -> ReplyParts:
    """Separate what the writer wrote now from the text they quote and from their signature.

    Quoted means: lines quoted with ">" (or Supercite "Name>"), and everything embedded below an
    attribution ("On ... wrote:"), an original-message or forward separator, or an Outlook header block.
    Answers written between or below ">" quotes stay new text. When the embedded mail is not
    ">"-quoted, everything after its header is quoted.
    """
    return _split_kept(text) if len(text) <= _LONGEST_SPLIT_KEPT else _split(text)


@lru_cache(maxsize=_SPLITS_KEPT)
def _split_kept(text: str) -> ReplyParts:
    return _split(text)


def _split(text: str) -> ReplyParts:
    lines = clean_lines(text)
    quoted = [quote_depth(line) > 0 for line in lines]
    finder = MarkerFinder(lines, quoted)
    roles = [_NEW] * len(lines)
    index = 0
    while index < len(lines):
        marker = finder.marker_at(index)
        if marker is None:
            roles[index] = _QUOTED if quoted[index] else _NEW
            index += 1
            continue
        following = finder.next_nonblank[marker.end] if marker.end < len(lines) else None
        # A separator over a header block ("________" then "From: ... Subject: ..."): the embedded
        # mail starts under the block, and whether it is ">"-quoted is read there.
        header = finder.marker_at(following) if following is not None and not quoted[following] else None
        if header is not None and header.kind in ("fields", "attribution"):
            following = finder.next_nonblank[header.end] if header.end < len(lines) else None
        if following is not None and quoted[following]:
            block_end = _quote_block_end(lines, quoted, finder.next_nonblank, following)
            roles[marker.start:block_end] = [_QUOTED] * (block_end - marker.start)
            index = block_end
        else:
            roles[marker.start:] = [_QUOTED] * (len(lines) - marker.start)
            break
    return _assemble(lines, roles)


def _quote_block_end(lines: list[str], quoted: list[bool], next_nonblank: list[int | None], index: int) -> int:
    while index < len(lines):
        if quoted[index]:
            index += 1
        elif not lines[index].strip():
            following = next_nonblank[index]
            if following is None or not quoted[following]:
                break
            index = following
        elif _wrapped_quote_line(lines[index - 1], lines[index]) and index + 1 < len(lines) and quoted[index + 1]:
            index += 1
        else:
            break
    return index


def _wrapped_quote_line(previous: str, line: str) -> bool:
    """The end of a quoted line that a client wrapped onto an unquoted line: the tail of a long URL, or the
    rest of a word after an undecoded quoted-printable soft break ("Wednesda=" / "y")."""
    words = previous.split()
    stripped = line.strip()
    return bool(words) and ("://" in words[-1] or previous.endswith("=")) and len(stripped) <= 30 and (
        len(stripped.split()) <= 2)


def _assemble(lines: list[str], roles: list[int]) -> ReplyParts:
    # A disclaimer or warning the mail system added is set aside first: it is no one's words, and
    # between a sign-off and the end of the text it would hide the sign-off.
    notices = notice_lines(lines, [role == _NEW for role in roles])
    roles = [_NOTICE if index in notices else role for index, role in enumerate(roles)]
    segments: list[list[int]] = []
    for index, role in enumerate(roles):
        if role == _NEW:
            if index and roles[index - 1] == _NEW and segments:
                segments[-1].append(index)
            else:
                segments.append([index])
    signature: set[int] = set()
    for segment in segments:
        start = _strong_signature_start([lines[index] for index in segment])
        if start is not None:
            signature.update(segment[start:])
    # A sign-off ("Best,\nAda") can only end the writer's last words.
    for segment in reversed(segments):
        remaining = [index for index in segment if index not in signature]
        if any(lines[index].strip() for index in remaining):
            start = _closing_start([lines[index] for index in remaining])
            if start is not None:
                signature.update(remaining[start:])
            break
    new = [lines[index] for index, role in enumerate(roles) if role == _NEW and index not in signature]
    quote = [lines[index] for index, role in enumerate(roles) if role == _QUOTED]
    return ReplyParts(
        new_text="\n".join(new).strip("\n").strip(),
        quoted="\n".join(quote).strip("\n").strip(),
        signature="\n".join(lines[index] for index in sorted(signature | notices)).strip(),
    )
