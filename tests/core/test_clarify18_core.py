"""Readings mended after stop 17, each rule read directly: "the other one" in an answer to "Which colleague: Maya Chen
or Lio Park?" that rules one out, and a pick with the writer's own talk to come first (with or without a "but")."""

from __future__ import annotations

import pytest

from introbot.core.holding import defers, holds_back
from introbot.core.request import without_options_refused
from tests.core.test_clarification_answers import DIRECTORY, LIO, MAYA, MAYA_A, MAYA_OR_LIO, picked

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
