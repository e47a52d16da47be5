"""Review 17b of the stop-17 readings: a colleague asked for in a sentence that says "before" only of when is still
asked for; "Maya, after I've spoken to Sam" holds the request; an answer to the question that puts it off ("Let me
check with Sam and get back to you") is told from one that names no one."""

from __future__ import annotations

import pytest

from introbot.core.holding import defers
from tests.core.test_clarify17_core import LIO, MAYA_C, SAM, forwarded, holds, pair


@pytest.mark.parametrize("note", [
    "Maya Chen - she needs treatment before her surgery next month. Lio, could you also see her?",
    "Maya Chen for her shoulder before the surgery. Lio Park, could you also see her?",
])
def test_a_colleague_named_beside_a_before_of_when_is_not_dropped_as_told_of(note):
    """Stop 17 read "before" anywhere as telling what happened: Maya was dropped and only Lio asked about, unseen
    by Ada. Which of them she means is asked, as before stop 17."""
    assert forwarded(note) == (None, sorted([MAYA_C.email, LIO.email]))


def test_a_colleague_seen_before_is_still_told_of():
    assert forwarded("She saw Maya Chen before. Lio, could you see her?") == (LIO.email, [])


@pytest.mark.parametrize("answer", [
    "Maya, after I've spoken to Sam",
    "Maya, once I've talked to Sam",
    "Maya - when I've checked with Sam",
    "Maya, but only once I talk to Sam",
    "Maya, after I have had a word with her",
    "Maya, nachdem ich mit Sam gesprochen habe",
    "Maya, sobald ich mit ihr telefoniert habe",
    "Maya, après avoir parlé à Sam",
    "Maya, quand j'aurai parlé à Sam",
    "Maya, después de hablar con Sam",
    "Maya, cuando hable con Sam",
])
def test_a_pick_to_wait_for_the_writers_talk_with_the_client_holds(answer):
    """Before, Sam was asked about Maya at once, before Ada had spoken to her."""
    assert holds(answer)


@pytest.mark.parametrize("answer", [
    "Maya - when I spoke to Sam she liked the idea of massage",  # told: it happened
    "Maya, once Sam confirms",  # introbot's ask is her confirming
    "Maya, after her surgery is fine",
    "Maya please",
])
def test_when_that_waits_for_nothing_of_the_writers_holds_nothing(answer):
    assert not holds(answer)


@pytest.mark.parametrize("answer", [
    "Let me check with Sam and get back to you.",
    "Let me think about it.",
    "I'll get back to you on that.",
    "I'll let you know.",
    "Good question! Let me ask Sam which she prefers.",
    "Not sure yet, I'll ask Sam.",
    "I need to talk to her first.",
    "Ich melde mich.",
    "Da muss ich erst Sam fragen, ich melde mich dann.",
    "Lass mich kurz überlegen.",
    "Je reviens vers vous.",
    "Laissez-moi réfléchir.",
    "Déjame pensarlo.",
    "Te digo algo mañana.",
])
def test_an_answer_that_puts_the_choice_off_defers(answer):
    assert defers(answer)


@pytest.mark.parametrize("answer", [
    "Not sure.", "Thanks!", "Hmm, whoever has space sooner.", "Lio - no way.", "Let me know if you need anything.",
    "I think about her a lot.", "She'll let you know her times.",
])
def test_an_answer_that_promises_no_later_answer_does_not_defer(answer):
    assert not defers(answer)


@pytest.mark.parametrize("text", [
    f"{SAM} has back pain; please connect her with Maya Chen",
    f"I had a client, {SAM}, who needs massage - could you introduce her to Maya Chen?",
    f"I have a client, {SAM}. Could you introduce her to Maya Chen?",
    f"{SAM} already tried physio. Please introduce her to Maya Chen.",
    f"{SAM} ist neu bei mir. Bitte stell sie Maya Chen vor.",
])
def test_a_pronoun_in_the_request_is_the_client_whose_address_came_before(text):
    """Before, "her" named no one: Ada, who had given Sam's address, was asked for it."""
    assert pair(text) == ("sam@client.example", MAYA_C.email)


def test_a_pronoun_with_two_outsiders_before_it_is_still_asked_about():
    text = f"{SAM} and her sister Kim <kim@client.example> both have back pain. Please connect her with Maya Chen."
    assert pair(text) == (None, MAYA_C.email)
