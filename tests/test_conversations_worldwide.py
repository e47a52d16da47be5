"""Forwards from every mail-client family and consent answers in five languages, through real servers."""

from __future__ import annotations

import textwrap
from email.message import EmailMessage

import pytest

from tests.conversation import ADA, BOT, MAYA, SAM, World, new_message, reply

SAM_WRITES = "Hi Dr. Lee,\n\nThank you for today. My back is still sore; do you know someone for massage?\n\nSam\n"
NOTE = "Maya, could you see Sam? Thanks, Ada"


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def forward_with(body_below_note: str, subject: str = "Fwd: Back pain", note: str = NOTE) -> EmailMessage:
    return new_message(ADA, ("Intro", BOT), subject, f"{note}\n\n{textwrap.dedent(body_below_note).lstrip()}")


APPLE_MAIL = f"""\
Begin forwarded message:

From: Sam Rivera <sam@client.example>
Subject: Back pain
Date: 2 March 2026 at 09:00:00 GMT
To: Dr. Ada Lee <ada@clinic.example>

{SAM_WRITES}"""

OUTLOOK = f"""\
________________________________
From: Sam Rivera <sam@client.example>
Sent: Monday, March 2, 2026 9:00 AM
To: Dr. Ada Lee <ada@clinic.example>
Subject: Back pain

{SAM_WRITES}"""

THUNDERBIRD = f"""\
-------- Forwarded Message --------
Subject: \tBack pain
Date: \tMon, 2 Mar 2026 09:00:00 +0000
From: \tSam Rivera <sam@client.example>
To: \tDr. Ada Lee <ada@clinic.example>

{SAM_WRITES}"""

GMAIL = f"""\
---------- Forwarded message ---------
From: Sam Rivera <sam@client.example>
Date: Mon, 2 Mar 2026 at 09:00
Subject: Back pain
To: Dr. Ada Lee <ada@clinic.example>

{SAM_WRITES}"""


def attached_forward() -> EmailMessage:
    """A forward 'as attachment': the practitioner's note, then the client's whole message."""
    original = new_message(SAM, ADA, "Back pain", SAM_WRITES)
    message = new_message(ADA, ("Intro", BOT), "Fwd: Back pain", NOTE + "\n")
    message.add_attachment(original)
    return message


@pytest.mark.parametrize("family, request_message", [
    ("gmail", lambda: forward_with(GMAIL)),
    ("apple-mail", lambda: forward_with(APPLE_MAIL)),
    ("outlook", lambda: forward_with(OUTLOOK, subject="FW: Back pain")),
    ("thunderbird", lambda: forward_with(THUNDERBIRD)),
    ("attached", attached_forward),
])
def test_a_forward_from_each_client_family_asks_the_right_client(world, family, request_message):
    world.send(request_message(), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in ask["Subject"], family
    assert world.inbox(MAYA) == [] and world.inbox(ADA) == []


# (language, the practitioner's mail client's forward header, the client's words, their yes, the
#  attribution line of their reply, a word the ask must use in that language)
LANGUAGES = [
    ("fr", "De : Sam Rivera <sam@client.example>\nEnvoyé : lundi 2 mars 2026 09:00\n"
           "À : Dr. Ada Lee <ada@clinic.example>\nObjet : Mal de dos\n",
     "Bonjour Docteur,\n\nJ'ai toujours mal au dos et je ne sais pas qui voir pour un massage. "
     "Est-ce que vous avez une adresse ?\n\nMerci, Sam\n",
     "Oui, avec plaisir !", "Le lun. 2 mars 2026 à 10:00, {sender} a écrit :", "OUI"),
    ("de", "---------- Weitergeleitete Nachricht ---------\nVon: Sam Rivera <sam@client.example>\n"
           "Date: Mo., 2. März 2026 um 09:00 Uhr\nSubject: Rückenschmerzen\nTo: Dr. Ada Lee <ada@clinic.example>\n",
     "Hallo Frau Doktor,\n\nich habe immer noch Rückenschmerzen und ich weiß nicht, wer mir mit einer Massage "
     "helfen kann. Haben Sie eine Empfehlung für mich?\n\nDanke, Sam\n",
     "Ja, gerne!", "Am Mo., 2. März 2026 um 10:00 Uhr schrieb {sender}:", "JA"),
    ("es", "---------- Mensaje reenviado ---------\nDe: Sam Rivera <sam@client.example>\n"
           "Date: lun, 2 mar 2026 a las 9:00\nSubject: Dolor de espalda\nTo: Dr. Ada Lee <ada@clinic.example>\n",
     "Hola doctora,\n\nTodavía tengo dolor de espalda y no sé a quién ver para un masaje. "
     "¿Tiene usted una recomendación para mi?\n\nGracias, Sam\n",
     "Sí, claro.", "El lun, 2 mar 2026 a las 10:00, {sender} escribió:", "SÍ"),
    ("it", "---------- Messaggio inoltrato ---------\nDa: Sam Rivera <sam@client.example>\n"
           "Date: lun 2 mar 2026 alle ore 09:00\nSubject: Mal di schiena\nTo: Dr. Ada Lee <ada@clinic.example>\n",
     "Buongiorno dottoressa,\n\nho ancora mal di schiena e non so chi vedere per un massaggio. "
     "Ha un nome per me? Grazie molto.\n\nSam\n",
     "Sì, volentieri!", "Il giorno lun 2 mar 2026 alle ore 10:00 {sender} ha scritto:", "YES"),
    ("nl", "---------- Doorgestuurd bericht ---------\nVan: Sam Rivera <sam@client.example>\n"
           "Date: ma 2 mrt 2026 om 09:00\nSubject: Rugpijn\nTo: Dr. Ada Lee <ada@clinic.example>\n",
     "Hallo dokter,\n\nIk heb nog steeds rugpijn en ik weet niet bij wie ik voor een massage moet zijn. "
     "Heeft u een naam voor mij?\n\nDank u, Sam\n",
     "Ja, graag!", "Op ma 2 mrt 2026 om 10:00 schreef {sender}:", "YES"),
]


@pytest.mark.parametrize("language, header, words, yes, attribution, ask_word", LANGUAGES,
                         ids=[case[0] for case in LANGUAGES])
def test_a_client_writing_in_their_language_is_asked_in_it_and_their_yes_is_understood(
        world, language, header, words, yes, attribution, ask_word):
    request = forward_with(f"{header}\n{words}", note="Maya pourrait voir Sam / Maya could see Sam. Ada")
    world.send(request, sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert ask_word in ask.get_body(("plain",)).get_content()
    world.send(reply(ask, SAM, yes, attribution=attribution), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)  # the yes, in the client's words, was understood
    assert "Rivera" not in colleague_ask.get_body(("plain",)).get_content()
