"""Forwarded header blocks as localised clients write them: Outlook (desktop, web, iOS), Apple Mail, Gmail, Thunderbird,
and regional webmail (Mail.ru, Yandex, Daum, QQ Mail, NetEase...)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import pytest

from introbot.core.forwards import find_forward, parse_inline_forward
from introbot.core.quotes import split_reply


@dataclass(frozen=True)
class Locale:
    outlook: tuple[str, str, str, str, str]   # From, Sent, To, Cc, Subject labels of Outlook's header block
    original: str                             # Outlook's "-----Original Message-----"
    apple_intro: str                          # Apple Mail's "Begin forwarded message:"
    apple: tuple[str, str, str, str]          # Apple Mail's From, Subject, Date, To labels
    gmail_from: str                           # Gmail localises only the From label of its forward header
    thunderbird: str                          # Thunderbird's "-------- Forwarded Message --------"
    thunderbird_labels: tuple[str, str, str, str]  # Subject, Date, From, To
    name: str
    address: str
    subject: str
    date: str
    note: str
    body: str


LOCALES = {
    "ko": Locale(("보낸 사람", "보낸 날짜", "받는 사람", "참조", "제목"), "-----원본 메시지-----", "전달된 메시지:",
                 ("보낸 사람", "제목", "날짜", "받는 사람"), "보낸사람:", "-------- 전달된 메시지 --------",
                 ("제목", "날짜", "보낸 사람", "받는 사람"), "김민지", "minji.kim@home.example", "허리 통증 상담",
                 "2025년 3월 3일 월요일 오전 9:31", "Maya Chen 선생님께 소개 부탁드립니다.",
                 "선생님 안녕하세요,\n\n요즘 허리가 계속 아파서요.\n\n김민지 드림"),
    "el": Locale(("Από", "Στάλθηκε", "Προς", "Κοιν.", "Θέμα"), "-----Αρχικό μήνυμα-----", "Έναρξη προωθημένου μηνύματος:",
                 ("Από", "Θέμα", "Ημερομηνία", "Προς"), "Από:", "-------- Προωθημένο μήνυμα --------",
                 ("Θέμα", "Ημερομηνία", "Από", "Προς"), "Γιώργος Παπαδόπουλος", "g.papadopoulos@home.example",
                 "Πόνος στη μέση", "Δευτέρα, 3 Μαρτίου 2025 9:31 πμ", "Μπορείς να τον συστήσεις στη Maya Chen;",
                 "Καλημέρα,\n\nΈχω πόνο στη μέση εδώ και μήνες.\n\nΓιώργος"),
    "he": Locale(("מאת", "נשלח", "אל", "עותק", "נושא"), "-----הודעה מקורית-----", "תחילת הודעה שהועברה:",
                 ("מאת", "נושא", "תאריך", "אל"), "מאת:", "-------- הודעה שהועברה --------",
                 ("נושא", "תאריך", "מאת", "אל"), "נועה לוי", "noa.levi@home.example", "כאבי גב",
                 "יום שני 03 מרץ 2025 09:31", "אפשר להכיר לה את Maya Chen?", "שלום,\n\nיש לי כאבי גב כבר כמה חודשים.\n\nנועה"),
    "ar": Locale(("من", "تاريخ الإرسال", "إلى", "نسخة", "الموضوع"), "-----الرسالة الأصلية-----",
                 "بداية الرسالة المُعاد توجيهها:", ("من", "الموضوع", "التاريخ", "إلى"), "من:",
                 "-------- رسالة مُعاد توجيهها --------", ("الموضوع", "التاريخ", "من", "إلى"), "ليلى حداد",
                 "layla.haddad@home.example", "آلام الظهر", "الاثنين، 3 مارس، 2025 09:31 ص",
                 "هل يمكنك تعريفها على Maya Chen؟", "مرحباً،\n\nأعاني من آلام في الظهر منذ أشهر.\n\nليلى"),
    "vi": Locale(("Từ", "Đã gửi", "Đến", "Cc", "Chủ đề"), "-----Thư gốc-----", "Bắt đầu thư được chuyển tiếp:",
                 ("Từ", "Chủ đề", "Ngày", "Đến"), "Từ:", "-------- Thư đã chuyển tiếp --------",
                 ("Chủ đề", "Ngày", "Từ", "Đến"), "Nguyễn Thị Lan", "lan.nguyen@home.example", "Đau lưng",
                 "Thứ Hai, ngày 3 tháng 3 năm 2025 9:31 SA", "Chị giới thiệu bạn ấy với Maya Chen giúp em nhé.",
                 "Chào chị,\n\nEm bị đau lưng mấy tháng nay rồi.\n\nLan"),
    "th": Locale(("จาก", "ส่ง", "ถึง", "สำเนาถึง", "เรื่อง"), "-----ข้อความต้นฉบับ-----", "เริ่มต้นข้อความที่ส่งต่อ:",
                 ("จาก", "เรื่อง", "วันที่", "ถึง"), "จาก:", "-------- ข้อความที่ส่งต่อ --------",
                 ("เรื่อง", "วันที่", "จาก", "ถึง"), "สมชาย ใจดี", "somchai@home.example", "ปวดหลัง",
                 "วันจันทร์ที่ 3 มีนาคม 2025 9:31", "ช่วยแนะนำเขาให้ Maya Chen หน่อยนะคะ",
                 "สวัสดีครับ\n\nผมปวดหลังมาหลายเดือนแล้ว\n\nสมชาย"),
    "id": Locale(("Dari", "Dikirim", "Kepada", "Cc", "Subjek"), "-----Pesan Asli-----", "Awal pesan yang diteruskan:",
                 ("Dari", "Subjek", "Tanggal", "Kepada"), "Dari:", "-------- Pesan Terusan --------",
                 ("Subjek", "Tanggal", "Dari", "Kepada"), "Siti Rahayu", "siti.rahayu@home.example", "Sakit punggung",
                 "Senin, 03 Maret 2025 09.31", "Tolong kenalkan dia ke Maya Chen ya.",
                 "Halo Bu,\n\nSaya sudah sakit punggung berbulan-bulan.\n\nSiti"),
    "ca": Locale(("De", "Enviat el", "Per a", "A/c", "Assumpte"), "-----Missatge original-----",
                 "Inici del missatge reenviat:", ("De", "Assumpte", "Data", "Per a"), "De:",
                 "-------- Missatge reenviat --------", ("Assumpte", "Data", "De", "A"), "Jordi Puig i Soler",
                 "jordi.puig@home.example", "Mal d'esquena", "dilluns, 3 de març de 2025 9:31",
                 "Em pots presentar-lo a la Maya Chen?", "Hola,\n\nFa mesos que tinc mal d'esquena.\n\nJordi"),
    "lt": Locale(("Nuo", "Išsiųsta", "Kam", "Kopija", "Tema"), "-----Originalus pranešimas-----",
                 "Pradžia persiųsto laiško:", ("Nuo", "Tema", "Data", "Kam"), "Nuo:", "-------- Persiųstas laiškas --------",
                 ("Tema", "Data", "Nuo", "Kam"), "Rūta Kazlauskienė", "ruta.k@home.example", "Nugaros skausmas",
                 "2025 m. kovo 3 d., pirmadienis 09:31", "Gal galėtumėte supažindinti ją su Maya Chen?",
                 "Sveiki,\n\nJau kelis mėnesius skauda nugarą.\n\nRūta"),
    "bg": Locale(("От", "Изпратено", "До", "Копие", "Относно"), "-----Оригинално съобщение-----",
                 "Начало на препратеното съобщение:", ("От", "Тема", "Дата", "До"), "От:",
                 "-------- Препратено съобщение --------", ("Тема", "Дата", "От", "До"), "Мария Иванова",
                 "maria.ivanova@home.example", "Болки в гърба", "понеделник, 3 март 2025 г. 9:31",
                 "Може ли да я запознаеш с Maya Chen?", "Здравейте,\n\nОт месеци ме боли гърбът.\n\nМария"),
}
CODES = sorted(LOCALES)
ADA = "Ada Lee <ada@clinic.example>"
COPY = "Jo <jo@home.example>"
GP = ("---------- Forwarded message ---------\nFrom: Dr. Helen Grant <h.grant@practice.example>\n"
      "Date: Fri, Feb 28, 2025 at 4:02 PM\nSubject: Your visit\nTo: Client <client@home.example>\n\n\n"
      "Dear patient, I recommend massage therapy.\n\nDr. Helen Grant\n")


def _outlook_block(locale: Locale, mailbox: str) -> str:
    sender, sent, to, cc, subject = locale.outlook
    return (f"{sender}: {mailbox}\n{sent}: {locale.date}\n{to}: {ADA}\n{cc}: {COPY}\n"
            f"{subject}: {locale.subject}")


def _check(forward, locale: Locale, body: str | None = None) -> None:
    assert forward is not None
    original = forward.original
    assert (original.sender_address, original.sender_name) == (locale.address, locale.name)
    assert original.subject == locale.subject
    assert forward.note == locale.note
    assert original.body == (body if body is not None else locale.body)


@pytest.mark.parametrize("code", CODES)
def test_outlook_desktop_header_block(code):
    locale = LOCALES[code]
    header = _outlook_block(locale, f"{locale.name} <{locale.address}>")
    forward = parse_inline_forward(f"{locale.note}\n\nAda Lee\nAcupuncture\n\n{header}\n\n{locale.body}\n",
                                   "FW: " + locale.subject)
    assert forward is not None and forward.note.startswith(locale.note)
    original = forward.original
    assert (original.sender_address, original.sender_name) == (locale.address, locale.name)
    assert (original.subject, original.date) == (locale.subject, locale.date)
    assert (original.to, original.cc) == (("ada@clinic.example",), ("jo@home.example",))
    assert original.body == locale.body


@pytest.mark.parametrize("code", CODES)
def test_outlook_original_message_separator_with_a_mailto_sender(code):
    locale = LOCALES[code]
    header = _outlook_block(locale, f"{locale.name} [mailto:{locale.address}]")
    _check(parse_inline_forward(f"{locale.note}\n\n{locale.original}\n{header}\n\n{locale.body}\n", None), locale)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("above_the_rule", ["", "Get Outlook for iOS<https://aka.ms/o0ukef>\n"])
def test_outlook_on_the_web_and_outlook_for_ios(code, above_the_rule):
    locale = LOCALES[code]
    header = _outlook_block(locale, f"{locale.name} <{locale.address}>")
    body = f"{locale.note}\n\n{above_the_rule}________________________________\n{header}\n\n{locale.body}\n"
    _check(parse_inline_forward(body, "FW: " + locale.subject), locale)


@pytest.mark.parametrize("code", CODES)
def test_apple_mail_on_the_iphone(code):
    locale = LOCALES[code]
    sender, subject, date, to = locale.apple
    quoted_body = "\n".join(("> " + line).rstrip() for line in locale.body.split("\n"))
    body = (f"{locale.note}\n\n{locale.apple_intro}\n\n> {sender}: {locale.name} <{locale.address}>\n"
            f"> {subject}: {locale.subject}\n> {date}: {locale.date}\n> {to}: {ADA}\n> \n{quoted_body}\n")
    _check(parse_inline_forward(body, "Fwd: " + locale.subject), locale)


@pytest.mark.parametrize("code", CODES)
def test_gmail_with_its_localised_from_label(code):
    locale = LOCALES[code]
    body = (f"{locale.note}\n\n---------- Forwarded message ---------\n{locale.gmail_from} {locale.name} <{locale.address}>\n"
            f"Date: {locale.date}\nSubject: {locale.subject}\nTo: {ADA}\n\n\n{locale.body}\n")
    _check(parse_inline_forward(body, "Fwd: " + locale.subject), locale)


THUNDERBIRD_ONLY = {
    "ja": ("-------- 転送メッセージ --------", ("件名", "日付", "差出人", "宛先")),
    "zh-CN": ("-------- 转发的消息 --------", ("主题", "日期", "发件人", "收件人")),
    "zh-TW": ("-------- 轉寄郵件 --------", ("主旨", "日期", "寄件者", "收件者")),
    "fi": ("-------- Välitetty viesti --------", ("Aihe", "Päiväys", "Lähettäjä", "Vastaanottaja")),
}


@pytest.mark.parametrize("separator, labels", [
    *((LOCALES[code].thunderbird, LOCALES[code].thunderbird_labels) for code in CODES), *THUNDERBIRD_ONLY.values()])
def test_thunderbird_separator_keeps_the_subject_line_out_of_the_note(separator, labels):
    subject, date, sender, to = labels
    body = (f"Please introduce her to Maya Chen.\n\n{separator}\n{subject}: \tBack pain\n"
            f"{date}: \tMon, 3 Mar 2025 09:31:21 +0100\n{sender}: \tSam Patel <sam@home.example>\n{to}: \t{ADA}\n\n\n\n"
            "My back hurts.\n")
    forward = parse_inline_forward(body, "Fwd: Back pain")
    assert forward.note == "Please introduce her to Maya Chen."
    assert (forward.original.sender_address, forward.original.subject) == ("sam@home.example", "Back pain")
    assert forward.original.body == "My back hurts."


@pytest.mark.parametrize("code", CODES)
def test_a_localised_outer_header_is_never_passed_over_for_an_older_forward_inside(code):
    """When the outer header is not read, the GP's forward inside the client's mail is found instead and
    the GP becomes the client: the outer header must be the first message."""
    locale = LOCALES[code]
    header = _outlook_block(locale, f"{locale.name} <{locale.address}>")
    forward = parse_inline_forward(f"{locale.note}\n\n{header}\n\n{locale.body}\n\n{GP}", "FW: " + locale.subject)
    assert [message.sender_address for message in forward.messages] == [locale.address, "h.grant@practice.example"]
    assert forward.note == locale.note


@pytest.mark.parametrize("code", CODES)
def test_a_localised_outlook_header_ends_the_new_text_of_a_reply(code):
    locale = LOCALES[code]
    header = _outlook_block(locale, f"{locale.name} <{locale.address}>")
    parts = split_reply(f"YES\n\n{header}\n\n{locale.body}\n")
    assert parts.new_text == "YES"
    assert locale.address in parts.quoted


def test_arabic_phrases_match_with_or_without_vowel_signs():
    body = ("هل يمكنك تعريفها؟\n\nبداية الرسالة المعاد توجيهها:\n\n> من: ليلى <layla@home.example>\n> الموضوع: ظهر\n"
            "> التاريخ: 3 مارس 2025\n> إلى: ada@clinic.example\n> \n> مرحباً\n")
    assert parse_inline_forward(body, "Fwd: ظهر").original.sender_address == "layla@home.example"


def test_gmail_hebrew_from_line_with_bidi_marks():
    body = ("אפשר להכיר לה את Maya Chen?\n\n---------- Forwarded message ---------\n"
            "מאת: \u202aנועה לוי\u202c\u200f <\u202anoa.levi@home.example\u202c\u200f>\nDate: יום ב׳, 3 במרץ 2025 ב-9:31\n"
            "Subject: כאבי גב\nTo: <ada@clinic.example>\n\n\nשלום\n")
    original = parse_inline_forward(body, "Fwd: כאבי גב").original
    assert (original.sender_address, original.sender_name) == ("noa.levi@home.example", "נועה לוי")


def test_a_vietnamese_header_typed_in_decomposed_unicode_is_read():
    header = "Từ: Lan <lan@home.example>\nĐã gửi: Thứ Hai, 3 tháng 3 2025\nĐến: ada@clinic.example\nChủ đề: Đau lưng"
    forward = parse_inline_forward(f"Giúp em nhé.\n\n{__import__('unicodedata').normalize('NFD', header)}\n\nChào chị\n", "FW: x")
    assert forward.original.sender_address == "lan@home.example"


@pytest.mark.parametrize("header", [
    # Mail.ru
    "-------- Пересылаемое сообщение --------\nОт кого: Sam Patel <sam@home.example>\nКому: ada@clinic.example\n"
    "Дата: Понедельник, 3 марта 2025, 9:31 +03:00\nТема: Боль в спине",
    # Samsung Email (Korean)
    "-------- 원본 메시지 --------\n발신: Sam Patel <sam@home.example>\n날짜: 25/3/3 오전 9:31 (GMT+09:00)\n"
    "수신: Ada Lee <ada@clinic.example>\n제목: 허리",
    # Daum
    "---------- 원본 메일 ----------\n보낸사람: \"Sam Patel\" <sam@home.example>\n받는사람: \"Ada Lee\" <ada@clinic.example>\n"
    "날짜: 2025년 3월 3일(월) 09:31:21\n제목: 허리",
    # Yahoo (Indonesian)
    "----- Pesan yang Diteruskan -----\nDari: Sam Patel <sam@home.example>\nKepada: Ada Lee <ada@clinic.example>\n"
    "Terkirim: Senin, 3 Maret 2025 09.31.21 GMT+7\nSubjek: Sakit punggung",
])
def test_forward_headers_of_regional_webmail(header):
    forward = parse_inline_forward(f"Please introduce Sam to Maya Chen.\n\n{header}\n\nMy back hurts.\n", "Fwd: x")
    assert (forward.original.sender_address, forward.original.sender_name) == ("sam@home.example", "Sam Patel")
    assert forward.note == "Please introduce Sam to Maya Chen."
    assert forward.original.body == "My back hurts."


BACK_PAIN = "Hi Ana,\n\nMy back hurts.\n\nSam"
QUOTED_BACK_PAIN = "\n".join(("> " + line).rstrip() for line in BACK_PAIN.split("\n"))


@pytest.mark.parametrize("header, body, name, date", [
    # Yandex: a date-and-sender line under its separator, nothing quoted, an end marker below.
    ("-------- Пересылаемое сообщение --------\n03.03.2025, 09:31, \"Sam Patel\" <sam@home.example>:",
     BACK_PAIN + "\n\n-------- Конец пересылаемого сообщения --------", "Sam Patel", "03.03.2025, 09:31"),
    ("-------- Forwarded message --------\n03.03.2025, 09:31, \"Sam Patel\" <sam@home.example>:",
     BACK_PAIN + "\n\n-------- End of forwarded message --------", "Sam Patel", "03.03.2025, 09:31"),
    # Tuta: "<date> by <address>:" (German "von") above a quote.
    ("Mar 3, 2025, 09:31 by sam@home.example:", QUOTED_BACK_PAIN, None, "Mar 3, 2025, 09:31"),
    ("03.03.2025, 09:31 von sam@home.example:", QUOTED_BACK_PAIN, None, "03.03.2025, 09:31"),
    # Mail.ru: "<date> от <name> <address>:" above a quote.
    ("Понедельник, 3 марта 2025, 9:31 +03:00 от Sam Patel <sam@home.example>:", QUOTED_BACK_PAIN, "Sam Patel",
     "Понедельник, 3 марта 2025, 9:31 +03:00"),
    # Zoho: the date runs into the name without a comma.
    ("---- On Mon, 03 Mar 2025 09:31:21 +0530 Sam Patel <sam@home.example> wrote ----", BACK_PAIN, "Sam Patel",
     "Mon, 03 Mar 2025 09:31:21 +0530"),
    # Gmail, English and older localised: no comma between the time and the name either.
    ("On Mon, Mar 3, 2025 at 9:31 AM Sam Patel <sam@home.example> wrote:", QUOTED_BACK_PAIN, "Sam Patel",
     "Mon, Mar 3, 2025 at 9:31 AM"),
    ("2014-10-17 11:28 GMT+03:00 Sam Patel <sam@home.example>:", QUOTED_BACK_PAIN, "Sam Patel", "2014-10-17 11:28 GMT+03:00"),
])
def test_forward_headers_without_labels(header, body, name, date):
    forward = parse_inline_forward(f"Please introduce Sam to Maya Chen.\n\n\n{header}\n\n{body}\n", "Fwd: Back pain")
    original = forward.original
    assert (original.sender_address, original.sender_name, original.date) == ("sam@home.example", name, date)
    assert forward.note == "Please introduce Sam to Maya Chen."
    assert original.body.startswith(BACK_PAIN)


@pytest.mark.parametrize("header", [
    "-------- Forwarded message --------\n03.03.2025, 09:31, \"Sam Patel\" <sam@home.example>:\n",
    "Mar 3, 2025, 09:31 by sam@home.example:\n",
])
def test_an_unlabelled_outer_header_is_never_passed_over_for_an_older_forward_inside(header):
    inner = BACK_PAIN + "\n\n" + GP
    if header.startswith("Mar"):
        inner = "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
    forward = parse_inline_forward(f"Please introduce Sam to Maya Chen.\n\n{header}\n{inner}\n", "Fwd: Back pain")
    assert [message.sender_address for message in forward.messages] == ["sam@home.example", "h.grant@practice.example"]


def test_a_date_and_address_line_without_a_quote_below_is_no_forward_header():
    """Under a forward subject too: only under a separator, or above a quote, is such a line a header."""
    body = "Please introduce Sam.\n\nMar 3, 2025, 09:31 by sam@home.example:\n\nMy back hurts.\n"
    assert parse_inline_forward(body, "Fwd: Back pain") is None


EM_CLIENT = ('------ Original Message ------\nFrom "Sam Patel" <sam@home.example>\nTo "Ada Lee" <ada@clinic.example>\n'
             "Date 3/3/2025 9:31:21 AM\nSubject Back pain")


def test_em_client_header_fields_without_colons():
    forward = parse_inline_forward(f"Please introduce Sam to Maya Chen.\n\n{EM_CLIENT}\n\n{BACK_PAIN}\n\n{GP}", "Fwd: Back pain")
    assert [message.sender_address for message in forward.messages] == ["sam@home.example", "h.grant@practice.example"]
    original = forward.original
    assert (original.sender_name, original.subject, original.date) == ("Sam Patel", "Back pain", "3/3/2025 9:31:21 AM")
    assert original.to == ("ada@clinic.example",)
    assert original.body.startswith(BACK_PAIN)


@pytest.mark.parametrize("body", [
    EM_CLIENT.split("\n", 1)[1],                                        # no separator above
    "------ Original Message ------\nFrom Sam, with love\nTo be read on Monday\n",   # prose, not fields
])
def test_colonless_fields_count_only_as_a_block_under_a_separator(body):
    assert parse_inline_forward(f"Please introduce Sam.\n\n{body}\n\nMy back hurts.\n", "Fwd: Back pain") is None


@pytest.mark.parametrize("block", [
    "Asunto: \tDor de costas\nData: \tMon, 3 Mar 2025 09:31:21 +0100\nDe: \tSam Patel <sam@home.example>\n"
    "Para: \tAda <ada@clinic.example>",
    "De: Sam Patel <sam@home.example>\nData: Mon, 3 Mar 2025 09:31:21 +0100\nAsunto: Dor de costas",
])
def test_a_block_under_an_unknown_separator_keeps_the_subject_and_the_separator_out_of_the_note(block):
    """Thunderbird puts Subject first; in a language whose separator is not known here the block still counts
    when it holds a From among three kinds, and the framed title above it is no part of the note."""
    body = f"Preséntalle a Maya Chen, por favor.\n\n-------- Mensaxe reenviada --------\n{block}\n\nDoe-me as costas.\n"
    forward = parse_inline_forward(body, "Fwd: Dor de costas")
    assert forward.note == "Preséntalle a Maya Chen, por favor."
    assert (forward.original.sender_address, forward.original.subject) == ("sam@home.example", "Dor de costas")


@pytest.mark.parametrize("block", ["Subject: Back pain\nTo: Ada <ada@clinic.example>",
                                   "Subject: Back pain\nFrom: Sam <sam@home.example>"])
def test_a_block_of_two_kinds_starting_with_a_subject_is_no_header_without_a_separator(block):
    assert parse_inline_forward(f"Notes from today.\n\n{block}\n\nMy back hurts.\n", None) is None


CHINESE_NOTE = "能否把她介绍给 Maya Chen？"
CHINESE_BODY = "Ana 医生您好，\n\n我腰疼好几个月了。\n\n林小雨"


@pytest.mark.parametrize("header, date", [
    # NetEase Mail Master (163.com, 126.com): its header is a table, in its plain text too; Chinese and English UI.
    ("---- 转发的邮件 ----\n| 发件人 | 林小雨<xiaoyu.lin@home.example> |\n| 日期 | 2025年03月03日 09:31 |\n"
     "| 收件人 | ana@clinic.example |\n| 抄送至 | |\n| 主题 | 腰疼咨询 |", "2025年03月03日 09:31"),
    ("---- 回复的原邮件 ----\n| 发件人 | 林小雨<xiaoyu.lin@home.example> |\n| 日期 | 2025年03月03日 09:31 |\n"
     "| 收件人 | ana@clinic.example |\n| 主题 | 腰疼咨询 |", "2025年03月03日 09:31"),
    ("---- Forwarded Message ----\n| From | 林小雨<xiaoyu.lin@home.example> |\n| Date | 03/03/2025 09:31 |\n"
     "| To | ana@clinic.example |\n| Cc | |\n| Subject | 腰疼咨询 |", "03/03/2025 09:31"),
    ("---- Replied Message ----\n| From | 林小雨<xiaoyu.lin@home.example> |\n| Date | 03/03/2025 09:31 |\n"
     "| To | ana@clinic.example |\n| Subject | 腰疼咨询 |", "03/03/2025 09:31"),
    # NetEase webmail: full-width colons in Chinese, "Forwarding messages" in English.
    ("-------- 转发邮件信息 --------\n发件人：\"林小雨\" <xiaoyu.lin@home.example>\n发送日期：2025-03-03 09:31:21\n"
     "收件人：\"Ana Silva\" <ana@clinic.example>\n主题：腰疼咨询", "2025-03-03 09:31:21"),
    ("-------- 转发邮件信息 --------\n发件人：林小雨 <xiaoyu.lin@home.example>\n发件时间：2025年3月3日 09:31\n"
     "收件人：ana@clinic.example\n抄送：\n主题：腰疼咨询", "2025年3月3日 09:31"),
    ("-------- Forwarding messages --------\nFrom: \"林小雨\" <xiaoyu.lin@home.example>\nDate: 2025-03-03 09:31:21\n"
     "To: \"Ana Silva\" <ana@clinic.example>\nSubject: 腰疼咨询", "2025-03-03 09:31:21"),
    # QQ Mail and Foxmail: addresses end with ";", the date names the weekday and the half of the day.
    ("------------------ 原始邮件 ------------------\n发件人: \"林小雨\"<xiaoyu.lin@home.example>;\n"
     "发送时间: 2025年3月3日(星期一) 上午9:31\n收件人: \"Ana Silva\"<ana@clinic.example>;\n主题: 腰疼咨询",
     "2025年3月3日(星期一) 上午9:31"),
    ("------------------ Original ------------------\nFrom: \"林小雨\"<xiaoyu.lin@home.example>;\n"
     "Date: Mon, Mar 3, 2025 09:31 AM\nTo: \"Ana Silva\"<ana@clinic.example>;\nSubject: 腰疼咨询",
     "Mon, Mar 3, 2025 09:31 AM"),
])
@pytest.mark.parametrize("subject", ["Fwd: 腰疼咨询", "转发：腰疼咨询", None])
def test_forward_headers_of_chinese_webmail(header, date, subject):
    forward = parse_inline_forward(f"{CHINESE_NOTE}\n\n{header}\n\n{CHINESE_BODY}\n", subject)
    original = forward.original
    assert (original.sender_address, original.sender_name) == ("xiaoyu.lin@home.example", "林小雨")
    assert (original.subject, original.date, original.to) == ("腰疼咨询", date, ("ana@clinic.example",))
    assert forward.note == CHINESE_NOTE
    assert original.body == CHINESE_BODY
    assert split_reply(f"好的。\n\n{header}\n\n{CHINESE_BODY}\n").new_text == "好的。"


@pytest.mark.parametrize("attribution, date", [
    ("在 2025-03-03 09:31:21，\"林小雨\" <xiaoyu.lin@home.example> 写道：", "2025-03-03 09:31:21"),
    ("At 2025-03-03 09:31:21, \"林小雨\" <xiaoyu.lin@home.example> wrote:", "2025-03-03 09:31:21"),
])
def test_netease_webmail_attribution(attribution, date):
    forward = parse_inline_forward(f"{CHINESE_NOTE}\n\n{attribution}\n> 我腰疼好几个月了。\n", "Fwd: 腰疼咨询")
    original = forward.original
    assert (original.sender_address, original.sender_name, original.date) == ("xiaoyu.lin@home.example", "林小雨", date)
    assert forward.note == CHINESE_NOTE


def test_mail_master_header_table_as_its_html_reads():
    """Mail Master's HTML-only message: the table's rows read as "发件人 林小雨<...>", without pipes or colons."""
    message = EmailMessage()
    message["Subject"] = "Fwd: 腰疼咨询"
    message.set_content(
        "<div>能否把她介绍给 Maya Chen？</div><div>---- 转发的邮件 ----</div><table>"
        "<tr><td>发件人</td><td>林小雨&lt;xiaoyu.lin@home.example&gt;</td></tr>"
        "<tr><td>日期</td><td>2025年03月03日 09:31</td></tr><tr><td>收件人</td><td>ana@clinic.example</td></tr>"
        "<tr><td>主题</td><td>腰疼咨询</td></tr></table><div>我腰疼好几个月了。</div>", subtype="html")
    forward = find_forward(message)
    assert (forward.original.sender_address, forward.original.subject) == ("xiaoyu.lin@home.example", "腰疼咨询")
    assert (forward.note, forward.original.body) == (CHINESE_NOTE, "我腰疼好几个月了。")


@pytest.mark.parametrize("text", [
    # A table in the practitioner's own words, with no separator above it, is no header.
    "| From | Sam <sam@home.example> |\n| Date | Monday |\n| To | Maya |\n| Subject | Back pain |",
    # Under a separator, rows whose labels are no header labels are no header either.
    "---- Forwarded Message ----\n| Name | Sam <sam@home.example> |\n| Time | Monday 9:31 |\n| Room | 2 |",
    # Nor is a table of two kinds only.
    "---- Forwarded Message ----\n| From | Sam <sam@home.example> |\n| Date | 03/03/2025 09:31 |",
])
def test_a_pipe_table_is_a_header_only_under_a_separator_with_a_from_among_three_kinds(text):
    assert parse_inline_forward(f"Please introduce Sam.\n\n{text}\n\nMy back hurts.\n", "Fwd: Back pain") is None
