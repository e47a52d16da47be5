"""Readings mended after stop 17, each rule read directly: "the other one" in an answer to "Which colleague: Maya Chen
or Lio Park?" that rules one out, a pick with the writer's own talk to come first (with or without a "but"), and a
message that only tells what happened, which names no request."""

from __future__ import annotations

import pytest

from introbot.core.holding import defers, holds_back
from introbot.core.request import Directory, understand, without_options_refused
from tests.conversation import new_message
from tests.core.test_clarification_answers import DIRECTORY, LIO, MAYA, MAYA_A, MAYA_OR_LIO, picked
from tests.core.test_clarify17_core import ADA, BEN, BOT, LIO as LIO_P, MAYA_C, SAM, pair, understood

THREE = MAYA_OR_LIO + (DIRECTORY.candidate(MAYA_A.email),)


def holds(answer: str) -> bool:
    """As the service reads an answer to the question which colleague: refusals of an option set aside, picking when
    it names someone."""
    return holds_back(without_options_refused(answer, MAYA_OR_LIO, DIRECTORY), picking=bool(picked(answer)))


# 1. "The other one" of two


# Answers to "1. Maya Chen 2. Lio Park" that rule Lio out and take "the other one" (the service's tests send them too).
LIO_OUT_THE_OTHER_ONE = [
    "lio's away, so the other one",
    "Lio is on leave, the other one please",
    "not Lio, the other one",
    "Don't introduce her to Lio, the other one",
    "Lio ist im Urlaub, also die andere",
    "nicht Lio, die andere bitte",
    "pas Lio, l'autre",
    "Lio est en congé, l'autre s'il vous plaît",
    "no Lio, el otro",
    "Lio está de vacaciones, la otra por favor",
]


@pytest.mark.parametrize("answer, expected", [(answer, [MAYA.email]) for answer in LIO_OUT_THE_OTHER_ONE] + [
    ("Maya is away, the other one", [LIO.email]),  # the one not ruled out, not the second
])
def test_the_other_one_of_two_with_one_ruled_out_is_picked(answer, expected):
    """Before, ruling Lio out picked no one and "the other one" named no one: the question was asked again."""
    assert picked(answer) == expected
    assert not holds(answer)


@pytest.mark.parametrize("answer", LIO_OUT_THE_OTHER_ONE[:4])
def test_of_three_the_other_one_is_no_one(answer):
    assert picked(answer, THREE) == []


@pytest.mark.parametrize("answer", [
    "the other one",  # no one ruled out: other than whom?
    "Lio's away the other week",  # not "the other one"
    "not Lio, l'autre jour",
    "Not Maya. Lio isn't available either, the other one",  # both ruled out
])
def test_the_other_one_without_one_ruled_out_picks_no_one(answer):
    assert picked(answer) == []


# 2. A pick with the writer's own talk to come first holds, as a pick with a wait beside it does


@pytest.mark.parametrize("answer", [
    "Maya, let me talk to Sam first",
    "Maya - let me check with Sam first",
    "Maya, I'll talk to Sam first",
    "Maya. I'll check with Sam first.",
    "Maya - I need to check with her first",
])
def test_a_pick_with_the_writers_talk_first_holds_without_a_but(answer):
    """Before, without a "but" the talk to come was not read: Sam was asked about Maya at once."""
    assert picked(answer) == [MAYA.email]
    assert holds(answer)
    assert not holds_back(answer)  # it is the pick that makes the talk a hold


@pytest.mark.parametrize("answer", [
    "Maya - but first let me check with Sam",
    "Maya, but first, let me talk to Sam",
    "Maya, aber lass mich erst mit Sam sprechen",
    "Maya, lass mich zuerst mit ihr reden",
    "Maya, mais laissez-moi d'abord parler à Sam",
    "Maya, laisse-moi en parler d'abord à Sam",
    "Maya, pero déjame hablar primero con Sam",
    "Maya, déjame antes hablar con Sam",
])
def test_a_talk_first_in_other_words_holds(answer):
    """Before, "first" before the verb and "lass mich erst", "laissez-moi d'abord", "déjame ... primero" were not
    read as the writer's talk to come."""
    assert holds(answer)


@pytest.mark.parametrize("answer", [
    "Maya, I'll talk to her first thing tomorrow",  # about the colleague's day, not first
    "Maya, I'll send you her notes first",
    "Maya please",
])
def test_a_pick_with_no_talk_of_the_writers_to_come_holds_nothing(answer):
    assert not holds(answer)


@pytest.mark.parametrize("answer", ["Let me talk to Sam first", "Not sure yet, I need to talk to Sam first",
                                    "Good question, let me ask Sam first"])
def test_the_talk_first_without_a_pick_puts_the_answer_off_and_holds_nothing(answer):
    assert picked(answer) == []
    assert not holds(answer) and defers(answer)


# 3. A message that only tells what happened names no request


@pytest.mark.parametrize("text", [
    "Sam tried to connect with Maya Chen last year.",
    f"{SAM} tried to connect with Maya Chen last year.",
    "Sam tried to connect with Maya Chen last year. She's doing well now.",
    "I put Sam in touch with Maya Chen last year.",
    "Sam saw Maya Chen last year.",
    "Sam hat letztes Jahr versucht, Maya Chen zu erreichen.",
    "Sam a déjà vu Maya Chen l'an dernier.",
    "El año pasado Sam vio a Maya Chen.",
])
def test_a_message_that_only_tells_names_no_one(text):
    """Before, "Sam tried to connect with Maya Chen last year." was the request: Maya the colleague, and with Sam's
    address Sam was asked about her. Now it is read as a message asking for nothing ("Hello!") is."""
    result = understood(text)
    assert (result.client, result.colleague, result.options, result.client_hint) == (None, None, (), "")
    assert result.further_colleagues == () and not result.held_back
    nothing = understood("Hello, hope you are well.")
    assert (result.shape, result.missing) == (nothing.shape, nothing.missing)


@pytest.mark.parametrize("text, expected", [
    (f"{SAM} tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.",
     ("sam@client.example", BEN.email)),
    ("Sam tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.", (None, BEN.email)),
    ("Could you connect Sam with Maya Chen?", (None, MAYA_C.email)),
    ("Sam would like to meet Maya Chen", (None, MAYA_C.email)),
    ("Sam wants to see Maya", (None, MAYA_C.email)),
    ("Sam saw Maya Chen last year. Could she see her again?", (None, MAYA_C.email)),  # the question asks for her
    (f"Introduce {SAM} to Maya Chen, she saw her before.", ("sam@client.example", MAYA_C.email)),
    (f"Bitte stell {SAM} Maya Chen vor.", ("sam@client.example", MAYA_C.email)),
    (f"Stell {SAM} Maya Chen vor, sie war schon bei ihr.", ("sam@client.example", MAYA_C.email)),
    (f"Stellen Sie {SAM} Maya Chen vor, sie war schon bei ihr.", ("sam@client.example", MAYA_C.email)),
    (f"Présente {SAM} à Maya Chen.", ("sam@client.example", MAYA_C.email)),
    (f"Mets {SAM} en contact avec Maya Chen, elle l'a déjà vue.", ("sam@client.example", MAYA_C.email)),
    (f"Presenta a {SAM} a Maya Chen.", ("sam@client.example", MAYA_C.email)),
    (f"Pon a {SAM} en contacto con Maya Chen, ya la vio.", ("sam@client.example", MAYA_C.email)),
])
def test_a_request_beside_or_within_a_told_clause_is_still_one(text, expected):
    """An imperative in German, French or Spanish asks too ("Stell Sam Maya Chen vor", "Mets Sam en contact", "Pon a
    Sam en contacto"): before, only the infinitives were verbs of asking, and beside a clause that tells the whole
    message would read as told."""
    assert pair(text) == expected


def test_a_subject_that_asks_above_a_body_that_only_tells_is_the_request():
    directory = Directory([ADA, BEN, MAYA_C, LIO_P])
    message = new_message(("Dr. Ada Lee", ADA.email), ("Intro", BOT), f"Intro: {SAM} to Lio Park",
                          "Sam tried to connect with Maya Chen last year.\n")
    result = understand(message, ADA, directory, BOT)
    assert (result.client.email, result.colleague.email) == ("sam@client.example", LIO_P.email)


def test_a_request_far_below_a_long_story_is_still_read():
    """The note the colleague reads is cut short; what is asked is looked for in all the referrer wrote."""
    story = "Sam saw Maya Chen last year. " * 30
    assert pair(f"{story}{SAM} would love to meet Ben Okafor.") == ("sam@client.example", BEN.email)
