"""Bodies purged when intros end and after bot.retention; `forget` removes every trace (RELIABILITY 32)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from introbot.model import Consent, IntroState
from introbot.privacy import Forgotten, forget, spellings
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, gmail_forward, new_message, reply
from tests.service_world import Desk, as_received, our_results

NOTE = "Maya, could you see Sam? Sciatica since the accident. Thanks, Ada"
CLIENT_TEXT = "My sciatica is worse after long drives. Do you know someone?"


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def request(desk: Desk, client=SAM, note: str = NOTE) -> None:
    client_mail = new_message(client, ADA, "Back pain", CLIENT_TEXT + "\n")
    desk.receive(as_received(gmail_forward(ADA, client_mail, note), our_results("clinic.example")))


def introduce(desk: Desk, client=SAM) -> None:
    request(desk, client)
    desk.send_all()
    desk.answer(desk.mail_to(client[1], "ask_client")[-1], client, "yes")
    desk.send_all()
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[-1], MAYA, "yes")
    desk.send_all()


def database_bytes(desk: Desk) -> bytes:
    """Everything SQLite keeps on disk for this database: the file, its write-ahead log, its index."""
    path = desk.config.bot.database
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{path}{suffix}").exists())


def test_bodies_go_once_sent_and_the_intro_ended_and_not_before(desk):
    request(desk)
    desk.send_all()
    desk.answer(desk.mail_to(SAM[1])[0], SAM, "yes")
    assert desk.service.purge().bodies == 0  # the intro is still open: its asks may be needed
    desk.answer(desk.mail_to(MAYA[1])[0], MAYA, "yes")
    # The intro has ended: the client's ask, sent, goes; what is still queued keeps its body.
    assert desk.service.purge().bodies == 1
    assert [m.kind for m in desk.mail() if m.raw is not None] == ["ask_colleague", "introduction", "referrer_sent"]
    desk.send_all()
    assert desk.service.purge().bodies == 3
    assert all(m.raw is None for m in desk.mail())
    assert b"ciatica" not in database_bytes(desk)


def test_a_sent_body_of_an_open_intro_goes_after_the_retention_period(tmp_path):
    with Desk(tmp_path, retention=timedelta(days=5)) as desk:
        request(desk)
        desk.send_all()
        desk.now += timedelta(days=4)
        assert desk.service.purge().bodies == 0
        desk.now += timedelta(days=2)
        assert desk.service.purge().bodies == 1
        assert desk.store.intros()[0].state is IntroState.ASKING  # still open (it expires after 7 days)


def test_after_the_retention_period_an_ended_intro_keeps_only_its_consent_record(desk):
    introduce(desk)
    [before] = desk.store.intros()
    desk.now += timedelta(days=29)
    assert desk.service.purge().intros == 0
    desk.now += timedelta(days=2)
    assert desk.service.purge().intros == 1
    [record] = desk.store.intros()
    assert record.state is IntroState.INTRODUCED and record.referrer_email == ADA[1]
    for role in ("client", "colleague"):
        kept, was = getattr(record, role), getattr(before, role)
        assert (kept.email, kept.consent, kept.answered_at, kept.answer_message_id) == \
               (was.email, Consent.YES, was.answered_at, was.answer_message_id)
        assert kept.name == "" and kept.token == "" and kept.website == ""
    assert record.thread_token == record.referrer_token == "" and record.referrer_name == ""
    assert desk.mail() == []
    assert desk.service.purge().intros == 0  # once is enough
    with sqlite3.connect(desk.config.bot.database) as db:
        assert db.execute("SELECT count(*) FROM tokens").fetchone() == (0,)
    for secret in (before.thread_token, before.client.token, before.colleague.token, "Sam Rivera", "Maya Chen"):
        assert secret.encode() not in database_bytes(desk), secret


def test_a_late_reply_to_a_purged_intro_is_not_passed_on(desk):
    introduce(desk)
    [introduction] = desk.mail_to(MAYA[1], "introduction")
    message = introduction.message
    desk.now += timedelta(days=31)
    desk.service.purge()
    assert desk.receive(reply(message, SAM, "Thanks!", to_from=True)) == "introbot/ignored"
    assert desk.mail() == []


def test_forget_removes_every_intro_mentioning_the_address_and_leaves_the_others(desk):
    introduce(desk)
    request(desk, KIM, note="Maya, could you see Kim? Thanks")
    [sam_intro] = [i for i in desk.store.intros() if i.client and i.client.email == SAM[1]]
    result = forget(desk.store, "Sam@Client.Example")
    assert result.intros == 1 and result.mails == 4  # the two asks, the introduction, the referrer's note
    [left] = desk.store.intros()
    assert left.client.email == KIM[1] and desk.mail_to(KIM[1])
    with sqlite3.connect(desk.config.bot.database) as db:
        for table in ("tokens", "events", "inbound", "outbox", "purged"):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE intro_id = ?", (sam_intro.id,)).fetchone() == (0,)
    on_disk = database_bytes(desk)
    for trace in (SAM[1], "Sam Rivera", "Rivera", sam_intro.id, sam_intro.thread_token):
        assert trace.encode() not in on_disk, trace
    assert not Path(f"{desk.config.bot.database}-wal").exists() or \
        Path(f"{desk.config.bot.database}-wal").stat().st_size == 0


@pytest.mark.parametrize("who", [MAYA[1], ADA[1]])
def test_forgetting_a_colleague_or_a_practitioner_removes_the_intros_they_were_part_of(desk, who):
    request(desk)
    assert forget(desk.store, who).intros == 1
    assert desk.store.intros() == [] and desk.mail() == []
    assert who.encode() not in database_bytes(desk)


def test_forgetting_an_address_someone_was_only_offered_as_removes_that_intro_too(desk):
    request(desk, note="Could you introduce Sam to Maya or Lio? Thanks")
    [question] = desk.mail_to(ADA[1], "clarify")
    assert MAYA[1] in question.message.get_content()
    assert forget(desk.store, MAYA[1]) == Forgotten(intros=1, mails=1)
    assert MAYA[1].encode() not in database_bytes(desk)


def test_an_internationalised_address_is_forgotten_in_both_spellings(desk):
    request(desk, ("Jo", "jo@bücher.example"))
    assert desk.mail_to("jo@xn--bcher-kva.example")
    assert spellings("jo@bücher.example") == {"jo@bücher.example", "jo@xn--bcher-kva.example"}
    assert forget(desk.store, "jo@xn--bcher-kva.example").intros == 1
    assert b"bcher" not in database_bytes(desk) and "bücher".encode() not in database_bytes(desk)


@pytest.mark.parametrize("address", ["", "not an address", "a@b.example, c@d.example", "x@y.example)<z@w.example>"])
def test_forget_refuses_anything_but_one_plain_address(desk, address):
    with pytest.raises(ValueError, match="not an email address"):
        forget(desk.store, address)


def test_the_database_and_its_companion_files_are_private_to_their_owner(desk):
    request(desk)
    path = desk.config.bot.database
    for suffix in ("", "-wal", "-shm"):
        assert Path(f"{path}{suffix}").stat().st_mode & 0o777 == 0o600, suffix


def test_who_wrote_each_message_is_forgotten_after_the_retention_period_and_on_forget(desk):
    """The inbound ledger keeps a digest of the practitioner who wrote each message ("ignore my last email");
    it goes with the retention period, and at once when the practitioner is forgotten."""
    request(desk)
    assert desk.store.last_from(ADA[1]) == desk.store.intros()[0].id
    desk.now += timedelta(days=29)
    desk.service.purge()
    assert desk.store.last_from(ADA[1]) is not None
    desk.now += timedelta(days=2)
    desk.service.purge()
    assert desk.store.last_from(ADA[1]) is None
    desk.receive(as_received(new_message(ADA, ("Intro", BOT), "status", "status\n"),
                             our_results("clinic.example")))
    assert desk.store.last_from(ADA[1]) == ""  # a message that started nothing
    forget(desk.store, ADA[1].upper())
    assert desk.store.last_from(ADA[1]) is None
