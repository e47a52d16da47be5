"""The referrer's answer to "Which colleague did you mean?", read within the closed list of colleagues offered:
one named while another is ruled out, in any case and in several languages; never a guess between two."""

from __future__ import annotations

import pytest

from introbot.config import Person
from introbot.core.holding import holds_back, refusals
from introbot.core.request import Directory, resolve_clarification, without_options_refused

BOT = "intro@collective.example"
ADA = Person("Dr. Ada Lee", "ada@clinic.example")
MAYA = Person("Maya Chen", "maya@bodywork.example", specialty="massage therapy")
MAYA_A = Person("Maya Alvarez", "alvarez@movement.example", specialty="yoga therapy")
LIO = Person("Lio Park", "lio@craniosacral.example", specialty="craniosacral therapy")
DIRECTORY = Directory([ADA, MAYA, MAYA_A, LIO])
MAYA_OR_LIO = (DIRECTORY.candidate(MAYA.email), DIRECTORY.candidate(LIO.email))
TWO_MAYAS = (DIRECTORY.candidate(MAYA.email), DIRECTORY.candidate(MAYA_A.email))

# Answers to "1. Maya Chen 2. Lio Park" that choose Maya (the service's tests send them too).
MAYA_NOT_LIO = [
    "Don't connect her with Lio; Maya is the one",
    "Please don't introduce her to Lio - Maya would suit her better",
    "Not Lio - Maya please",
    "no, not lio - maya",
    "Maya, not Lio",
    "maya",
    "maya chen please",
    "MAYA",
    "nicht Lio, sondern Maya",
    "nein, nicht lio, sondern maya",
    "Bitte nicht mit Lio in Kontakt bringen, sondern mit Maya.",
    "pas Lio, Maya",
    "non, pas lio - maya",
    "Ne la présente pas à Lio, plutôt à Maya.",
    "No la presentes a Lio, sino a Maya.",
]


def picked(answer: str, options=MAYA_OR_LIO) -> list[str]:
    return [c.email for c in resolve_clarification(answer, "colleague", options, DIRECTORY, {ADA.email, BOT})]


@pytest.mark.parametrize("answer", MAYA_NOT_LIO)
def test_one_option_named_while_the_other_is_ruled_out_is_chosen(answer):
    assert picked(answer) == [MAYA.email]


@pytest.mark.parametrize("answer", [
    "maya or lio",  # two named: introbot never guesses
    "Maya, I think - lio is here though",
    "Don't introduce her to Lio yet.",  # Lio ruled out, nobody chosen
    "don't introduce her to maya, lio or anyone yet",  # a comma does not end what is refused
    "Never mind, she found someone",
    "Maya Smith",  # someone the directory does not know, not Maya Chen
])
def test_no_option_or_two_named_positively_pick_no_one(answer):
    assert picked(answer) == []


def test_a_lower_case_name_is_read_only_within_the_options_and_never_for_a_namesake():
    assert picked("maya alvarez") == [MAYA_A.email]  # her full name: not Maya Chen, offered or not
    assert picked("maya", TWO_MAYAS) == []  # a first name two options share names both
    assert picked("not maya alvarez - maya chen", TWO_MAYAS) == [MAYA.email]
    assert picked("lio", TWO_MAYAS) == []  # Lio was not offered: a lower-case word outside the list is no name


@pytest.mark.parametrize("answer", ["Maya Chen and Lio Park", "Both, please", "1 and 2"])
def test_both_listed_take_both(answer):
    assert picked(answer) == [MAYA.email, LIO.email]


@pytest.mark.parametrize("answer, refused", [
    ("Don't connect her with Lio; Maya is the one", "Don't connect her with Lio"),
    ("Bitte nicht mit Lio in Kontakt bringen, sondern mit Maya", "nicht mit Lio in Kontakt bringen"),
    ("Please don't introduce her to Maya, Lio or anyone yet. Thanks", "don't introduce her to Maya, Lio or anyone yet"),
    ("Hold off for now", None),
])
def test_a_refusal_reaches_to_the_end_of_its_clause(answer, refused):
    assert [answer[start:end] for start, end in refusals(answer)] == ([refused] if refused else [])


@pytest.mark.parametrize("answer, holds", [
    ("Don't connect her with Lio; Maya is the one", False),
    ("Bitte nicht mit Lio in Kontakt bringen, sondern mit Maya", False),
    ("don't introduce her to anyone yet", True),  # refuses no option: a hold on the request
    ("Never mind, she found someone", True),
    ("Maya. But please hold off for now", True),
])
def test_ruling_an_option_out_is_no_hold_but_a_hold_beside_it_still_is(answer, holds):
    assert holds_back(answer)
    assert holds_back(without_options_refused(answer, MAYA_OR_LIO, DIRECTORY)) is holds


@pytest.mark.parametrize("answer, expected", [("not maya - jo", ["jo@studio.example"]), ("maya or jo", [])])
def test_a_colleague_known_by_one_name_alone_is_named_in_any_case(answer, expected):
    jo = Person("Jo", "jo@studio.example")
    directory = Directory([ADA, MAYA, jo])
    options = (directory.candidate(MAYA.email), directory.candidate(jo.email))
    found = resolve_clarification(answer, "colleague", options, directory, {ADA.email, BOT})
    assert [c.email for c in found] == expected
