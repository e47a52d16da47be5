"""Review of consent reader rule 11 (introbot/core/answers.py): what a retraction takes back, and what it must not.

A no with words of changing one's mind is how a person takes back a yes ("No, sorry, I've changed my mind"): rule
11d read it as a no taken back, UNCLEAR, and the service (which needs a NO to withdraw a yes) introduced them all the
same. "Please ignore my last email" inside a reply is about that earlier email, not the words before it. A no after
a retraction is the answer only when it declines by itself. And some everyday ways of taking a yes back were still
read as a yes. Each case failed when written."""

from __future__ import annotations

import pytest

from introbot.core.answers import Answer, read_answer
from tests.core.test_answers_adversarial import readings


def both(text: str, language: str = "en") -> list[Answer]:
    """Read bare and under an unmarked copy of our ask, as the service reads a reply."""
    return readings({"text": text, "language": language})


@pytest.mark.parametrize("text, language", [
    ("No, sorry, I've changed my mind.", "en"),
    ("Actually, no - sorry, I've changed my mind. Please don't introduce me.", "en"),
    ("No thanks, I changed my mind.", "en"),
    ("No. Actually no.", "en"),
    ("No thanks. On second thought, no.", "en"),
    ("Nein, doch lieber nicht.", "de"),
    ("Nein danke, ich habe es mir anders überlegt.", "de"),
    ("Non, finalement non, merci.", "fr"),
    ("Non merci, j'ai changé d'avis.", "fr"),
])
def test_a_no_with_words_of_changing_ones_mind_stays_a_no(text, language):
    """The words that take a yes back (core/withdrawal.py) repeat a no; they do not take it back."""
    assert both(text, language) == [Answer.NO] * 2


@pytest.mark.parametrize("text", ["No. Just kidding!", "No. Just kidding, yes please!",
                                  "No thanks. Scratch that, yes please.", "No. On second thought, yes please.",
                                  "No, I've changed my mind. Just kidding!"])
def test_a_no_taken_back_as_a_joke_or_for_a_yes_stays_unclear(text):
    assert both(text) == [Answer.UNCLEAR] * 2


@pytest.mark.parametrize("text, answer, language", [
    ("Yes please! Please ignore my last email, I said no by mistake.", Answer.YES, "en"),
    ("Yes. Please ignore my previous reply, I misread.", Answer.YES, "en"),
    ("Yes please - please disregard the earlier email.", Answer.YES, "en"),
    ("No thanks - please disregard my earlier email.", Answer.NO, "en"),
    ("Oui, avec plaisir. Oubliez mon message précédent.", Answer.YES, "fr"),
])
def test_setting_an_earlier_email_aside_takes_back_nothing_of_this_one(text, answer, language):
    assert both(text, language) == [answer] * 2


def test_a_no_after_an_earlier_email_set_aside_is_no_retraction_of_the_yes():
    """Without the retraction: a yes, then "No, ..." is UNCLEAR (rule 4), as it was before rule 11."""
    text = "Yes please. Please disregard my earlier reply. No, I don't need a call first."
    assert both(text) == [Answer.UNCLEAR] * 2


@pytest.mark.parametrize("text", ["Yes please! On second thought no need to call me first.",
                                  "Yes please. Just kidding about the call - no need to call me first."])
def test_after_a_retraction_a_no_that_declines_nothing_is_no_answer(text):
    """ "No need to call me first" after a yes is about the call: the yes is doubted, not turned into a no."""
    assert both(text) == [Answer.UNCLEAR] * 2


@pytest.mark.parametrize("text", ["Yes please... never mind.", "Yes please. Nevermind.", "Yes. Never mind, I'm full.",
                                  "Yes - oops, I meant to say no.", "Yes! Kidding.", "Yes. No wait, I'm full."])
def test_everyday_ways_of_taking_a_yes_back_are_no_yes(text):
    assert Answer.YES not in both(text)


@pytest.mark.parametrize("text", ["Never mind the delay - yes please!", "Yes please, no kidding!",
                                  "Yes please! Are you kidding? Of course.", "Yes please, I'd never say no to that."])
def test_the_same_words_before_a_yes_or_meaning_something_else_leave_it_a_yes(text):
    assert both(text) == [Answer.YES] * 2


def test_the_reasons_say_why():
    assert read_answer("No, sorry, I've changed my mind.").reason == "no-word 'no'"
    assert read_answer("Yes. Never mind, I'm full.").reason.startswith("yes, then taken back 'never mind'")


@pytest.mark.parametrize("text", ["Yes please\n\nMC\nPlease ignore any typos - sent on the go.",
                                  "Happy to! Please ignore typos, on my phone.",
                                  "Yes please - please disregard any typos."])
def test_asking_to_ignore_typos_takes_nothing_back(text):
    """A mobile signature the name does not find ("MC", not "Maya Chen"): its typos are set aside, not the yes."""
    assert both(text) == [Answer.YES] * 2


@pytest.mark.parametrize("text", ["Yes, once my waiting list clears.", "Yes, once there's space.",
                                  "Yes, when a space opens up.", "I can take her on when there's space.",
                                  "Happy to see her when a slot frees up."])
def test_a_yes_that_holds_from_when_room_opens_is_a_condition(text):
    """Rule 11c: "Ja, sobald ich wieder Platz habe" is UNCLEAR; said with "once my", "when a space", so is this."""
    assert both(text) == [Answer.UNCLEAR] * 2


@pytest.mark.parametrize("text", ["Yes please, once more thank you!", "Yes please! I was wondering when you would write."])
def test_once_and_when_that_hold_nothing_off_leave_the_yes(text):
    assert both(text) == [Answer.YES] * 2


@pytest.mark.parametrize("text, language", [("Yes please! I never meant to say no in the first place.", "en"),
                                            ("Yes! I didn't mean to say no earlier.", "en"),
                                            ("Ja, ich wollte nicht nein sagen.", "de")])
def test_a_no_one_did_not_mean_to_say_is_still_only_named(text, language):
    assert both(text, language) == [Answer.YES] * 2
