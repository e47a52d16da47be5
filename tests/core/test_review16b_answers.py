"""Review of rule 10 of the consent reader (a practitioner's capacity): replies read as YES that are not one."""

from __future__ import annotations

import pytest

from introbot.core.answers import Answer, read_answer


@pytest.mark.parametrize("reply", [
    "My colleague can take her on.",
    "Maya can take her on, I'm full.",
    "Nobody can see her this month.",
    "None of us can take her on.",
    "Only Maya can see her.",
    "They have space at the clinic down the road.",
    "Niemand kann sie aufnehmen.",
    "Niemand kan haar zien.",
    "Ingen kan ta emot henne.",
])
def test_room_that_someone_else_has_is_no_yes(reply):
    """A room phrase ("can take her on", "have space", "kann sie aufnehmen") is read as the writer's yes whatever
    stands before it: today "My colleague can take her on" and "Nobody can see her" are YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", [
    "I'd love to have space for her.",
    "Normally I'd have room for her.",
    "I would have space, had you asked last week.",
])
def test_room_wished_for_or_that_would_have_been_is_no_yes(reply):
    """Room that is wished for or would have been ("I'd love to have space for her") is a polite no or a hedge:
    today it is YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["Je ne peux la recevoir actuellement.", "Je ne peux la prendre en charge."])
def test_french_negation_without_pas_denies_the_room(reply):
    """Written French often drops "pas" after "ne pouvoir": today "Je ne peux la recevoir" is YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", [
    "I can see her file. Sorry, I can't.",
    "I can see her notes, unfortunately I'm full.",
    "I can see her point. Sorry, I'm on leave.",
    "Happy to help with her back. Sorry, I'm away at the moment.",
])
def test_being_unable_said_beside_a_yes_takes_it_back(reply):
    """"Sorry, I can't" or "I'm full" is a no only when it is the whole reply; beside anything else it is read as
    nothing at all, so a yes word elsewhere ("I can see her file", "Happy to help") stands alone: today YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", [
    "I have space, just not for new clients.",
    "I have space. Not for her though.",
    "I can take her on, not on insurance.",
])
def test_a_clause_denying_it_after_room_takes_the_yes_back(reply):
    """A clause opening with a negation after a room yes limits it to someone else: today YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["I have space constraints at the moment.", "I have capacity issues right now."])
def test_space_and_capacity_as_trouble_are_no_room(reply):
    """"I have space constraints" speaks of too little room: today "have space" makes it YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["Ela pode procurar outra pessoa.", "A Maya pode atendê-la."])
def test_portuguese_pode_inside_a_clause_is_no_yes(reply):
    """"Pode" (go ahead) is a yes alone; inside a clause it is "can": "She can look for someone else" is YES
    today."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["I have space for her.", "I still have space for her.", "I do have space.",
                                   "Yes, I can take her on.", "Of course I can see her.", "We have capacity.",
                                   "Pode.", "Sim, pode.", "Ich habe noch Platz für sie.", "Jeg har plads til hende.",
                                   "Je peux la recevoir jeudi."])
def test_the_writers_own_room_is_still_a_yes(reply):
    assert read_answer(reply).answer is Answer.YES


@pytest.mark.parametrize("reply", [
    "Happy to help another time!", "Happy to see her another time.", "Would be happy to help next time.",
    "Ravie de l'aider une autre fois.", "Gerne ein andermal.", "Con gusto en otra ocasión.",
    "Volentieri un'altra volta.", "Com prazer numa próxima.", "Graag een andere keer.", "Gärna en annan gång.",
    "Gerne en anden gang.", "Gjerne en annen gang.", "Chętnie innym razem.",
])
def test_gladly_another_time_is_no_yes(reply):
    """"Gladly another time" ("Gerne ein andermal", "Happy to help another time") is the polite no of every
    language: today its yes word makes it YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["No thanks, another time.", "Nein danke, ein andermal.", "Not now - next time!"])
def test_no_then_another_time_stays_a_no(reply):
    assert read_answer(reply).answer is Answer.NO


@pytest.mark.parametrize("reply", ["I can see her point.", "I can take her point.",
                                   "I can see her GP's letter, thanks. I'll be in touch with Ada.",
                                   "I can see her name on my waitlist already."])
def test_seeing_something_of_hers_is_no_room(reply):
    """"I can see her" is room for her; "I can see her point" or "her GP's letter" is about something else: today
    YES."""
    assert read_answer(reply).answer is not Answer.YES


@pytest.mark.parametrize("reply", ["I can see her on Tuesday.", "I can see her next week.", "I can see her.",
                                   "Yes! I can see her notes are attached, thanks.", "I can take him as a client.",
                                   "I can see them from June.", "I can see her for an initial consult."])
def test_seeing_her_on_a_day_is_still_room(reply):
    assert read_answer(reply).answer is Answer.YES
