"""detect_automatic: each rule on a message built for it, people's mail left alone, wild input never raising."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from introbot.core.answers import Answer
from introbot.core.mime import UnreadableMessage, parse_message
from introbot.core.robots import (AutoKind, Automatic, addresses_in_notice, detect_automatic, read_consent,
                                  robot_wording_first)

LOOP = ("X-Introbot-Loop", "intro@collective.example")
PERSON = "From: Sam Rivera <sam@client.example>\nTo: intro@collective.example\nMessage-ID: <m1@client.example>\n"


def detect(text: str, loop: tuple[str, str] | None = LOOP, *, asked: bool = False) -> Automatic | None:
    verdict = detect_automatic(parse_message(text.replace("\n", "\r\n").encode("utf-8")), loop,
                               sender_was_asked=asked)
    if verdict is not None:  # reasons are log lines: never an address, never the subject
        assert all("@" not in reason and "Maya" not in reason for reason in verdict.reasons), verdict.reasons
    return verdict


def person(subject: str, body: str, extra_headers: str = "") -> str:
    return f"{PERSON}Subject: {subject}\n{extra_headers}Content-Type: text/plain; charset=utf-8\n\n{body}\n"


def dsn(action: str, status: str, *, report_type: str = "delivery-status", recipient: str = "Maya@Bodywork.example",
        diagnostic: str = "") -> str:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.collective.example>\nTo: intro@collective.example\n"
        f"Subject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type={report_type};"
        ' boundary="R"\n\n--R\nContent-Type: text/plain\n\nThe mail system reports on your message.\n'
        "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.collective.example\n\n"
        f"Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\nAction: {action}\n"
        f"Status: {status}\n{diagnostic}\n--R\nContent-Type: text/rfc822-headers\n\n"
        "From: intro@collective.example\nTo: Maya@Bodywork.example\nMessage-ID: <intro-7@collective.example>\n"
        "Subject: Would you like to be introduced to Maya?\n\n--R--\n"
    )


# --- loops ----------------------------------------------------------------------------------------

def test_our_own_loop_header_is_a_loop():
    verdict = detect(person("Introduction", "hello", "X-Introbot-Loop: Intro@Collective.example\n"))
    assert verdict == Automatic(AutoKind.LOOP, ("loop header: ours",))


def test_a_loop_header_with_another_value_or_no_configured_header_is_no_loop():
    assert detect(person("Introduction", "hello", "X-Introbot-Loop: other@bot.example\n")) is None
    assert detect(person("Introduction", "hello", "X-Introbot-Loop: intro@collective.example\n"), loop=None) is None


# --- RFC 3464 delivery status notifications -----------------------------------------------------

def test_a_failed_dsn_is_a_hard_bounce_with_its_recipient_and_original_message_id():
    verdict = detect(dsn("failed", "5.1.1"))
    assert verdict.kind is AutoKind.BOUNCE
    assert verdict.failed_recipients == ("maya@bodywork.example",)
    assert verdict.permanent is True
    assert verdict.original_message_ids == ("<intro-7@collective.example>",)
    assert verdict.reasons == ("delivery-status report: 1 failed, status 5.1.1",)


def test_a_failed_dsn_with_a_4xx_status_is_a_soft_bounce():
    verdict = detect(dsn("failed", "4.4.7"))
    assert (verdict.kind, verdict.permanent) == (AutoKind.BOUNCE, False)


def test_a_dsn_with_only_a_reply_code_or_a_diagnostic_still_has_a_permanence():
    assert detect(dsn("failed", "553 Exceeded maximum inbound message size")).permanent is True
    assert detect(dsn("failure", "", diagnostic="Diagnostic-Code: smtp; 550 user unknown")).permanent is True


def test_a_delayed_dsn_is_a_delay():
    verdict = detect(dsn("delayed", "4.4.1"))
    assert (verdict.kind, verdict.permanent, verdict.failed_recipients) == (
        AutoKind.DELAY, False, ("maya@bodywork.example",))


@pytest.mark.parametrize("action", ["delivered", "relayed", "expanded"])
def test_a_success_dsn_is_a_delivery_report_without_failures(action):
    verdict = detect(dsn(action, "2.0.0"))
    assert (verdict.kind, verdict.failed_recipients) == (AutoKind.DELIVERY_REPORT, ())


def test_a_delivery_status_part_inside_multipart_mixed_is_read_too():
    text = dsn("failed", "5.2.2").replace("multipart/report; report-type=delivery-status;", "multipart/mixed;")
    assert detect(text).kind is AutoKind.BOUNCE


def test_a_delivery_report_whose_parts_cannot_be_read_is_still_a_bounce():
    text = ("From: foo\nSubject: bar\nContent-Type: multipart/report; report-type=delivery-status;\n\n"
            "--lost\nContent-Type: text/plain\n\nYadda\n--lost--\n")
    verdict = detect(text)
    assert (verdict.kind, verdict.permanent) == (AutoKind.BOUNCE, None)


def test_a_dsn_to_a_list_is_a_bounce_not_list_traffic():
    assert detect(dsn("failed", "5.1.1").replace("Subject:", "List-Id: <l.example>\nSubject:")).kind is AutoKind.BOUNCE


# --- other reports --------------------------------------------------------------------------------

def test_an_arf_abuse_report_is_a_feedback_report():
    text = ("From: feedback@isp.example\nTo: intro@collective.example\nSubject: FW: intro\n"
            'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\n\n'
            "--F\nContent-Type: text/plain\n\nThis is an abuse report.\n--F\n"
            "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n\n"
            "--F\nContent-Type: message/rfc822\n\nFrom: intro@collective.example\nMessage-ID: <i9@collective.example>\n"
            "\nhello\n--F--\n")
    verdict = detect(text)
    assert (verdict.kind, verdict.original_message_ids) == (AutoKind.FEEDBACK_REPORT, ("<i9@collective.example>",))


def test_apple_mail_unsubscribe_is_a_feedback_report():
    assert detect(person("unsubscribe", "Apple Mail sent this email to unsubscribe.",
                         "X-Apple-Unsubscribe: true\n")).kind is AutoKind.FEEDBACK_REPORT


def test_a_disposition_notification_is_a_read_receipt_with_the_original_id():
    text = (f"{PERSON}Subject: Read: Introduction\n"
            'Content-Type: multipart/report; report-type=disposition-notification; boundary="M"\n\n'
            "--M\nContent-Type: text/plain\n\nYour message was displayed.\n--M\n"
            "Content-Type: message/disposition-notification\n\nReporting-UA: mua.example\n"
            "Final-Recipient: rfc822; sam@client.example\nOriginal-Message-ID: <ask-3@collective.example>\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\n\n--M--\n")
    verdict = detect(text)
    assert (verdict.kind, verdict.original_message_ids[0]) == (AutoKind.READ_RECEIPT, "<ask-3@collective.example>")


@pytest.mark.parametrize("subject, text", [
    ("Read: Introduction", "Your message\n\n  To: Maya Chen\n  Subject: Introduction\n\nwas read on 12/03/2024 10:02."),
    ("Lu : Introduction", "Votre message\n\n  À : Maya Chen\n  Objet : Introduction\n\na été lu le 12/03/2024 10:02."),
    ("Gelesen: Einführung", "Ihre Nachricht\n\n  An: Maya Chen\n\nwurde am 12.03.2024 10:02 gelesen."),
    ("Leído: Presentación", "Su mensaje\n\n  Para: Maya Chen\n\nfue leído el 12/03/2024 10:02."),
    ("Letto: Presentazione", "Il messaggio\n\n  A: Maya Chen\n\nè stato letto in data 12/03/2024 10:02."),
    ("Lido: Apresentação", "A sua mensagem\n\n  Para: Maya Chen\n\nfoi lida em 12/03/2024 10:02."),
    ("Gelezen: Introductie", "Uw bericht\n\n  Aan: Maya Chen\n\nis gelezen op 12-03-2024 10:02."),
    ("Läst: Introduktion", "Ditt meddelande\n\n  Till: Maya Chen\n\nlästes 2024-03-12 10:02."),
    ("Læst: Introduktion", "Din meddelelse\n\n  Til: Maya Chen\n\nblev læst 12-03-2024 10:02."),
    ("Lest: Introduksjon", "Meldingen din\n\n  Til: Maya Chen\n\nble lest 12.03.2024 10:02."),
    ("Przeczytane: Przedstawienie", "Twoja wiadomość\n\n  Do: Maya Chen\n\nzostała przeczytana 12.03.2024."),
    ("Return Receipt", "Your document:\tIntroduction\nwas received by:\tMaya Chen/Contoso\nat:\t12/03/2024 10:02"),
], ids=["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl", "notes"])
def test_a_plain_text_read_receipt_is_a_read_receipt(subject, text):
    verdict = detect(person(subject, text, "In-Reply-To: <ask-3@collective.example>\n"))
    assert (verdict.kind, verdict.original_message_ids) == (AutoKind.READ_RECEIPT, ("<ask-3@collective.example>",))


@pytest.mark.parametrize("subject, text", [
    ("Read: Sam's referral letter", "Could you introduce Sam to Maya Chen? Thanks."),  # says nothing was read
    ("Read: your question", "Yes, happy to meet Sam. Your message was read out at our team meeting."),
    ("Lu : ta proposition", "Ton message a été lu avec attention, et je te remercie. " * 20),  # too long
    ("Re: Read: Introduction", "Your message was read on Monday, sorry for the delay. I'll think about it."),
])
def test_a_person_whose_subject_starts_like_a_receipt_is_a_person(subject, text):
    assert detect(person(subject, text)) is None


# --- non-standard bounces -------------------------------------------------------------------------

EXIM = """From: Mail Delivery System <Mailer-Daemon@mx.example>
To: intro@collective.example
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: maya@bodywork.example

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  maya@bodywork.example
    SMTP error from remote mail server after RCPT TO:<maya@bodywork.example>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

From: intro@collective.example
To: maya@bodywork.example, sam@client.example
Message-ID: <intro-8@collective.example>
"""

POSTFIX = """From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: intro@collective.example
Subject: Undelivered Mail Returned to Sender

This is the mail system at host mx.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to <postmaster@mx.example>

<Maya@bodywork.example>: host mx.bodywork.example[192.0.2.1] said: 552 5.2.2
    Mailbox full (in reply to RCPT TO command)
"""

GMAIL_DELAY = """From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: intro@collective.example
Subject: Delivery Status Notification (Delay)

This is an automatically generated Delivery Status Notification

THIS IS A WARNING MESSAGE ONLY.

YOU DO NOT NEED TO RESEND YOUR MESSAGE.

Delivery to the following recipient has been delayed:

     maya@bodywork.example

Message will be retried for 2 more day(s)
"""


def test_an_exim_bounce_lists_the_failed_address_but_never_the_original_recipients():
    verdict = detect(EXIM)
    assert verdict.kind is AutoKind.BOUNCE
    assert verdict.failed_recipients == ("maya@bodywork.example",)
    assert verdict.permanent is True
    assert verdict.original_message_ids == ("<intro-8@collective.example>",)


def test_a_postfix_bounce_reads_the_address_line_and_not_the_postmaster_contact():
    verdict = detect(POSTFIX)
    assert (verdict.kind, verdict.failed_recipients, verdict.permanent) == (
        AutoKind.BOUNCE, ("maya@bodywork.example",), True)


def test_a_warning_that_delivery_is_delayed_is_a_delay():
    verdict = detect(GMAIL_DELAY)
    assert (verdict.kind, verdict.failed_recipients, verdict.permanent) == (
        AutoKind.DELAY, ("maya@bodywork.example",), False)


BARRACUDA = """From: "Barracuda Email Security Service" <postmaster@clinic.example>
To: intro@collective.example
Return-Path: <>
Subject: Message you sent blocked by our bulk email filter

Your message to: maya@clinic.example was blocked by our Spam Firewall. The email you sent with the following
subject has NOT BEEN DELIVERED:

Subject: Introduction

Reason: {}
"""


@pytest.mark.parametrize("reason", ["550 Recipient address rejected: User unknown in relay recipient table",
                                    "550 5.7.1 Message content rejected", "Recipient address rejected: User unknown"])
def test_a_block_notice_with_a_hard_failure_is_a_bounce_though_it_starts_like_a_warning(reason):
    verdict = detect(BARRACUDA.format(reason))
    assert (verdict.kind, verdict.failed_recipients, verdict.permanent) == (
        AutoKind.BOUNCE, ("maya@clinic.example",), True)


def test_a_warning_naming_the_recipient_after_your_message_to_is_still_a_delay():
    text = ("From: postmaster@clinic.example\nTo: intro@collective.example\nReturn-Path: <>\n"
            "Subject: Warning: message delayed\n\n"
            "Your message to: maya@clinic.example has not yet been delivered. It will be retried.\n")
    verdict = detect(text)
    assert (verdict.kind, verdict.failed_recipients, verdict.permanent) == (
        AutoKind.DELAY, ("maya@clinic.example",), False)


def test_the_bounces_own_sender_and_recipient_are_never_failed_recipients():
    text = EXIM.replace("  maya@bodywork.example\n", "  intro@collective.example\n")
    assert "intro@collective.example" not in detect(text).failed_recipients


def test_a_bounce_from_an_empty_sender_address_is_recognised():
    text = ("From: <>\nTo: intro@collective.example\nSubject: Delivery Status\n\n"
            "<maya@bodywork.example>   (maya@bodywork.example... No such user)\n")
    verdict = detect(text)
    assert verdict.kind is AutoKind.BOUNCE


def test_a_lone_postmaster_writing_is_automatic_but_no_bounce():
    verdict = detect("From: Bob <postmaster@clinic.example>\nTo: intro@collective.example\nSubject: Hello\n\n"
                     "Please introduce me to Maya.\n")
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_GENERATED, ("sender: postmaster",))


# --- people replying to or forwarding a robot's notice -------------------------------------------

QUOTED_BOUNCE = ("> Delivery has failed to these recipients or groups:\n> maya@old-clinic.example\n"
                 "> The email address you entered couldn't be found.\n> #550 5.1.1 RESOLVER.ADR.RecipNotFound ##\n")
SENDMAIL_FORWARDED = ("Begin forwarded message:\n\n> From: Mail Delivery Subsystem <MAILER-DAEMON>\n"
                      "> Subject: Returned mail: see transcript for details\n>\n"
                      ">    ----- The following addresses had permanent fatal errors -----\n> <maya@bodywork.example>\n"
                      ">     (reason: 550 5.1.1 User unknown)\n")
GMAIL_FORWARDED = ("---------- Forwarded message ---------\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
                   "Date: Tue, 12 Mar 2024\nSubject: Delivery Status Notification (Failure)\nTo: lena@parkclinic.example\n\n"
                   "** Address not found **\n\nYour message wasn't delivered to maya@old-clinic.example because the "
                   "address couldn't be found.\n\nThe response from the remote server was:\n"
                   "550 5.1.1 The email account that you tried to reach does not exist.\n")
OUTLOOK_FORWARDED = ("________________________________\nVon: Microsoft Outlook <postmaster@praxis.example>\n"
                     "Gesendet: Dienstag, 12. März 2024 09:14\nAn: lena@parkclinic.example\n"
                     "Betreff: Unzustellbar: Einführung\n\nDie Zustellung an folgende Empfänger oder Gruppen ist "
                     "fehlgeschlagen:\nmaya@old-clinic.example\nRemote Server returned '550 5.1.1 User unknown'\n")


@pytest.mark.parametrize("subject", ["Re: Undeliverable: Would you like an introduction to Sam Rivera?",
                                     "RE: Mail delivery failed: returning message to sender",
                                     "AW: Unzustellbar: Einführung", "SV: Kunde inte levereras: Introduktion",
                                     "Odp: Niedostarczona: Przedstawienie", "Re: Re: Delivery Status Notification"])
def test_a_persons_reply_quoting_a_bounce_is_a_person(subject):
    body = "Yes, happy to meet Sam! Your first email to my old address bounced:\n\n" + QUOTED_BOUNCE + "\nMaya"
    assert detect(person(subject, body)) is None


def test_a_one_word_answer_above_a_quoted_bounce_is_a_person():
    assert detect(person("Re: Undeliverable: Introduction", "Yes\n\n" + QUOTED_BOUNCE)) is None


@pytest.mark.parametrize("subject, forwarded", [
    ("Fwd: Delivery Status Notification (Failure)", GMAIL_FORWARDED),
    ("WG: Unzustellbar: Einführung", OUTLOOK_FORWARDED),
    ("Fwd: Returned mail: see transcript for details", SENDMAIL_FORWARDED),
])
def test_a_persons_forward_of_a_bounce_with_a_note_of_their_own_is_a_person(subject, forwarded):
    note = "Hi, Maya's email bounced: her new address is maya@new-clinic.example. Can you try again?\n\nLena\n\n"
    assert detect(person(subject, note + forwarded)) is None


def test_a_persons_html_reply_quoting_a_bounce_in_a_blockquote_is_a_person():
    html = ("<p>Yes, happy to meet Sam!</p><blockquote>Delivery has failed to these recipients or groups:<br>"
            "maya@old-clinic.example<br>#550 5.1.1 RESOLVER.ADR.RecipNotFound ##</blockquote>")
    text = f"{PERSON}Subject: Re: Undeliverable: Introduction\nContent-Type: text/html; charset=utf-8\n\n{html}\n"
    assert detect(text) is None


@pytest.mark.parametrize("note", ["", "FYI\n\n", "Forwarding this.\n\n", "Forward the message.\n\n"])
def test_a_bounce_forwarded_without_a_word_of_ones_own_is_read_as_the_bounce_it_carries(note):
    verdict = detect(person("Fwd: Returned mail: see transcript for details", note + SENDMAIL_FORWARDED))
    assert (verdict.kind, verdict.failed_recipients) == (AutoKind.BOUNCE, ("maya@bodywork.example",))


def test_an_mta_notice_whose_subject_carries_the_prefix_of_what_it_returns_is_a_bounce():
    text = ("From: MAILER-DAEMON@mx.example\nTo: intro@collective.example\n"
            "Subject: Undeliverable: Re: Would you like an introduction to Sam Rivera?\n\n"
            "Delivery has failed to these recipients or groups:\n\nmaya@old-clinic.example\n\n"
            "-----Original Message-----\nFrom: intro@collective.example\n> Would you like to be introduced?\n")
    verdict = detect(text)
    assert (verdict.kind, verdict.failed_recipients) == (AutoKind.BOUNCE, ("maya@old-clinic.example",))


def test_a_robot_prefixing_re_to_its_own_failure_text_is_a_bounce():
    text = person("RE: Your message awaits moderator approval : non remis (delivery failed)",
                  "Your message could not be delivered to\nduke@ald.example\n")
    assert detect(text).kind is AutoKind.BOUNCE


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-generated\n", "Return-Path: <>\n",
                                    "X-Failed-Recipients: maya@old-clinic.example\n", "Precedence: junk\n"])
@pytest.mark.parametrize("subject, body", [
    ("Fwd: Delivery Status Notification (Failure)", "Hi, Maya's email bounced, her new address is below.\n\n"
     + GMAIL_FORWARDED),
    ("Re: Undeliverable: Introduction", "Yes, happy to meet Sam!\n\n" + QUOTED_BOUNCE),
])
def test_a_prefixed_notice_with_a_robots_header_is_still_a_bounce(header, subject, body):
    assert detect(person(subject, body, header)).kind is AutoKind.BOUNCE


def test_a_reply_quoting_a_bounce_from_a_daemon_is_still_a_bounce():
    text = ("From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: intro@collective.example\n"
            "Subject: Re: Undeliverable: Introduction\n\nYes\n\n" + QUOTED_BOUNCE)
    assert detect(text).kind is AutoKind.BOUNCE


# --- auto-replies and other robots ---------------------------------------------------------------

@pytest.mark.parametrize("header, kind", [
    ("Auto-Submitted: auto-replied\n", AutoKind.AUTO_REPLY),
    ("Auto-Submitted: auto-generated (warning)\n", AutoKind.AUTO_GENERATED),
    ("Auto-Submitted: auto-notified\n", AutoKind.AUTO_GENERATED),
    ("Auto-Submitted: something-new\n", AutoKind.AUTO_GENERATED),
    ("X-Autoreply: yes\n", AutoKind.AUTO_REPLY),
    ("X-Autorespond: on\n", AutoKind.AUTO_REPLY),
    ("Precedence: auto_reply\n", AutoKind.AUTO_REPLY),
    ("X-Apple-Action: VACATION\n", AutoKind.AUTO_REPLY),
    ("Precedence: bulk\n", AutoKind.BULK),
    ("Precedence: junk\n", AutoKind.BULK),
    ("Precedence: list\n", AutoKind.LIST),
    ("List-Id: Therapists <therapists.lists.example>\n", AutoKind.LIST),
    ("List-Unsubscribe: <mailto:leave@lists.example>\n", AutoKind.LIST),
    ("List-Post: <mailto:therapists@lists.example>\n", AutoKind.LIST),
    ("Return-Path: <>\n", AutoKind.AUTO_GENERATED),
    ("X-Loop: therapists@lists.example\n", AutoKind.AUTO_GENERATED),
])
def test_each_robot_header_marks_the_mail_automatic(header, kind):
    assert detect(person("Re: Introduction", "Thanks for your message.", header)).kind is kind


@pytest.mark.parametrize("header", ["Auto-Submitted: no\n", "X-Auto-Response-Suppress: DR\n",
                                    "X-Auto-Response-Suppress: All\n",
                                    "Precedence: first-class\n", "Return-Path: <sam@client.example>\n",
                                    "X-Autoreply: no\n"])
def test_headers_that_deny_being_a_robot_mark_nothing(header):
    assert detect(person("Re: Introduction", "Yes, happy to be introduced.", header)) is None


@pytest.mark.parametrize("sender, kind", [
    ("MAILER-DAEMON@mx.example", AutoKind.BOUNCE),
    ("Mail Delivery Subsystem <daemon@mx.example>", AutoKind.BOUNCE),
    ("noreply@shop.example", AutoKind.AUTO_GENERATED),
    ("No Reply <no-reply@shop.example>", AutoKind.AUTO_GENERATED),
    ("do-not-reply@bank.example", AutoKind.AUTO_GENERATED),
    ("donotreply@bank.example", AutoKind.AUTO_GENERATED),
    ("alerts-noreply@service.example", AutoKind.AUTO_GENERATED),
    ("bounce-1234@mailer.example", AutoKind.AUTO_GENERATED),
    ("bounces+abc=clinic.example@esp.example", AutoKind.AUTO_GENERATED),
    ("therapists-owner@lists.example", AutoKind.AUTO_GENERATED),
])
def test_robot_senders_are_automatic(sender, kind):
    text = f"From: {sender}\nTo: intro@collective.example\nSubject: Your account\n\nHello.\n"
    assert detect(text).kind is kind


@pytest.mark.parametrize("subject", [
    "Out of Office: Introduction", "Automatic reply: Introduction", "Auto reply: Re: intro", "Autoreply",
    "[Auto-Reply] Re: intro", "Out of Office AutoReply: intro", "Réponse automatique : Introduction",
    "Absent : Introduction", "Abwesenheitsnotiz: Einführung", "Automatische Antwort: AW: Einführung",
    "Respuesta automática: Presentación", "Fuera de la oficina: hola", "Risposta automatica: Presentazione",
    "Resposta automática: Apresentação", "Afwezigheidsbericht: Introductie", "Automatisch antwoord: intro",
    "Frånvaro: Introduktion", "Automatiskt svar: intro", "Autosvar: Introduktion", "Automatisk svar: intro",
    "Fraværsmelding: intro", "Automatyczna odpowiedź: Przedstawienie", "Poza biurem: intro",
    "自動応答: ご紹介", "自动回复: 介绍",
    # an unambiguous keyword followed by more words
    "Out of office until 25 March", "Out of the office from 14 to 25 March", "Absence du cabinet",
    "Absente jusqu'au 25 mars", "Abwesend bis 25.03.: Einführung", "Nicht im Büro vom 14. bis 25. März",
    "Ausente hasta el 25 de marzo", "Fuera de la consulta hasta el lunes", "Assente fino al 25 marzo",
    "Ausência do consultório", "Afwezig tot 25 maart", "Frånvarande till 25 mars", "Fraværende til 25. marts",
    "Nieobecność w gabinecie", "Poza biurem do 25 marca",
    # tags and prefixes of particular autoresponders
    "OOO: Introduction", "OOO until Monday", "Re: Introduction (Auto-reply)", "[Auto-Reply] Introduction",
    "Introduction (Autoreply)", "Maya Chen is out of the office.", "Fraværsmeddelelse",
    "Odpowiedź automatyczna: Przedstawienie",
])
def test_out_of_office_subjects_are_auto_replies(subject):
    verdict = detect(person(subject, "Thank you for your email."))
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_REPLY, ("subject: out-of-office wording",))


@pytest.mark.parametrize("body", [
    "I am currently out of the office with limited access to email. For urgent matters please contact Jo.",
    "I'm on annual leave until 3 March and will respond upon my return.",
    "This is an automatic reply: your message has been received.",
    "Je suis actuellement absente. Pour toute urgence, veuillez contacter le secrétariat. Je vous répondrai à mon retour.",
    "Ich bin bis 10.3. nicht im Büro. In dringenden Fällen wenden Sie sich bitte an Jo.",
    "Dies ist eine automatische Antwort.",
    "Estoy fuera de la oficina. Responderé a mi regreso; para asuntos urgentes escriba a Jo.",
    "Sono fuori ufficio con accesso limitato alla posta. Risponderò al mio rientro.",
    "Estou de férias e responderei quando eu voltar. Assuntos urgentes: Jo.",
    "Ik ben momenteel afwezig. Voor dringende zaken neem contact op met Jo.",
    "Jag är ledig och återkommer när jag kommer tillbaka. Brådskande ärenden: kontakta Jo.",
    "Jeg er på ferie. Ved hjemkomst svarer jeg. Haster det, kontakt Jo.",
    "Jeg er for tiden fraværende. Haster det, kontakt Jo; jeg svarer når jeg er tilbake.",
    "Jestem na urlopie. W sprawach pilnych proszę skontaktuj się z Jo. Odpowiem po powrocie.",
    "<html><body><p>I am out of the office until Monday.</p><p>For urgent matters please contact Jo.</p></body></html>",
], ids=["en1", "en2", "en-sentence", "fr", "de", "de-sentence", "es", "it", "pt", "nl", "sv", "da", "no", "pl", "html"])
def test_out_of_office_bodies_without_telling_headers_are_auto_replies(body):
    subtype = "html" if body.startswith("<html>") else "plain"
    text = f"{PERSON}Subject: Re: Introduction\nContent-Type: text/{subtype}; charset=utf-8\n\n{body}\n"
    assert detect(text).kind is AutoKind.AUTO_REPLY


@pytest.mark.parametrize("subject, body", [
    ("Re: Introduction", "Yes please! I'm on holiday until Monday but happy to be introduced to Maya."),
    ("Re: Introduction", "Yes. I will be away next week, urgent things can wait."),
    ("Out of office next week - can you introduce Sam to Maya?", "Thanks!"),
    ("Absence of pain after the session", "Sam feels much better."),
    ("Re: Out of office", "Yes please, happy to be introduced. Sorry, my out-of-office was still on."),
    ("RE: Automatic reply: Introduction", "Ignore my auto-reply, I'm back. YES, happy to meet Sam."),
    ("Absence of reply - sorry! Yes to Sam", "Yes, happy to meet Sam."),
    ("Ausente el lunes: Sam puede venir el martes", "Hola"),  # a lone ambiguous word needs its own ":"
    ("Away this week: yes to Sam", "Happy to be introduced."),
    ("Absent clients and how to reach them", "Could you introduce Sam to Maya?"),
    ("Ooo lovely, yes please", "Happy to be introduced."),
    ("Is Maya out of the office? Sam needs her", "Could you introduce them?"),
    ("Re: Introduction", "YES\n\nOn Mon, 2 Mar 2026, Intro Assistant wrote:\n> This is an automatic message from intro."),
    ("Re: Introduction", "Oui\n\n> Ceci est un message automatique"),
    ("Mail delivery to Maya", "I think my last mail to Maya could not be delivered, can you check?"),
    ("Fwd: Undeliverable: Introduction", "Is this the right address for Maya?"),
    ("Re: Delivery report for the clinic", "The parcel arrived, thanks."),
])
def test_people_who_mention_absence_or_delivery_are_still_people(subject, body):
    assert detect(person(subject, body)) is None


# Autoresponders set up as mail rules (Apple Mail "Reply to Message", Outlook templates, Notes agents)
# send no telling header: their wording alone must give them away.
@pytest.mark.parametrize("body", [
    "Thank you for your email. I am away from the clinic until Monday 25 March and will reply on my return.",
    "I will be out of the office starting 14/03/2024.\n\nI will respond to your message when I return.",
    "Thanks for your message! The clinic is closed for Easter until 2 April. We will respond when we reopen.",
    "Hello, I am on maternity leave until January and will not be checking this inbox.",
    "Bonjour,\n\nJe suis absente du cabinet jusqu'au 25 mars. Je vous répondrai à mon retour.",
    "Guten Tag,\n\nich bin bis einschließlich 25. März nicht in der Praxis. Ihre E-Mail wird nicht weitergeleitet.",
    "Gracias por su mensaje. Estaré fuera de la consulta hasta el 25 de marzo. Le responderé a mi vuelta.",
    "Buongiorno,\n\nlo studio resterà chiuso fino al 25 marzo. Risponderò alla sua email al rientro.",
    "Obrigada pelo seu e-mail. Estarei ausente do consultório até dia 25. Responderei assim que regressar.",
    "Dank voor uw bericht. Ik ben tot en met 25 maart met vakantie. Na mijn vakantie beantwoord ik uw e-mail.",
    "Tack för ditt mejl. Jag är på semester till och med 25 mars och svarar när jag är tillbaka.",
    "Jeg holder ferie frem til den 25. marts og læser ikke mails. Jeg svarer, når jeg er tilbage.",
    "Takk for e-posten din. Jeg har ferie frem til 25. mars og svarer når jeg er tilbake.",
    "Dzień dobry,\n\ndziękuję za wiadomość. Przebywam na urlopie do 25 marca. Odpowiem po powrocie.",
], ids=["en-return", "en-notes", "en-clinic-closed", "en-maternity", "fr", "de", "es", "it", "pt", "nl", "sv", "da",
        "no", "pl"])
def test_rule_made_out_of_office_replies_are_auto_replies(body):
    verdict = detect(person("Re: Introduction", body + "\n\nMaya Chen"))
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_REPLY, ("body: out-of-office wording",))


@pytest.mark.parametrize("sentence", [
    "This email was automatically generated.", "I apologize for this automatic reply to your email.",
    "Ce message a été généré automatiquement.", "Dies ist eine automatisch generierte E-Mail.",
    "Diese Nachricht wurde automatisch erzeugt.", "Este mensaje ha sido generado automáticamente.",
    "Messaggio generato automaticamente, si prega di non rispondere.", "Esta mensagem foi gerada automaticamente.",
    "Dit is een automatisch gegenereerd bericht.", "Detta är ett automatiskt genererat meddelande.",
    "Dette er en automatisk genereret e-mail.", "Dette er en automatisk generert e-post.",
    "Wiadomość została wygenerowana automatycznie.",
], ids=["en", "en-apology", "fr", "de", "de-wurde", "es", "it", "pt", "nl", "sv", "da", "no", "pl"])
def test_a_sentence_saying_the_mail_was_generated_automatically_makes_an_auto_reply(sentence):
    verdict = detect(person("Re: Introduction", f"Hello,\n\n{sentence}\n\nThe clinic"))
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_REPLY, ("body: automatic-reply sentence",))


@pytest.mark.parametrize("sentence", [
    "This mailbox is no longer monitored.", "This inbox is not monitored over the weekend.",
    "Cette adresse n'est plus consultée.", "Dieses Postfach wird nicht mehr überwacht.",
    "Este buzón no está monitorizado.", "Questa casella non è più monitorata.",
    "Esta caixa de correio não é monitorizada.", "Deze mailbox wordt niet meer gelezen.",
    "Denna inkorg bevakas inte.", "Denne indbakke overvåges ikke.", "Denne innboksen overvåkes ikke.",
    "Ta skrzynka nie jest monitorowana.",
], ids=["en", "en-weekend", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl"])
def test_an_unmonitored_mailbox_answering_for_itself_is_an_auto_reply(sentence):
    verdict = detect(person("Re: Introduction", f"Thank you for your email. {sentence} Please call reception."))
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_REPLY, ("body: unmonitored-mailbox sentence",))


@pytest.mark.parametrize("body", [
    "Thank you for contacting Harbour Clinic. We have received your message and a member of our team will get "
    "back to you within 2 working days.",
    "Yes, we have received your email! Our reception team answers all messages within 48 hours.",
    "We would like to acknowledge that we have received your request and a ticket has been created.",
    "Your request (4821) has been received and is being reviewed by our support staff.",
    "Nous accusons bonne réception de votre message. Le secrétariat vous répondra sous 48 heures.",
    "Wir haben Ihre E-Mail erhalten und melden uns schnellstmöglich bei Ihnen.",
    "Hemos recibido su mensaje. Le responderemos lo antes posible.",
    "Abbiamo ricevuto la sua email e le risponderemo al più presto.",
    "Recebemos a sua mensagem e responderemos o mais breve possível.",
    "Wij hebben uw bericht in goede orde ontvangen en nemen zo spoedig mogelijk contact met u op.",
    "Vi har tagit emot ditt mejl och återkommer så snart vi kan.",
    "Vi har modtaget din mail og vender tilbage hurtigst muligt.",
    "Vi har mottatt e-posten din og svarer så snart som mulig.",
    "Otrzymaliśmy Państwa e-mail i odpowiemy najszybciej, jak to możliwe.",
], ids=["en", "en-yes", "freshdesk", "zendesk", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl"])
def test_an_acknowledgement_promising_an_answer_is_an_auto_reply_even_when_it_opens_with_yes(body):
    verdict = detect(person("Re: Introduction", f"Hello,\n\n{body}\n\nThe clinic team"))
    assert (verdict.kind, verdict.reasons) == (AutoKind.AUTO_REPLY, ("body: acknowledgement of receipt",))


@pytest.mark.parametrize("body", [
    "Thanks, we have received your email. Yes, Maya would be happy to meet Sam.",  # no promise of an answer
    "Yes, Maya is happy to be introduced. We have received your message and she will get back to you "
    "within 2 days.",
    "Yes, happy to. I'll call Sam when I'm back.",  # a return phrase without an absence
    "Yes please. This mailbox is not monitored at weekends, so Sam should call.",
    "Ja, gerne.\n\nMaya Chen\nDiese E-Mail wurde automatisch erstellt und ist ohne Unterschrift gültig.",
    "No thanks. Ta skrzynka nie jest monitorowana, proszę dzwonić.",
])
def test_people_writing_robot_like_sentences_after_their_answer_are_people(body):
    assert detect(person("Re: Introduction", body)) is None


# A person who answers first and then mentions being away (or signs with a leave notice) is a person:
# the body rule reads only up to the robot wording, and a YES or NO before it wins.
@pytest.mark.parametrize("body", [
    "Yes please! I'm on holiday until Monday with limited access to email, but very happy to meet Sam. "
    "I'll get in touch with him upon my return.",
    "Yes, happy to! I'm out of the office this week, but for urgent matters my mobile is 07700 900123.",
    "No thank you. I'm on maternity leave and not taking new clients in my absence.",
    "No, sorry — I'm on sick leave for a while. In case of urgent enquiries Sam could try Dr Park.",
    "Yes, happy to be introduced to Sam.\n\nMaya Chen\nAcupuncturist\nPlease note: I am away on annual leave "
    "from 1–12 April. In my absence please contact reception.",
    "No thank you, my list is full at the moment.\n\nMaya Chen | Physiotherapist\nI will be on annual leave "
    "from 29 March to 8 April; during my absence please contact reception.",
    "Yes! (I thought at first this is an automated message, but happy to meet Sam.)",
    "Oui, avec plaisir ! Je suis en vacances jusqu'au 20, je contacterai Sam dès mon retour.",
    "Oui pour la mise en relation. Je suis absente demain ; en cas d'urgence, Sam peut m'appeler.",
    "Oui, avec plaisir.\n\nMaya Chen\nJe serai absente du 1er au 12 avril. Pour toute urgence, merci de "
    "contacter le cabinet.",
    "Oui, avec plaisir. Je pensais que ceci est un message automatique, mais je réponds quand même !",
    "Ja, sehr gerne! Ich bin zurzeit im Urlaub, melde mich aber nach meiner Rückkehr bei Sam.",
    "Ja, gerne.\n\nMaya Chen\nHinweis: Ich bin vom 1. bis 12. April im Urlaub. In dringenden Fällen wenden "
    "Sie sich bitte an die Praxis.",
    "¡Sí, encantada! Estoy de vacaciones hasta el lunes; a mi regreso le escribo a Sam.",
    "Sì, volentieri! Sono in ferie fino a lunedì, al mio rientro contatto Sam.",
    "Sim, com todo o gosto! Estou de férias até segunda, no meu regresso falo com o Sam.",
    "Ja, graag! Ik ben op vakantie tot maandag, na mijn terugkeer neem ik contact op met Sam.",
    "Ja gärna! Jag är på semester till måndag men hör av mig till Sam vid återkomst.",
    "Ja tak! Jeg er på ferie til mandag, men skriver til Sam ved hjemkomst.",
    "Ja, gjerne! Jeg er på ferie til mandag, men tar kontakt med Sam når jeg er tilbake.",
    "Tak, chętnie! Jestem na urlopie do poniedziałku, po powrocie napiszę do Sama.",
], ids=["en-yes-holiday", "en-yes-urgent", "en-no-leave", "en-no-sick", "en-signature", "en-no-signature",
        "en-automated", "fr-yes", "fr-urgence", "fr-signature", "fr-automatique", "de-yes", "de-signature", "es",
        "it", "pt", "nl", "sv", "da", "no", "pl"])
def test_an_answer_before_the_out_of_office_wording_is_a_persons_answer(body):
    assert detect(person("Re: Introduction", body + "\n\nOn Mon, 2 Mar 2026, Intro wrote:\n> Reply YES or NO.")) is None


@pytest.mark.parametrize("body", [
    "Yes, this is an automatic reply: I am away until Monday.",
    "Thank you for your email. I am out of the office until Monday with limited access to email.",
    "Hello,\n\nI am on annual leave. In my absence please contact reception. No, I will not reply.",
])
def test_a_robot_sentence_or_absence_before_any_answer_is_still_an_auto_reply(body):
    assert detect(person("Re: Introduction", body)).kind is AutoKind.AUTO_REPLY


def test_an_absence_then_a_yes_is_left_to_the_person_but_marked_as_robot_wording_first():
    # The service reads no consent from it (tests/test_conversations.py): the writer is asked again.
    body = "Hello,\n\nI am on annual leave. In my absence please contact reception. Yes, I will reply to you."
    assert detect(person("Re: Introduction", body)) is None
    assert robot_wording_first(body) == "body: out-of-office wording"
    assert robot_wording_first("Yes please! I am on annual leave; in my absence contact reception.") is None


def test_an_auto_reply_names_the_message_it_answers():
    text = person("Automatic reply: Introduction", "Away.", "In-Reply-To: <ask-5@collective.example>\n"
                  "References: <ask-1@collective.example> <ask-5@collective.example>\n")
    assert detect(text).original_message_ids == ("<ask-5@collective.example>", "<ask-1@collective.example>")


ASKED_ADDRESS_ANSWER = ("To: intro+k3vq7mzt2nfhxw4jaebrc5ydlo@collective.example\n"
                        "Subject: Re: Would you like an introduction to Sam Rivera?\n"
                        "In-Reply-To: <k3vq7mzt2nfhxw4jaebrc5ydlo.q2m7x4pbn3ka@collective.example>\n")


@pytest.mark.parametrize("sender", ["Harbour Clinic <clinic-owner@harbourclinic.example>",
                                    "Harbour Clinic <booking-request@harbourclinic.example>",
                                    "Maya Chen | Mail Delivery Service Ltd <maya@maildelivery-service.example>"])
def test_an_answer_from_the_address_we_asked_is_a_persons_whatever_its_list_shape_or_name(sender):
    text = f"From: {sender}\n{ASKED_ADDRESS_ANSWER}\nYes, Maya would be happy to meet Sam.\n"
    assert detect(text) is not None  # from an address nobody asked, the same shape is a robot's
    assert detect(text, asked=True) is None


@pytest.mark.parametrize("sender", ["Front Desk <postmaster@harbourclinic.example>",
                                    "Harbour Clinic <noreply@harbourclinic.example>",
                                    "MAILER-DAEMON@harbourclinic.example", "Abuse Desk <abuse@bigisp.example>"])
def test_a_daemon_postmaster_no_reply_or_abuse_address_is_a_robot_even_when_we_asked_it(sender):
    """RFC 2142, RFC 3834 and RELIABILITY 17: nothing from these counts, whoever typed the address into a
    request; and an abuse desk's complaint about our ask must not earn its reporter another mail."""
    text = f"From: {sender}\n{ASKED_ADDRESS_ANSWER}\nYes, Maya would be happy to meet Sam.\n"
    assert detect(text) is not None and detect(text, asked=True) is not None


@pytest.mark.parametrize("headers, body, kind", [
    ("Auto-Submitted: auto-replied\n", "Thank you for your message.", AutoKind.AUTO_REPLY),
    ("X-Autoreply: yes\n", "Thank you for your message.", AutoKind.AUTO_REPLY),
    ("", "I am out of the office until Monday 9 March with limited access to email.", AutoKind.AUTO_REPLY),
    ("", "This is an automatic reply: we have received your message.", AutoKind.AUTO_REPLY),
    ("List-Id: Clinic news <news.harbourclinic.example>\n", "Yes, happy to.", AutoKind.LIST),
    ("Return-Path: <>\nX-Failed-Recipients: maya@old-clinic.example\n",
     "Delivery to the following recipient failed permanently:\n\n    maya@old-clinic.example\n", AutoKind.BOUNCE),
])
def test_the_address_we_asked_still_shows_a_robot_by_its_headers_and_wording(headers, body, kind):
    text = f"From: Harbour Clinic <booking-request@harbourclinic.example>\n{ASKED_ADDRESS_ANSWER}{headers}\n{body}\n"
    assert detect(text, asked=True).kind is kind


@pytest.mark.parametrize("sender", ["Sam Rivera <sam@client.example>", "frontdesk-admin@clinic.example",
                                    "Bounce Therapy <hello@bouncetherapy.example>", "replies@clinic.example"])
def test_a_plain_message_from_a_person_is_not_automatic(sender):
    text = (f"From: {sender}\nTo: intro@collective.example\nSubject: Please introduce Sam to Maya Chen\n\n"
            "Hi, could you introduce Sam to Maya?\n")
    assert detect(text) is None


# --- wild input -----------------------------------------------------------------------------------

PATHOLOGICAL_BODIES = ["a" * 500_000, " " * 500_000, "\n" * 500_000, "a@" * 250_000, "<" * 500_000,
                       "following address " * 25_000, "550 " * 120_000, "Message-ID: <" * 40_000, "( " * 250_000,
                       ("wrote " * 2000 + "\n") * 40, "> x\n" * 125_000, "From: x\n" * 60_000]


@pytest.mark.timeout(60)  # each of these took minutes while a pattern was quadratic
@pytest.mark.parametrize("body", PATHOLOGICAL_BODIES)
def test_pathological_bounce_texts_are_read_in_linear_time(body):
    text = ("From: MAILER-DAEMON@mx.example\nTo: intro@collective.example\n"
            "Subject: Undelivered Mail Returned to Sender\n\n" + body)
    assert detect_automatic(parse_message(text.encode()), LOOP).kind is AutoKind.BOUNCE


def test_a_report_with_a_line_longer_than_any_mta_writes_is_left_to_our_own_patterns():
    # flufl.bounce reads ", sam@client.example," as the failed address of LLNL's Sendmail; that pattern takes
    # time as the square of a line's length (a line of 200,000 commas and dots took 24 s), and no MTA writes a
    # line longer than RFC 5322's 998 characters.
    text = ("From: MAILER-DAEMON@mx.example\nTo: intro@collective.example\nSubject: Returned mail\n\n"
            "The message could not be sent, sam@client.example, as that host is down.\n")

    assert detect(text).failed_recipients == ("sam@client.example",)
    assert detect(text + "x" * 998 + "\n").failed_recipients == ("sam@client.example",)
    assert detect(text + "x" * 999 + "\n").failed_recipients == ()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("subject", ["Re: Undeliverable: Introduction", "Fwd: Delivery Status Notification (Failure)"])
@pytest.mark.parametrize("body", PATHOLOGICAL_BODIES)
def test_pathological_texts_of_a_person_passing_on_a_notice_are_read_in_linear_time(subject, body):
    text = f"{PERSON}Subject: {subject}\n\n{body}"
    verdict = detect_automatic(parse_message(text.encode()), LOOP)
    assert verdict is None or verdict.kind is AutoKind.BOUNCE


HEADER_LINES = st.sampled_from([
    "From: MAILER-DAEMON@x.example", "From: <>", "From: postmaster@x.example", "From: a@b.example",
    "Return-Path: <>", "Auto-Submitted: auto-replied", "Precedence: bulk", "List-Id: <x>",
    "Subject: Undelivered Mail Returned to Sender", "Subject: Out of Office: x", "Subject: =?utf-8?q?x?=",
    "X-Failed-Recipients: x@y.example, ((((", "Content-Type: multipart/report; report-type=delivery-status; boundary=b",
    "Content-Type: multipart/mixed; boundary=b", "Content-Type: message/delivery-status",
    "Content-Type: text/plain; charset=bogus", "Content-Transfer-Encoding: base64", "X-Introbot-Loop: x",
])
BODY_LINES = st.sampled_from([
    "--b", "--b--", "Content-Type: message/delivery-status", "Content-Type: message/rfc822", "Action: failed",
    "Action: delayed", "Status: 5.1.1", "Status: 9.9.9", "Final-Recipient: rfc822; x@y.example",
    "Final-Recipient: ;;;<<>>", "The following addresses failed:", "<x@y.example>: host said: 550", "",
    "Message-ID: <a@b>", "I am out of the office with limited access", "\x00\xff", "RCPT TO:<x@y.example>",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HEADER_LINES, max_size=8), st.lists(st.one_of(BODY_LINES, st.text(max_size=30)), max_size=30))
def test_detect_automatic_never_raises_on_whatever_parse_message_accepts(headers, body):
    raw = "\n".join(["From: a@b.example"] + headers + [""] + body).encode("utf-8", "surrogateescape")
    try:
        msg = parse_message(raw)
    except UnreadableMessage:
        return
    verdict = detect_automatic(msg, LOOP)
    if verdict is not None:
        assert all(address == address.lower() and "@" in address for address in verdict.failed_recipients)
        assert all(message_id.startswith("<") for message_id in verdict.original_message_ids)


@pytest.mark.parametrize("subject", ["Out of office until 25 March - please introduce Sam to Maya",
                                     "OOO next week: intro Sam / Maya", "Fwd: Undeliverable: Maya, meet Sam"])
def test_without_reading_wording_a_subject_says_nothing_of_a_robot(subject):
    request = EmailMessage()
    request["From"], request["To"], request["Subject"] = "Ada Lee <ada@clinic.example>", "intro@collective.example", subject
    request.set_content("Could you introduce Sam Rivera <sam@client.example> to Maya Chen? 550 5.1.1 was the old one.")
    assert detect_automatic(request) is not None
    assert detect_automatic(request, read_wording=False) is None


def test_without_reading_wording_only_headers_and_reports_decide():
    leave = EmailMessage()
    leave["From"], leave["To"], leave["Subject"] = "Ada Lee <ada@clinic.example>", "intro@collective.example", "Sam"
    leave.set_content("Maya, could you see Sam? I am out of the office next week; in my absence please "
                      "contact reception, and I'll reply upon my return.")
    assert detect_automatic(leave) is not None  # read as wording alone, this is an autoresponder's
    assert detect_automatic(leave, read_wording=False) is None
    leave["Auto-Submitted"] = "auto-replied"
    assert detect_automatic(leave, read_wording=False).kind is AutoKind.AUTO_REPLY


@pytest.mark.parametrize("body", [
    "I'm on holiday until Monday. Yes please, I'll contact Maya on my return!",
    "Je suis en vacances jusqu'à lundi. Oui, avec plaisir, je la contacterai à mon retour.",
])
def test_a_persons_absence_with_their_yes_after_it_is_a_person(body):
    answer = EmailMessage()
    answer["From"], answer["To"], answer["Subject"] = "sam@client.example", "intro@collective.example", "Re: Maya?"
    answer.set_content(body)
    assert detect_automatic(answer) is None
    answer.set_content("I am on holiday until Monday and will reply on my return.")
    assert detect_automatic(answer).kind is AutoKind.AUTO_REPLY


@pytest.mark.parametrize("method, subject", [("REQUEST", "Invitation: Intro call"), ("REPLY", "Accepted: Intro call"),
                                             ("CANCEL", "Canceled event: Intro call")])
def test_a_calendar_invitation_or_its_answer_is_a_calendars_not_a_persons(method, subject):
    invite = EmailMessage()
    invite["From"], invite["To"], invite["Subject"] = "Maya Chen <maya@bodywork.example>", "intro@collective.example", subject
    invite.set_content("You have been invited to the following event.\n\nYes\nNo\nMaybe\n")
    invite.add_alternative(f"BEGIN:VCALENDAR\nMETHOD:{method}\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n",
                           subtype="calendar", params={"method": method})
    verdict = detect_automatic(invite)
    assert verdict.kind is AutoKind.AUTO_GENERATED and verdict.reasons == (f"calendar {method.lower()}",)


@pytest.mark.parametrize("method", ["", "METHOD:PUBLISH\n", "METHOD:REQUEST\n"])
def test_a_calendar_file_a_person_attaches_is_still_their_mail(method):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Sam <sam@client.example>", "intro@collective.example", "Re: Maya?"
    mail.set_content("Yes please! My free times are attached.")
    mail.add_attachment(f"BEGIN:VCALENDAR\n{method}BEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n", subtype="calendar",
                        filename="free.ics")
    assert detect_automatic(mail) is None


def test_a_published_calendar_inline_is_no_invitation():
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Sam <sam@client.example>", "intro@collective.example", "Re: Maya?"
    mail.set_content("Yes please! Here is my week.")
    mail.add_alternative("BEGIN:VCALENDAR\nMETHOD:PUBLISH\nEND:VCALENDAR\n", subtype="calendar",
                         params={"method": "PUBLISH"})
    assert detect_automatic(mail) is None


@pytest.mark.parametrize("body", [
    "Hello,\n\nI'm protecting myself from junk mail. Please click the link below to complete the verification "
    "process.\n\nhttp://www.spamarrest.example/verify?h=abc\n\nPlease verify you are human.",
    "Boxbe: Maya Chen has a Guest List. Click to request approval.",
])
def test_a_challenge_response_filter_is_a_robot(body):
    assert detect(person("Re: Introduction", body)).kind is AutoKind.AUTO_REPLY


def test_a_person_mentioning_verification_after_their_answer_is_a_person():
    assert detect(person("Re: Introduction", "Yes please! Do I need to verify that you are human first? :)")) is None


def test_the_addresses_a_bounce_names_in_its_own_words_stop_where_the_returned_original_starts():
    bounce = EmailMessage()
    bounce["From"], bounce["To"] = "MAILER-DAEMON@mx.bodywork.example", "intro+abc@collective.example"
    bounce["Subject"] = "Unzustellbar: Sam, meet Maya"
    bounce.set_content("Die Zustellung an folgende Empfänger ist fehlgeschlagen: maya@bodywork.example\n\n"
                       "---- Originalnachricht ----\nAn: sam@client.example, maya@bodywork.example\n")
    assert addresses_in_notice(bounce) == ("maya@bodywork.example",)


def test_a_delay_warning_quoting_a_user_unknown_reply_is_still_a_delay():
    warning = EmailMessage()
    warning["From"], warning["To"] = "Mail Delivery System <Mailer-Daemon@mx.clinic.example>", "intro+a@collective.example"
    warning["Subject"], warning["Return-Path"] = "Warning: message 1abc-000 delayed 24 hours", "<>"
    warning.set_content("A message that you sent has not yet been delivered to one or more of its recipients after "
                        "more than 24 hours on the queue.\n\n  maya@bodywork.example\n    host mx.bodywork.example: "
                        "450 4.1.1 <maya@bodywork.example>: Recipient address rejected: User unknown\n\n"
                        "Delivery attempts will continue for some time.\n")
    verdict = detect_automatic(warning)
    assert verdict.kind is AutoKind.DELAY and verdict.failed_recipients == ("maya@bodywork.example",)


@pytest.mark.parametrize("words, answer", [
    ("Yes please!", Answer.YES),
    ("No thanks.", Answer.NO),
    ("I am on holiday until Monday; in my absence please contact reception. Yes please!", Answer.UNCLEAR),
    ("Yes! This is an automatic reply: I am away until Monday.", Answer.UNCLEAR),
    ("Yes please! I am on annual leave 1-12 April; in my absence contact reception.", Answer.YES),
])
def test_a_yes_beside_an_autoresponders_wording_never_counts_as_consent(words, answer):
    assert read_consent(words).answer is answer


@pytest.mark.parametrize("words, answer", [
    ("Yes please\n\nSam Rivera\nGraphic designer\nIf you email on a Friday, I reply the week after.", Answer.YES),
    ("Yes please\n\nSam Rivera\nNo thanks, on second thought", Answer.NO),  # the "signature" answers (rule 11d)
    ("Sure\n\nSam\n\nP.S. only if she does evenings, otherwise no", Answer.UNCLEAR),
    ("Yes I think so...\nMaybe not though", Answer.UNCLEAR),
])
def test_the_signature_found_by_the_writers_name_is_set_aside_only_when_it_answers_nothing(words, answer):
    assert read_consent(words, signed_by="Sam Rivera").answer is answer
    if answer is Answer.YES:
        assert read_consent(words).answer is Answer.UNCLEAR  # without the name, the signature clouds it


@pytest.mark.parametrize("header", ["X-Mailin-Campaign: 42", "X-campaignid: mailchimp4b1d.9f2c", "X-Campaign: mc.4b1d",
                                    "X-Roving-Campaignid: 1134592"])
def test_a_newsletter_without_list_headers_is_bulk_by_its_campaign_header(header):
    text = (f"From: Harbour Physio <hello@harbourphysio.example>\nTo: intro@collective.example\n{header}\n"
            "Subject: March newsletter\n\nDear colleague, our March newsletter: new yoga classes with Maya Chen.\n")
    assert detect(text).kind is AutoKind.BULK
    answer = f"From: Maya Chen <maya@bodywork.example>\n{ASKED_ADDRESS_ANSWER}{header}\n\nYes, happy to.\n"
    assert detect(answer, asked=True) is None  # the asked address, sending through a bulk service's relay


def test_a_certified_relays_csa_header_alone_makes_no_robot():
    text = ("From: Harbour Physio <hello@harbourphysio.example>\nTo: intro@collective.example\n"
            "X-CSA-Complaints: csa-complaints@eco.de\nSubject: Intro please\n\nPlease introduce Sam to Maya Chen.\n")
    assert detect(text) is None
