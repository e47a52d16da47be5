"""Requests naming several colleagues: the defects a review found (each test failed before its mend)."""

from __future__ import annotations

import pytest

from introbot.core.request import MAX_COLLEAGUES_PER_REQUEST, Directory, Understood, resolve_clarification, understand
from introbot.edges.store import Store

from tests.conversation import ADA, BOT, KIM, LIO, MAYA, SAM, World, reply
from tests.core.test_request import (ADA as ADA_PERSON, BOT as CORE_BOT, DIRECTORY, LIO as LIO_PERSON,
                                     MAYA as MAYA_PERSON, MAYA_A, NOOR, JO, SAM_OKAFOR, WITH_JO, emails, forward,
                                     message)
from tests.mailhost import UNDELIVERABLE_DOMAIN
from tests.test_conversations import plain
from tests import test_conversations_several as several
from tests.test_conversations_several import ask_about, write_to_intro

ONE_MAYA = Directory([ADA_PERSON, MAYA_PERSON, LIO_PERSON, JO, NOOR])


def taken(result: Understood) -> list[str]:
    """The colleagues a request would have the client asked about, at once, without asking the referrer."""
    assert isinstance(result, Understood), result
    return emails([c for c in (result.colleague, *result.further_colleagues) if c is not None])


# (1) Wrong people: a list is taken whatever the sentence says about the people in it. At 30c96da each of
# these asked the referrer which colleague they meant.
@pytest.mark.parametrize("note", [
    "Sam has already seen Maya Chen and Lio Park, without luck.",
    "Maya Chen and Lio Park are away this month - anyone else for Sam?",
    "Thanks Maya Chen and Lio Park for the advice!",
])
def test_a_forward_note_listing_colleagues_for_another_reason_asks_the_client_about_none_of_them(note):
    assert taken(understand(forward(note), ADA_PERSON, WITH_JO, CORE_BOT)) == []


def test_a_greeting_comma_does_not_join_the_colleague_written_to_with_those_who_are_full():
    note = "Hi Maya, Lio Park and Jo Berg are full - could you see Sam?"
    assert set(taken(understand(forward(note), ADA_PERSON, ONE_MAYA, CORE_BOT))) <= {MAYA_PERSON.email}


def test_a_cc_to_one_colleague_never_asks_the_client_about_the_two_the_note_mentions_instead():
    cc = f"Intro <{CORE_BOT}>, Sam Rivera <sam@client.example>"
    result = understand(message("Hi Maya, Lio Park and Jo Berg suggested you for Sam.\n",
                                to="Maya Chen <maya@bodywork.example>", cc=cc), ADA_PERSON, WITH_JO, CORE_BOT)
    assert LIO_PERSON.email not in taken(result) and JO.email not in taken(result)


def test_a_cc_to_one_colleague_never_makes_that_colleague_the_client():
    result = understand(message("Hi Maya, could you see my client? Lio Park and Jo Berg are full.\n",
                                to="Maya Chen <maya@bodywork.example>", cc=f"Intro <{CORE_BOT}>"),
                        ADA_PERSON, WITH_JO, CORE_BOT)
    assert isinstance(result, Understood) and result.client is None  # 30c96da: colleague Maya, client asked for


def test_a_direct_line_naming_the_client_after_two_colleagues_does_not_silently_drop_the_second():
    result = understand(message("Please introduce Maya Chen and Lio Park to Sam Rivera <sam@client.example>\n"),
                        ADA_PERSON, WITH_JO, CORE_BOT)
    assert taken(result) in ([], [MAYA_PERSON.email, LIO_PERSON.email])  # both, or the referrer is asked


def test_numbers_in_a_clarify_answer_take_no_more_colleagues_than_a_request_may_name():
    four = tuple(DIRECTORY.candidate(p.email) for p in (MAYA_PERSON, MAYA_A, LIO_PERSON, SAM_OKAFOR))
    found = resolve_clarification("1, 2, 3 and 4", "colleague", four, DIRECTORY, {ADA_PERSON.email, CORE_BOT})
    assert len(found) <= MAX_COLLEAGUES_PER_REQUEST


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


# (2) Privacy: the referrer's note, which names every colleague of the request, is shown to each of them.
def test_a_colleague_s_ask_does_not_name_the_other_colleagues_the_client_is_asked_about(world):
    write_to_intro(world, "Please introduce Kim Novak <kim@client.example> to Maya Chen and Lio Park.\n")
    world.once()
    asks = world.wait_inbox(KIM, 2)
    world.send(reply(ask_about(asks, MAYA), KIM, "Yes please"), sender=KIM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    assert "Lio" not in plain(colleague_ask)


# (4) State: a client address the referrer gives that is a further colleague's is not refused (Maya's would be).
def test_a_further_colleague_s_address_given_as_the_client_s_is_not_taken(world):
    write_to_intro(world, "Please introduce Sam to Maya Chen and Lio Park.\n")
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    world.send(reply(question, ADA, LIO[1]), sender=ADA, authenticated=True)
    world.once()
    # As with Maya's address: not the client's. At b614f1f Lio is asked, as the client, about Maya, and the
    # intro of his own the request named is dropped.
    assert all(intro.client is None or intro.client.email != LIO[1] for intro in Store(world.database).intros())


# (6) The one failure note's answer is lost for the sibling whose own note was held back.
NOOR_CONFIG = ('\n[[colleagues]]\nname = "Noor Haddad"\nemail = "noor@bodywork.example"\n'
               'specialty = "nutrition"\n')


def test_a_new_address_reaches_the_sibling_even_when_the_noted_intro_can_no_longer_be_taken_up(mail, tmp_path):
    world = World(mail, tmp_path, order="parallel", extra_config=NOOR_CONFIG)
    write_to_intro(world, f"Please introduce Sam Rivera <sam@{UNDELIVERABLE_DOMAIN}> to Maya Chen and Noor Haddad.\n")
    world.once()  # Sam is asked twice, Maya and Noor once each; both asks to Sam bounce
    world.mail.wait_for_messages(BOT, 2)
    world.once()
    [failed] = world.wait_inbox(ADA, 1)
    store = Store(world.database)
    [noted] = [i for i in store.intros() if any(what == "queued referrer_failed" for _, what in store.events(i.id))]
    colleague = (noted.colleague.name, noted.colleague.email)
    [ask] = world.wait_inbox(colleague, 1)
    world.send(reply(ask, colleague, "No, sorry, I'm full."), sender=colleague)  # that intro cannot be taken up
    world.once()
    world.send(reply(failed, ADA, f"Sorry, it's {SAM[1]}"), sender=ADA)
    world.once()
    assert world.wait_inbox(SAM, 1)  # the other colleague's intro asks Sam at the address given


# (3) The referrer hears once, but the one note must not leave them thinking the other colleague's request
# is still open.
def test_the_one_note_about_a_silent_client_names_every_colleague_of_the_request(world):
    several.test_a_client_silent_about_two_colleagues_is_reported_once(world)  # Sam never answers; Ada hears once
    [note] = world.inbox(ADA)
    text = f"{note['Subject']}\n{plain(note)}"
    assert "Maya" in text and "Lio" in text  # b614f1f: "No answer: Sam and Maya", of Lio nothing
