"""Readings mended after stop 17, each rule read directly: "the other one" in an answer to "Which colleague: Maya Chen
or Lio Park?" that rules one out."""

from __future__ import annotations

import pytest

from introbot.core.holding import holds_back
from introbot.core.request import without_options_refused
from tests.core.test_clarification_answers import DIRECTORY, LIO, MAYA, MAYA_A, MAYA_OR_LIO, picked

THREE = MAYA_OR_LIO + (DIRECTORY.candidate(MAYA_A.email),)


def holds(answer: str) -> bool:
    """As the service reads an answer to the question which colleague: refusals of an option set aside."""
    return holds_back(without_options_refused(answer, MAYA_OR_LIO, DIRECTORY))


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
