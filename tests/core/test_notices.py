"""Notices that mail systems add (disclaimers, external-sender warnings) are never read as anyone's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.core.answers import Answer, read_answer
from introbot.core.notices import notice_lines
from introbot.core.quotes import clean_lines, split_reply
from introbot.core.request import understand
from tests.core.test_request import ADA, BOT, DIRECTORY, MAYA, message

# What clinics, hospitals and firms append, in the languages answers are read in (their usual wording).
DISCLAIMERS = {
    "en": "CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the "
          "intended recipient(s) and may contain confidential and privileged information. Any unauthorized review, "
          "use, disclosure or distribution is prohibited. If you are not the intended recipient, please contact "
          "the sender by reply e-mail and destroy all copies of the original message.",
    "fr": "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de son "
          "destinataire. Si vous avez reçu ce message par erreur, merci d'en avertir immédiatement l'expéditeur "
          "et de le supprimer.",
    "de": "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Empfänger sind oder diese "
          "E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese "
          "E-Mail. Das unerlaubte Kopieren sowie die unbefugte Weitergabe dieser E-Mail ist nicht gestattet.",
    "es": "Este mensaje y sus adjuntos son confidenciales y están dirigidos exclusivamente a su destinatario. Si "
          "usted lo ha recibido por error, le rogamos que lo comunique al remitente y proceda a su eliminación.",
    "it": "Questo messaggio e i suoi allegati sono riservati e destinati esclusivamente al destinatario indicato. "
          "Se lo avete ricevuto per errore, vi preghiamo di avvisare il mittente e di cancellarlo.",
    "pt": "Esta mensagem e os seus anexos são confidenciais e destinam-se exclusivamente ao destinatário. Se a "
          "recebeu por engano, por favor informe o remetente e apague-a do seu sistema.",
    "nl": "Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde. Indien u dit bericht ten "
          "onrechte heeft ontvangen, wordt u verzocht de afzender te informeren en het bericht te verwijderen.",
    "sv": "Detta meddelande är konfidentiellt och endast avsett för mottagaren. Om du har fått det av misstag, "
          "vänligen meddela avsändaren och radera meddelandet.",
    "da": "Denne e-mail er fortrolig og kun beregnet til modtageren. Hvis du har modtaget den ved en fejl, bedes "
          "du straks underrette afsenderen og slette den.",
    "no": "Denne e-posten er konfidensiell og kun ment for mottakeren. Dersom du har mottatt den ved en feil, "
          "vennligst gi beskjed til avsender og slett den.",
    "pl": "Ta wiadomość jest poufna i przeznaczona wyłącznie dla adresata. Jeżeli otrzymali Państwo ją omyłkowo, "
          "prosimy o powiadomienie nadawcy i usunięcie wiadomości.",
}
ANSWERS = {"en": ("Yes please!", "No thanks."), "fr": ("Oui avec plaisir", "Non merci."),
           "de": ("Ja, gerne.", "Nein, danke."), "es": ("Sí, claro.", "No, gracias."),
           "it": ("Sì, volentieri.", "No, grazie."), "pt": ("Sim, claro.", "Não, obrigado."),
           "nl": ("Ja, graag.", "Nee, dank je."), "sv": ("Ja, gärna.", "Nej tack."),
           "da": ("Ja tak.", "Nej tak."), "no": ("Ja, gjerne.", "Nei takk."), "pl": ("Tak, chętnie.", "Nie, dziękuję.")}
BANNERS = (
    "CAUTION: This email originated from outside of the organization. Do not click links or open attachments "
    "unless you recognize the sender and know the content is safe.",
    "[EXTERNAL] This email originated outside the organisation. Do not click links or open attachments unless "
    "you recognise the sender and know the content is safe.",
    "You don't often get email from sam@client.example. Learn why this is important "
    "<https://aka.ms/LearnAboutSenderIdentification>",
    "Sie erhalten nicht oft E-Mails von sam@client.example. Erfahren Sie, warum dies wichtig ist",
    "No suele recibir correo electrónico de sam@client.example. Por qué esto es importante",
    "This Message Is From an External Sender\nThis message came from outside your organization.",
    "ATTENTION : Ce courriel provient de l'extérieur de l'organisation. Ne cliquez pas sur les liens et n'ouvrez "
    "pas les pièces jointes à moins de connaître l'expéditeur.",
    "ATENÇÃO: E-mail externo. Não clique em links nem abra anexos de remetentes desconhecidos.",
    "ATTENZIONE: e-mail esterna. Non cliccare sui link e non aprire gli allegati se non conosci il mittente.",
    "UWAGA: wiadomość zewnętrzna. Nie klikaj w linki ani nie otwieraj załączników od nieznanych nadawców.",
)
QUOTE = ("On Mon, 2 Mar 2026 at 09:30, Intro Assistant <intro@collective.example> wrote:\n"
         "> Dr. Ada Lee suggested Maya Chen for you. Shall I introduce you? Just reply YES or NO.\n")


@pytest.mark.parametrize("language", sorted(DISCLAIMERS))
def test_a_disclaimer_under_the_answer_or_under_the_quote_does_not_take_the_answer_back(language):
    for said, expected in zip(ANSWERS[language], (Answer.YES, Answer.NO)):
        for reply in (f"{said}\n\n{DISCLAIMERS[language]}\n\n{QUOTE}", f"{said}\n\n{QUOTE}\n{DISCLAIMERS[language]}\n",
                      f"{said}\n\nBest,\nSam\n\n________________________________\n{DISCLAIMERS[language]}\n"):
            parts = split_reply(reply)
            assert parts.new_text == said
            assert DISCLAIMERS[language] in " ".join(parts.signature.split("\n"))
            assert read_answer(parts.new_text).answer is expected


def test_the_disclaimer_read_as_words_would_take_a_yes_back():
    """Why notices are set aside: its "If you are not the intended recipient" follows the yes."""
    assert read_answer(f"Yes please!\n\n{DISCLAIMERS['en']}").answer is Answer.UNCLEAR


@pytest.mark.parametrize("banner", BANNERS)
def test_an_external_sender_warning_above_the_answer_is_not_part_of_it(banner):
    for said in ("Yes please!", "Sure, happy to."):
        parts = split_reply(f"{banner}\n\n{said}\n\n{QUOTE}")
        assert parts.new_text == said and banner.split("\n")[0] in parts.signature


def test_a_sign_off_above_a_disclaimer_is_still_a_sign_off():
    parts = split_reply(f"Yes please!\n\nBest,\nSam Rivera\n\n{DISCLAIMERS['en']}\n")
    assert parts.new_text == "Yes please!"
    assert parts.signature.startswith("Best,\nSam Rivera") and "intended recipient" in parts.signature


def test_a_heading_and_a_notice_in_two_paragraphs_go_together():
    reply = ("Ja, gerne.\n\nHaftungsausschluss\n\nDiese E-Mail enthält vertrauliche Informationen.\n\n"
             "Wenn Sie diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und "
             "löschen Sie diese E-Mail.\n")
    assert split_reply(reply).new_text == "Ja, gerne."


@pytest.mark.parametrize("words", [
    "Yes please, and keep this confidential between us for now, if that is possible at all.",
    "No thanks. Please delete my details, I received your first message by mistake anyway.",
    "Sure! I'm not sure who the sender was, but I'd love to meet Maya next week at the clinic.",
    "Disclaimer: I am not a morning person, so afternoons would suit me best. Yes, happy to meet her.",
])
def test_a_person_s_words_that_touch_a_subject_or_two_of_notices_stay_theirs(words):
    assert split_reply(f"{words}\n\n{QUOTE}").new_text == words


def test_no_answer_of_the_labelled_consent_set_is_taken_for_a_notice():
    rows = [json.loads(line) for line in Path("tests/data/consent_replies.jsonl").read_text().splitlines()]
    for row in rows:
        lines = clean_lines(row["body"])
        assert notice_lines(lines, [True] * len(lines)) == set(), row["id"]


def test_the_practitioner_s_disclaimer_is_not_the_note_the_colleague_reads():
    body = f"Hi Sam,\n\nI'd like you to meet Maya Chen; my assistant will ask you both.\n\n{DISCLAIMERS['en']}\n"
    result = understand(message(body, to="Sam Rivera <sam@client.example>", cc=f"Intro <{BOT}>"), ADA, DIRECTORY, BOT)
    assert result.colleague.email == MAYA.email
    assert "intended recipient" not in result.note and result.note.endswith("ask you both.")


@given(st.lists(st.sampled_from(["confidential", "intended recipient", "in error", "delete", "prohibited",
                                 "sender", "virus", "Yes", "please", "\n", "\n\n", "_____", "Disclaimer:",
                                 "thanks", "CAUTION", "outside of the organization"]), max_size=60),
       st.lists(st.booleans(), max_size=80))
def test_only_candidate_non_blank_lines_are_ever_notice_lines(pieces, flags):
    lines = clean_lines(" ".join(pieces))
    candidate = (flags + [True] * len(lines))[:len(lines)]
    found = notice_lines(lines, candidate)
    assert all(candidate[index] and lines[index].strip() for index in found)


def test_in_a_long_text_the_notices_at_either_end_are_found():
    """Only so much of a text is examined, from both ends inwards, where notices stand."""
    prose = "\n\n".join(f"Paragraph {number}: " + "the weather was fine and we walked by the river " * 10
                        for number in range(200))
    parts = split_reply(f"{BANNERS[0]}\n\nYes please!\n\n{prose}\n\n{DISCLAIMERS['en']}\n")
    assert parts.new_text.startswith("Yes please!") and parts.new_text.endswith("by the river")
    assert parts.signature.startswith("CAUTION") and parts.signature.endswith("original message.")


@pytest.mark.parametrize("banner", BANNERS)
def test_an_answer_on_the_line_right_under_a_banner_stays_the_answer(banner):
    """HTML turned into text may leave no blank line between a banner's block and the answer's."""
    for said, expected in (("No thank you.", Answer.NO), ("Sure, happy to.", Answer.YES)):
        parts = split_reply(f"{banner}\n{said}\n\n{QUOTE}")
        assert parts.new_text == said and read_answer(parts.new_text).answer is expected
    parts = split_reply(f"Yes please!\n{DISCLAIMERS['en']}\n")
    assert parts.new_text == "Yes please!"
