"""A colleague named with a case ending in a note in Finnish, Croatian or Lithuanian ("Lio Parkille",
"s Mayom Chen", "su Lio Parku") is taken when nothing else could be meant, and asked about otherwise."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.config import Person
from introbot.core.request import Directory, Understood, resolve_clarification, understand

BOT = "intro@collective.example"
ADA = Person("Ada Lee", "ada@clinic.example", website="https://clinic.example", specialty="acupuncture")
MAYA = Person("Maya Chen", "maya@bodywork.example", specialty="massage therapy")
MAYA_A = Person("Maya Alvarez", "alvarez@movement.example", specialty="yoga therapy")
LIO = Person("Lio Park", "lio@craniosacral.example", specialty="craniosacral therapy")
MARKO = Person("Dr. Marko Horvat", "marko@physio.example", specialty="physiotherapy")
DIRECTORY = Directory([ADA, MAYA, MAYA_A, LIO, MARKO])


def forward(note: str, sender: str = "Sam Rivera <sam@client.example>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Ada Lee <ada@clinic.example>"
    msg["To"] = f"Intro <{BOT}>"
    msg["Subject"] = "Fwd: Back pain"
    msg.set_content(f"{note}\n\n---------- Forwarded message ---------\nFrom: {sender}\n"
                    "Date: Mon, 3 Mar 2025 at 09:31\nSubject: Back pain\nTo: Ada Lee <ada@clinic.example>\n\n"
                    "Hi, my back hurts. Sam\n")
    return msg


def understood(note: str, directory: Directory = DIRECTORY, **kwargs: str) -> Understood:
    result = understand(forward(note, **kwargs), ADA, directory, BOT)
    assert isinstance(result, Understood), result
    return result


@pytest.mark.parametrize("note, colleague", [
    # Finnish declines the surname (the first name too, in some hands).
    ("Voisitko esitellä hänet Lio Parkille?", LIO),
    ("Voisitko esitellä hänet Maya Chenille? Kiitos!", MAYA),  # two Mayas: the surname decides
    ("Voisitko esitellä hänet Mayalle Chenille?", MAYA),
    ("Hän voisi mennä Maya Alvarezin tunneille, kiitos.", MAYA_A),
    # Croatian declines a woman's first name and a man's names.
    ("Možeš li je upoznati s Mayom Chen? Ona radi masažu.", MAYA),
    ("Možeš li ga preporučiti Mayi Alvarez? Hvala.", MAYA_A),
    ("Možeš li je upoznati s Lijom Parkom?", LIO),
    ("Možeš li ga upoznati s Markom Horvatom? Hvala.", MARKO),  # a title in the directory is no part of it
    # Lithuanian adds its ending to a consonant and replaces a final "a".
    ("Gal galite supažindinti ją su Lio Parku?", LIO),
    ("Gal galite ją rekomenduoti Mayai Chen? Ačiū.", MAYA),
])
def test_a_colleague_named_with_a_case_ending_of_the_notes_language_is_taken(note, colleague):
    result = understood(note)
    assert result.client.email == "sam@client.example"
    assert result.colleague is not None and result.colleague.email == colleague.email


@pytest.mark.parametrize("note", [
    "Could you introduce her to Lio Parkin?",             # an English note: Lio Parkin is someone else
    "Lio Parkille?",                                      # too few words to tell the language
    "Voisitko esitellä hänet lio parkille?",              # lower case is no name
    "Voisitko esitellä hänet Lio Parkerille?",            # "Parker" is no case of "Park"
    "Možeš li je upoznati s Mayom? Ona radi masažu.",     # a first name alone: two Mayas
    "Gal galite supažindinti ją su Majai Chen?",          # spelled otherwise
])
def test_a_name_not_surely_declined_in_the_notes_language_is_only_offered(note):
    result = understood(note)
    assert result.colleague is None


def test_the_guess_at_a_name_with_a_foreign_ending_is_still_offered():
    result = understood("Could you introduce her to Lio Parkin?")
    assert [c.email for c in result.options] == [LIO.email]


@pytest.mark.parametrize("people, note", [
    # "Parkille" is Park's allative, and Parkki's with the consonant gradation of Finnish.
    ([LIO, Person("Lio Parkki", "parkki@hieronta.example")], "Voisitko esitellä hänet Lio Parkille?"),
    # "Lijom" is the instrumental of Lio and of Lia.
    ([LIO, Person("Lia Park", "lia@yoga.example")], "Možeš li je upoznati s Lijom Park?"),
    # "Parku" is Park's instrumental, and Parku may be a surname as it stands.
    ([LIO, Person("Lio Parku", "parku@massage.example")], "Gal galite supažindinti ją su Lio Parku?"),
])
def test_two_colleagues_a_declined_name_could_mean_are_asked_about(people, note):
    result = understood(note, Directory([ADA, *people]))
    assert result.colleague is None
    assert sorted(c.email for c in result.options) == sorted(p.email for p in people)


@pytest.mark.parametrize("note, colleague", [
    ("Ne s Mayom Chen, nego s Mayom Alvarez. Možeš li je upoznati?", MAYA_A),
    ("Ei Lio Parkille, vaan Maya Chenille. Voisitko esitellä hänet?", MAYA),
])
def test_a_declined_name_after_a_not_is_ruled_out(note, colleague):
    assert understood(note).colleague.email == colleague.email


def test_a_colleague_ruled_out_by_a_declined_name_alone_is_asked_about():
    assert understood("Ne s Mayom Chen, ona nema vremena. Možeš li je upoznati s nekim?").colleague is None


def test_the_clients_own_name_is_never_taken_for_a_declined_colleague():
    result = understood("Voisitko esitellä Lio Parkin jollekin? Kiitos.",
                        sender="Lio Parkin <lio.parkin@client.example>")
    assert result.client.email == "lio.parkin@client.example" and result.colleague is None


def test_a_declined_name_answers_the_question_which_colleague():
    options = tuple(DIRECTORY.candidate(p.email) for p in (MAYA, MAYA_A))
    answer = "Mayi Chen, molim. Hvala."
    found = resolve_clarification(answer, "colleague", options, DIRECTORY, {ADA.email, "sam@client.example"})
    assert [c.email for c in found] == [MAYA.email]


def test_a_croatian_note_full_of_words_portuguese_has_too_is_still_croatian():
    note = "Pišem ti o klijentici, a ona bi trebala masažu. O tome smo pričale, a s Lijom Parkom bi joj bilo dobro."
    assert understood(note).colleague.email == LIO.email


def test_a_note_in_english_with_a_few_croatian_looking_words_is_english():
    note = "Could you introduce her to Lio Parka? She is on holiday, mi amigo, and da best for her back is massage."
    assert understood(note).colleague is None


@given(ending=st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöąėųū", min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_in_a_note_in_english_no_ending_turns_a_word_into_a_colleagues_name(ending):
    result = understood(f"Could you please introduce her to Lio Park{ending}? Thank you for the help with this.")
    assert result.colleague is None


GREEN = Person("Tom Green", "tom@green.example", specialty="massage therapy")
CLARK = Person("Ann Clark", "ann@clark.example", specialty="physiotherapy")


@pytest.mark.parametrize("note, namesake", [
    ("Please introduce Sam to Tom Greene - a great fit.", GREEN),
    ("Ann Clarke please - I think a session would help Sam.", CLARK),
])
def test_an_english_surname_one_letter_longer_is_only_offered_never_taken(note, namesake):
    """ "to", "a" and "I" are no Croatian, and "-e" is no ending of a name: "Did you mean Tom Green?"."""
    result = understood(note, Directory([ADA, GREEN, CLARK]))
    assert result.colleague is None and [c.email for c in result.options] == [namesake.email]


def test_a_finnish_not_rules_nobody_out_in_a_note_in_another_language():
    assert understood("Ei Maya Chen, a Sam precisa de massagem. Pode atendê-la?").colleague.email == MAYA.email


def test_in_a_finnish_note_ei_still_rules_a_colleague_out():
    note = "Hei, voisitko esitellä asiakkaani Mayalle Chenille, ei Maya Alvarezille? Kiitos, terveisin Ada"
    assert understood(note).colleague.email == MAYA.email
