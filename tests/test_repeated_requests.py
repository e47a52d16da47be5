"""One request per client and colleague at a time: a practitioner who sends the same request again (a double
click, the same forward the next day, after the introduction went out) starts nothing new and hears so in
one line; what may be asked again (another colleague, a request that ended without an introduction, an
introduction long past, another practitioner's referral) goes ahead."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from introbot.core.render import Renderer
from introbot.model import IntroState, Kind
from tests.core.template_samples import LANGUAGES, SHIPPED, already_requested, in_hand, sample_context
from tests.conversation import ADA, BEN, BOT, KIM, LIO, MAYA, SAM, World, gmail_forward, new_message, reply
from tests.service_world import Desk, Mail, as_received, our_results

CLIENT_EMAIL = "Hi Dr. Lee,\n\nMy lower back is still sore. Do you know someone who does massage?\n\nSam\n"
EXPIRE_AFTER = timedelta(days=7)  # the Desk's consent.expire_after (the default)


@pytest.fixture
def desk(tmp_path) -> Desk:
    with Desk(tmp_path) as desk:
        assert desk.config.consent.expire_after == EXPIRE_AFTER
        yield desk


def authenticated(message: EmailMessage, writer: tuple[str, str] = ADA) -> bytes:
    return as_received(message, our_results(writer[1].split("@")[1]))


def forward(desk: Desk, note: str = "Maya, could you see Sam? Thanks, Ada", referrer: tuple[str, str] = ADA,
            client: tuple[str, str] = SAM, signed: bool = True) -> EmailMessage:
    """`referrer` forwards `client`'s email to intro@ with `note` above it (authenticated unless not `signed`)."""
    message = gmail_forward(referrer, new_message(client, referrer, "Back pain", CLIENT_EMAIL), note)
    desk.receive(authenticated(message, referrer) if signed else message)
    return message


def write(desk: Desk, line: str) -> EmailMessage:
    """Ada writes intro@ one authenticated line of her own."""
    message = new_message(ADA, ("Intro", BOT), "Intro", line + "\n\nAda\n")
    desk.receive(authenticated(message))
    return message


def asks(desk: Desk, client: tuple[str, str], colleague: tuple[str, str]) -> list[Mail]:
    """The consent asks `client` received about `colleague`."""
    return [m for m in desk.mail_to(client[1], Kind.ASK_CLIENT.value) if colleague[0] in str(m.message["Subject"])]


def notes(desk: Desk, referrer: tuple[str, str] = ADA) -> list[Mail]:
    """The "already requested" notes `referrer` received."""
    return [m for m in desk.mail_to(referrer[1], Kind.REFUSED.value)
            if str(m.message["Subject"]).startswith("Already requested")]


def text(mail: Mail) -> str:
    return mail.message.get_body(("plain",)).get_content().partition("\n-- \n")[0].strip()


def introduce(desk: Desk) -> str:
    """Ada's request for Sam and Maya goes all the way to the introduction; its id is returned."""
    forward(desk)
    [ask] = desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)
    desk.answer(ask, SAM, "Yes please")
    [colleague_ask] = desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)
    desk.answer(colleague_ask, MAYA, "Yes!")
    [intro] = desk.store.intros(IntroState.INTRODUCED)
    return intro.id


# The same request again


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=1), EXPIRE_AFTER - timedelta(minutes=1)],
                         ids=["a double click", "the next day", "just before the ask expires"])
def test_the_same_forward_again_while_the_client_is_asked_asks_nobody_and_tells_the_referrer(desk, later):
    forward(desk)
    [first] = desk.store.intros()
    desk.now += later
    desk.service.sweep()
    again = forward(desk)
    assert [i.id for i in desk.store.intros()] == [first.id]
    assert len(asks(desk, SAM, MAYA)) == 1
    [note] = notes(desk)
    assert note.message["Subject"] == "Already requested: Sam Rivera"
    assert note.message["In-Reply-To"] == again["Message-ID"]  # threaded on the repeat it answers
    assert text(note) == (f"Request {first.id} for Sam Rivera and Maya Chen is already open, waiting for Sam Rivera, "
                          f"so I haven't asked anyone again. Write \"status\" to see your open requests.")
    assert desk.mail_to(MAYA[1]) == [] and len(desk.mail_to(ADA[1])) == 1


def test_a_repeat_written_in_other_words_is_a_repeat_too_and_a_third_gets_its_own_note(desk):
    forward(desk)
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.")
    write(desk, "Could you introduce Sam Rivera <SAM@client.example> to Maya Chen?")  # the address as typed
    assert len(desk.store.intros()) == 1 and len(asks(desk, SAM, MAYA)) == 1
    assert len(notes(desk)) == 2


def test_after_the_client_said_yes_the_note_says_whom_introbot_is_waiting_for(desk):
    forward(desk)
    [ask] = desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)
    desk.answer(ask, SAM, "Yes please")
    forward(desk)
    [note] = notes(desk)
    assert "waiting for Maya Chen" in text(note)
    assert len(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)) == 1


def test_a_repeat_of_a_request_waiting_for_the_referrers_confirmation_points_to_that_question(desk):
    forward(desk, signed=False)  # not authenticated: introbot asks Ada to confirm
    [confirming] = desk.store.intros(IntroState.CONFIRMING)
    forward(desk)
    assert desk.store.intros() == [confirming] and desk.mail_to(SAM[1]) == []
    [note] = notes(desk)
    assert f"Request {confirming.id} for Sam Rivera and Maya Chen is already open, waiting for your answer to my " \
           f"question" in text(note)


def test_an_unauthenticated_repeat_is_left_quietly(desk):
    """Only a confirmation ever answers a sender who could not be authenticated: a repeat gets nothing."""
    forward(desk)
    forward(desk, signed=False)
    assert len(desk.store.intros()) == 1 and desk.mail_to(ADA[1]) == [] and len(desk.mail()) == 1


@pytest.mark.parametrize("later, says", [(timedelta(hours=20), "less than a day ago"),
                                         (timedelta(days=1, hours=2), "a day ago"),
                                         (EXPIRE_AFTER - timedelta(days=1), "6 days ago")])
def test_the_same_request_soon_after_the_introduction_went_out_introduces_nobody_again(desk, later, says):
    intro_id = introduce(desk)
    desk.send_all()
    desk.now += later
    desk.service.sweep()
    forward(desk)
    assert len(desk.store.intros()) == 1 and len(asks(desk, SAM, MAYA)) == 1
    assert len(desk.mail_to(SAM[1], Kind.INTRODUCTION.value)) == 1
    [note] = notes(desk)
    assert text(note) == f"I introduced Sam Rivera and Maya Chen {says} (request {intro_id}), so I haven't asked " \
                         f"anyone again."


# What may be asked again


def test_once_the_introduction_is_older_than_the_ask_would_wait_a_new_request_asks_again(desk):
    introduce(desk)
    desk.now += EXPIRE_AFTER + timedelta(minutes=1)
    forward(desk)
    assert len(desk.store.intros()) == 2 and len(asks(desk, SAM, MAYA)) == 2 and notes(desk) == []


def test_the_introduction_is_dated_by_the_last_yes_not_by_later_mail_in_its_thread(desk):
    """A reply in the introduction's thread, days later, changes the intro; it does not make the
    introduction recent again."""
    introduce(desk)
    [introduction] = desk.mail_to(SAM[1], Kind.INTRODUCTION.value)
    desk.now += timedelta(days=5)
    desk.receive(reply(introduction.message, SAM, "Thanks! Maya, is Thursday good?", to_from=True))
    assert desk.mail_to(MAYA[1], Kind.PASS_ON.value)  # passed on: the intro changed today
    desk.now += timedelta(days=3)
    forward(desk)
    assert len(asks(desk, SAM, MAYA)) == 2 and notes(desk) == []


@pytest.mark.parametrize("ending", ["cancelled", "declined", "expired"])
def test_a_request_that_ended_without_an_introduction_may_be_asked_again(desk, ending):
    forward(desk)
    [first] = desk.store.intros()
    if ending == "cancelled":
        write(desk, f"cancel {first.id}")
    elif ending == "declined":
        [ask] = desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)
        desk.answer(ask, SAM, "No thanks")
    else:
        desk.now += EXPIRE_AFTER + timedelta(minutes=1)
        desk.service.sweep()
    assert desk.store.intro(first.id).state.value == ending
    forward(desk)
    assert len(desk.store.intros()) == 2 and len(asks(desk, SAM, MAYA)) == 2 and notes(desk) == []


def test_another_client_or_another_colleague_is_a_new_request(desk):
    forward(desk)
    forward(desk, note="Lio, could you see Sam? Thanks, Ada")
    forward(desk, client=KIM)
    assert len(desk.store.intros()) == 3 and notes(desk) == []
    assert len(asks(desk, SAM, MAYA)) == len(asks(desk, SAM, LIO)) == len(asks(desk, KIM, MAYA)) == 1


def test_the_same_people_referred_by_another_practitioner_go_ahead_and_nobody_hears_of_the_first(desk):
    forward(desk)
    forward(desk, note="Maya, could you see Sam? Ben", referrer=BEN)
    assert len(desk.store.intros()) == 2 and len(asks(desk, SAM, MAYA)) == 2
    assert desk.mail_to(BEN[1]) == [] and desk.mail_to(ADA[1]) == []


# Several colleagues in one request


def test_of_several_colleagues_only_the_one_already_asked_about_is_left_out(desk):
    forward(desk)
    [maya_request] = desk.store.intros()
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park; Maya knows backs.")
    lio_request = next(i for i in desk.store.intros() if i.id != maya_request.id)
    assert len(desk.store.intros()) == 2 and lio_request.colleague.email == LIO[1]
    assert lio_request.further_colleagues == () and "Maya" not in lio_request.note
    assert len(asks(desk, SAM, MAYA)) == 1 and len(asks(desk, SAM, LIO)) == 1
    [note] = notes(desk)
    assert maya_request.id in text(note) and lio_request.id not in text(note) and "Lio" not in text(note)
    assert note.intro_id is None  # the note belongs to neither request: its reply token would mislead


def test_the_colleagues_left_each_get_a_request_of_their_own_whose_note_offers_the_client_to_nobody_else(desk):
    forward(desk)
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen, Lio Park and Ben Okafor.")
    new = {i.colleague.email: i for i in desk.store.intros()[1:]}
    assert sorted(new) == sorted([LIO[1], BEN[1]]) and len(notes(desk)) == 1
    assert "Maya" not in new[LIO[1]].note + new[BEN[1]].note
    assert "Ben" not in new[LIO[1]].note and "Lio" not in new[BEN[1]].note
    assert len(asks(desk, SAM, MAYA)) == len(asks(desk, SAM, LIO)) == len(asks(desk, SAM, BEN)) == 1


def test_several_colleagues_all_already_asked_about_get_one_note_naming_each_request(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.")
    requests = {i.colleague.email: i.id for i in desk.store.intros()}
    forward(desk, note="Could you introduce Sam to Maya Chen and Lio Park? Ada")
    assert len(desk.store.intros()) == 2 and len(asks(desk, SAM, MAYA)) == len(asks(desk, SAM, LIO)) == 1
    [note] = notes(desk)
    assert text(note).startswith(f"Request {requests[MAYA[1]]} for Sam Rivera and Maya Chen is already open")
    assert f"Request {requests[LIO[1]]} for Sam Rivera and Lio Park is already open" in text(note)


def test_a_request_still_to_be_confirmed_for_two_colleagues_covers_both(desk):
    gmail = gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL),
                          "Could you introduce Sam to Maya Chen and Lio Park? Ada")
    desk.receive(gmail)  # not authenticated: one confirmation for both colleagues
    [confirming] = desk.store.intros(IntroState.CONFIRMING)
    assert confirming.further_colleagues
    forward(desk, note="Lio, could you see Sam? Thanks, Ada")
    assert desk.store.intros() == [confirming] and desk.mail_to(SAM[1]) == []
    [note] = notes(desk)
    assert f"Request {confirming.id} for Sam Rivera and Maya Chen & Lio Park" in text(note)


# Re-delivery


def test_the_same_message_delivered_twice_is_handled_once_and_draws_no_note(desk):
    message = forward(desk)
    desk.receive(authenticated(message))
    assert len(desk.store.intros()) == 1 and desk.mail_to(ADA[1]) == [] and len(desk.mail()) == 1


# The note


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("repeated", [in_hand(), in_hand(waiting_for=""), in_hand(introduced_days_ago=3)],
                         ids=["asking", "confirming", "introduced"])
def test_the_note_is_one_short_paragraph_with_the_request_and_its_people_in_every_language(language, repeated):
    context = sample_context(Kind.REFUSED, **already_requested(repeated))
    rendered = Renderer(SHIPPED).render(Kind.REFUSED, language, context)
    body = rendered.text.partition("\n-- \n")[0].strip()
    assert "\n" not in body and len(body.split()) <= 40
    assert all(word in body for word in ("k3x9q2ab", "Sam Rivera", "Maya Chen")) and "Sam Rivera" in rendered.subject
    assert ("status" in body) is (repeated["introduced_days_ago"] is None)  # "status" lists open requests only


# On real servers


def test_a_forward_sent_twice_asks_the_client_once_and_the_referrer_hears_why(mail, tmp_path):
    world = World(mail, tmp_path)
    client_mail = new_message(SAM, ADA, "Back pain", CLIENT_EMAIL)
    for _ in range(2):  # a double click: two messages, two Message-IDs, the same request
        world.send(gmail_forward(ADA, client_mail, "Maya, could you see Sam? Thanks, Ada"), sender=ADA,
                   authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    [note] = world.wait_inbox(ADA, 1)
    assert note["Subject"] == "Already requested: Sam Rivera" and note["In-Reply-To"]
    assert "so I haven't asked anyone again" in note.get_body(("plain",)).get_content()
    world.send(reply(ask, SAM, "Yes please"), sender=SAM)
    world.once()
    world.wait_inbox(MAYA, 1)
    world.once()
    assert len(world.inbox(SAM)) == 1 and len(world.inbox(MAYA)) == 1 and len(world.inbox(ADA)) == 1
