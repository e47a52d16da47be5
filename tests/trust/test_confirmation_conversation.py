"""The confirmation of an unauthenticated request, on real Dovecot and Postfix."""

import pytest

from tests.conversation import ADA, BOT, MAYA, SAM, World, new_message, reply

REQUEST = "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n"


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def confirmation(world: World):
    world.send(new_message(ADA, ("Intro", BOT), "Intro", REQUEST), sender=ADA, authenticated=False)
    world.once()
    [confirm] = world.wait_inbox(ADA, 1)
    assert world.inbox(SAM) == [] and world.inbox(MAYA) == []
    return confirm


def test_the_practitioner_confirms_by_replying_yes_and_only_then_the_client_is_asked(world):
    confirm = confirmation(world)
    assert confirm["To"].addresses[0].addr_spec == ADA[1]
    assert "Reply YES" in confirm.get_body(("plain",)).get_content()
    world.send(reply(confirm, ADA, "Yes, please go ahead."), sender=ADA)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in ask["Subject"]
    assert len(world.inbox(ADA)) == 1


def test_a_no_ends_it_without_a_word_to_anyone(world):
    confirm = confirmation(world)
    world.send(reply(confirm, ADA, "No, that wasn't me."), sender=ADA)
    world.once()
    world.once()
    assert world.inbox(SAM) == [] and world.inbox(MAYA) == [] and len(world.inbox(ADA)) == 1
