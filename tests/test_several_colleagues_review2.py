"""Requests naming several colleagues: the defects a second review found (each test failed before its mend)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from introbot.config import load_config
from introbot.core.request import Understood, understand, without_people
from introbot.daemon import Daemon

from tests.conversation import ADA, BOT, SAM, World, reply
from tests.core.test_request import (ADA as ADA_PERSON, BOT as CORE_BOT, JO, LIO as LIO_PERSON, MAYA as MAYA_PERSON,
                                     MAYA_A, WITH_JO, emails, forward_from, message)
from tests.mailhost import UNDELIVERABLE_DOMAIN
from tests.test_conversations import plain
from tests.test_conversations_several import write_to_intro

KIM = "kim@client.example"


def read(line: str) -> Understood:
    result = understand(message(line + "\n"), ADA_PERSON, WITH_JO, CORE_BOT)
    assert isinstance(result, Understood), result
    return result


def taken(result: Understood) -> list[str]:
    """The colleagues the client would be asked about at once, without asking the referrer."""
    return emails([c for c in (result.colleague, *result.further_colleagues) if c is not None])


# (1) A second client, named on the client's side of "to", is taken as the colleague: Kim (a client) is asked
# whether she would like to meet Sam (another client), and Maya and Lio are dropped.
@pytest.mark.parametrize("line", [
    "Please introduce Sam <sam@client.example> and Kim <kim@client.example> to Maya Chen and Lio Park.",
    "Please introduce sam@client.example and kim@client.example to Maya Chen and Lio Park.",
])
def test_a_second_client_before_to_is_never_taken_as_the_colleague(line):
    result = read(line)
    assert KIM not in taken(result)


# (1) A client whose first name is a listed colleague's: that colleague is dropped without a word and the
# other one is asked about alone (the client's names are blanked before colleagues are looked for).
@pytest.mark.parametrize("sender, note, listed", [
    ("Lio Rivera <lio.r@client.example>", "Could you introduce Lio to Maya Chen and Lio Park?",
     [MAYA_PERSON, LIO_PERSON]),
    ("Maya Rivera <maya.r@client.example>", "Could you introduce Maya to Maya Chen and Lio Park?",
     [MAYA_PERSON, LIO_PERSON]),
    ("Jo Rivera <jo.r@client.example>", "Could you introduce Jo to Maya Chen and Jo Berg?", [MAYA_PERSON, JO]),
])
def test_a_client_sharing_a_listed_colleague_s_first_name_does_not_silently_drop_that_colleague(sender, note, listed):
    result = understand(forward_from(sender, "Hi, my back hurts.", note), ADA_PERSON, WITH_JO, CORE_BOT)
    assert isinstance(result, Understood)
    wanted = [p.email for p in listed]
    # Both asked about, or the referrer asked with both offered; never one alone.
    assert taken(result) == wanted or (result.colleague is None and set(wanted) <= set(emails(result.options)))


# (1) A list hard-wrapped over two lines, as plain-text mail clients wrap at 72 characters: the part on the
# next line is dropped without a word.
@pytest.mark.parametrize("line, listed", [
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen and\nLio Park.", [MAYA_PERSON, LIO_PERSON]),
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park, and\nJo Berg.",
     [MAYA_PERSON, LIO_PERSON, JO]),
])
def test_a_list_wrapped_onto_the_next_line_is_taken_whole_or_asked_about(line, listed):
    assert taken(read(line)) in ([], [p.email for p in listed])


def test_a_choice_finished_on_the_next_line_is_not_taken_as_a_list():
    result = read("Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park\nor Jo Berg.")
    assert taken(result) == []  # the same words on one line are asked about


# (1) The referrer asks for Lio's colleague, not Lio: the client is asked about Lio.
@pytest.mark.parametrize("line", [
    "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park's colleague.",
    "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park's daughter, who is a nurse.",
])
def test_someone_of_a_listed_colleague_s_is_not_that_colleague(line):
    assert LIO_PERSON.email not in taken(read(line))


# (1) A list whose colleagues are each described after it ("named again") is meant to be asked about, but the
# specialty or website words of the description pick one colleague and the other is dropped without a word.
@pytest.mark.parametrize("tail", [
    "Maya does massage; Lio is lovely.",
    "Lio Park does craniosacral work.",
    "Lio is great at craniosacral therapy.",
])
def test_colleagues_described_after_the_list_are_all_taken_or_asked_about(tail):
    result = read(f"Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park. {tail}")
    assert taken(result) in ([], [MAYA_PERSON.email, LIO_PERSON.email])


# (2) without_people blanked a colleague's own name in the note she reads...
def test_a_colleague_s_own_full_name_survives_in_her_note_when_a_namesake_is_the_other_colleague():
    note = "Could you introduce Sam to Maya Chen and Maya Alvarez? Maya Chen knows backs."
    assert without_people(note, [MAYA_A], MAYA_PERSON).count("Maya Chen") == 2  # ea6e6aa: "[…] Chen"


# ... and leaves the other colleague named by surname or website: Maya learns Sam was also sent to Lio.
@pytest.mark.parametrize("tail, leak", [("Dr. Park knows backs.", "Park"),
                                        ("Sam can book at craniosacral.example.", "craniosacral.example")])
def test_the_other_colleague_is_not_named_by_surname_or_website_in_a_colleague_s_note(tail, leak):
    line = f"Could you introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park? {tail}"
    assert taken(read(line)) == [MAYA_PERSON.email, LIO_PERSON.email]
    assert leak not in without_people(line, [LIO_PERSON], MAYA_PERSON)  # Maya's note


# (3) The one "didn't answer" note is suppressed for an intro that closed LATER than its sibling: the referrer
# never hears that it closed, though the colleague who said yes is told it is not going ahead.
NOOR = ("Noor Haddad", f"noor@{UNDELIVERABLE_DOMAIN}")
NOOR_NEW = ("Noor Haddad", "noor@bodywork.example")
NOOR_CONFIG = f'\n[[colleagues]]\nname = "{NOOR[0]}"\nemail = "{NOOR[1]}"\nspecialty = "nutrition"\n'


def test_a_sibling_that_expires_later_for_the_same_silent_client_is_still_reported(mail, tmp_path):
    world = World(mail, tmp_path, order="parallel", extra_config=NOOR_CONFIG)
    config = load_config(world.config_path)
    start = datetime.now(timezone.utc)

    def at(delta: timedelta) -> None:
        Daemon(config, clock=lambda: start + delta).once()

    # Lio agreed in advance; Noor's ask bounces; Sam is asked about each and never answers.
    write_to_intro(world, "Please introduce Sam Rivera <sam@client.example> to Noor Haddad and Lio Park.\n")
    at(timedelta(0))
    world.wait_inbox(SAM, 2)
    world.mail.wait_for_messages(BOT, 1)  # the bounce of the ask to Noor
    at(timedelta(hours=1))
    [failed] = world.wait_inbox(ADA, 1)
    world.send(reply(failed, ADA, f"Sorry, she is {NOOR_NEW[1]}"), sender=ADA)
    at(timedelta(days=2))  # Noor is asked at her new address; Sam's wait in that intro starts again
    [ask] = world.wait_inbox(NOOR_NEW, 1)
    world.send(reply(ask, NOOR_NEW, "Yes, happy to"), sender=NOOR_NEW)
    at(timedelta(days=2, hours=1))
    at(timedelta(days=7, minutes=1))  # the intro with Lio expires: Ada hears Sam didn't answer
    at(timedelta(days=9, minutes=1))  # the intro with Noor expires too
    at(timedelta(days=30))
    assert len(world.wait_inbox(NOOR_NEW, 2)) == 2  # Noor, who said yes, is told it is not going ahead
    notes = [f"{n['Subject']}\n{plain(n)}" for n in world.inbox(ADA)[1:]]
    assert any("Noor" in note for note in notes), notes  # ea6e6aa: only "No answer: Sam and Lio"
