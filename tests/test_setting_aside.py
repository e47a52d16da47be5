"""A practitioner's "Please ignore my last email": the request their previous message to introbot started stops
quietly, whether they write it alone or above the right forward, and nothing else of theirs (or anyone's) does."""

from __future__ import annotations

import re
import sqlite3

import pytest

from introbot.core.holding import sets_aside_last
from introbot.edges.store import SCHEMA, SCHEMA_VERSION, Store
from introbot.model import IntroState
from tests.conversation import ADA, BEN, BOT, KIM, LIO, MAYA, SAM, new_message, reply
from tests.service_world import START, Desk
from tests.test_followups import kinds, signed
from tests.test_followups_review2 import forward, pairs, write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def cancelled_notes(desk: Desk) -> list[str]:
    return [m.message.get_content() for m in desk.mail_to(ADA[1], "cancelled")]


@pytest.mark.parametrize("text", [
    "Please ignore my last email, wrong client!", "Sorry - disregard my previous message.",
    "never mind my last request", "Bitte ignoriere meine letzte E-Mail.", "Ignorez mon dernier message, merci.",
    "Por favor, ignora mi último correo.",
])
def test_words_setting_the_previous_message_aside_are_recognised(text):
    assert sets_aside_last(text)


@pytest.mark.parametrize("text", [
    "Scratch that - Lio Park for Sam please.", "Ignore the forms in her last email, Maya has her own.",
    "I lost my last email from Sam.", "Please ignore this email if you already answered.",
])
def test_other_words_about_emails_do_not_set_the_previous_message_aside(text):
    assert not sets_aside_last(text)


def test_ignore_my_last_email_above_the_right_forward_stops_the_wrong_request(desk):
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    forward(desk, "Please ignore my last email, wrong client! Maya, could you see Sam?")
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.CANCELLED), (SAM[1], MAYA[1], IntroState.ASKING)}
    assert kinds(desk, SAM) == ["ask_client"]
    [kims] = [i.id for i in desk.store.intros() if i.client.email == KIM[1]]
    [note] = cancelled_notes(desk)
    assert kims in note


def test_ignore_my_last_email_alone_stops_the_request_it_started_in_any_of_its_languages(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.")
    write(desk, "Bitte ignoriere meine letzte E-Mail.")
    assert {state for *_, state in pairs(desk)} == {IntroState.CANCELLED}
    assert len(cancelled_notes(desk)) == 1 and kinds(desk, ADA) == ["cancelled"]


def test_the_last_email_is_the_practitioners_own_previous_message_not_an_older_request(desk):
    """Kim's request is open; Ada's next message was refused (it named herself); "ignore my last email" means
    that one, so Kim's request goes on."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    write(desk, f"Please introduce Sam Rivera <sam@client.example> to {ADA[1]}")
    write(desk, "Please ignore my last email.")
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.ASKING)}
    assert kinds(desk, ADA) == ["refused", "refused"]


def test_a_status_question_in_between_is_the_last_email(desk):
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    write(desk, "status")
    write(desk, "Sorry, ignore my last email.")
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.ASKING)}
    assert kinds(desk, ADA) == ["status", "refused"]


def test_another_practitioners_last_email_is_theirs_alone(desk):
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    write(desk, "Please ignore my last email.", writer=BEN)
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.ASKING)}
    assert kinds(desk, ADA) == [] and kinds(desk, BEN) == ["refused"]


def test_an_answer_to_someone_elses_ask_is_no_request_of_ones_own_to_stop(desk):
    """Ben is also a colleague in Ada's directory: his answer to Ada's ask is his last email, and "ignore my last
    email" from him cannot stop Ada's request."""
    write(desk, f"Please introduce Sam Rivera <sam@client.example> to {BEN[0]} <{BEN[1]}>.")
    desk.send_all()
    [ask] = desk.mail_to(SAM[1], "ask_client")
    desk.answer(ask, SAM, "Yes please")
    desk.send_all()
    [ask_ben] = desk.mail_to(BEN[1], "ask_colleague")
    desk.answer(ask_ben, BEN, "Could you tell me a little more about her first?")
    assert desk.store.last_from(BEN[1]) == desk.store.intros()[0].id  # his answer is his last email
    write(desk, "Please ignore my last email.", writer=BEN)
    assert [i.state for i in desk.store.intros()] == [IntroState.ASKING]


def test_the_same_people_asked_again_below_it_keep_their_first_ask(desk):
    """"Ignore my last email, I forgot the note" above the same forward: Sam was asked already; she is not
    asked twice, and that request is not stopped."""
    forward(desk, "Maya, could you see Sam?")
    forward(desk, "Please ignore my last email, I forgot to say: Maya, her lower back is the issue.")
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)}
    assert kinds(desk, SAM) == ["ask_client"] and kinds(desk, ADA) == ["refused"]  # "already asked"


def test_a_new_colleague_for_the_same_client_stops_only_the_other_colleague(desk):
    forward(desk, "Maya, could you see Sam?")
    forward(desk, "Please ignore my last email - Lio Park is the better fit for Sam.")
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.CANCELLED), (SAM[1], LIO[1], IntroState.ASKING)}


def test_unauthenticated_it_stops_nothing(desk):
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "Intro", "Please ignore my last email.\n"),
                        ADA, authenticated=False))
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.ASKING)}


def test_a_reply_to_the_request_thread_still_means_that_request(desk):
    first = forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    forward(desk, "Maya, could you see Sam?")
    desk.receive(signed(reply(first, ADA, "Sorry, please ignore my last email."), ADA))
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.CANCELLED), (SAM[1], MAYA[1], IntroState.ASKING)}


def schema_3() -> str:
    """The tables as schema 3 made them: before the tries of a failed message kept who wrote it, and where it is."""
    schema, count = re.subn(r",\n    writer TEXT[^\n]*\n    arrival TEXT[^\n]*\n    failed_at TEXT", "", SCHEMA)
    assert count == 1
    return schema


def test_a_version_2_database_learns_who_wrote_each_message(tmp_path):
    """An introbot upgraded over a database of schema 2 keeps its rows and can answer last_from at once."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(schema_3().replace(",\n    practitioner TEXT", "").replace(
        "practitioner TEXT                  -- digest of the sender's address when a listed practitioner wrote it\n",
        ""))
    assert "practitioner" not in {row[1] for row in old.execute("PRAGMA table_info(inbound)")}
    old.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '2')")
    old.execute("INSERT INTO inbound (message_key, kind, folder, verdict, intro_id, handled_at)"
                " VALUES ('<m1@x.example>', 'request', 'processed', 'request', 'aaaaaaaa', '2026-03-02')")
    old.commit()
    old.close()
    store = Store(path)
    try:
        assert store.last_from(ADA[1]) is None
        with store.transaction() as tx:
            tx.record_inbound(mailbox_key=None, message_key="<m2@x.example>", kind="request", folder="processed",
                              verdict="request", intro_id="bbbbbbbb", now=START, practitioner=ADA[1])
        assert store.last_from(ADA[1].upper()) == "bbbbbbbb"
        db = sqlite3.connect(path)
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute("SELECT count(*) FROM inbound").fetchone() == (2,)
        assert "inbound_practitioner" in {row[1] for row in db.execute("PRAGMA index_list(inbound)")}
        assert ADA[1] not in str(db.execute("SELECT practitioner FROM inbound").fetchall())
    finally:
        store.close()
