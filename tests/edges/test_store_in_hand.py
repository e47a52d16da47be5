"""Store.in_hand on a real SQLite file: which of a referrer's intros are in hand, and the repeat check's states."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from introbot.edges.store import Store
from introbot.model import Consent, Intro, IntroState, Party, Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)
ADA = "ada@practice.example"
SAM = "sam@client.example"
REPEATABLE = {IntroState.CONFIRMING, IntroState.CLARIFYING, IntroState.ASKING, IntroState.INTRODUCED}


def intro(intro_id: str, state: IntroState, ended_days_ago: int | None = None, client: str = SAM,
          referrer: str = ADA) -> Intro:
    ended = NOW - timedelta(days=ended_days_ago) if ended_days_ago is not None else None
    return Intro(id=intro_id, state=state, referrer_email=referrer, referrer_name="Ada Lovelace",
                 created_at=NOW - timedelta(days=30, hours=-int(intro_id[-2:])), updated_at=ended or NOW, ended_at=ended,
                 client=Party(Role.CLIENT, client, "Sam Rivera", consent=Consent.ASKED),
                 colleague=Party(Role.COLLEAGUE, "maya@colleague.example", "Maya Chen", consent=Consent.ASKED))


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "introbot.sqlite3")
    with store.transaction() as tx:
        for saved in (intro("asking01", IntroState.ASKING), intro("introd02", IntroState.INTRODUCED, 2),
                      intro("declin03", IntroState.DECLINED, 1), intro("cancel04", IntroState.CANCELLED, 3),
                      intro("introd05", IntroState.INTRODUCED, 10), intro("asking06", IntroState.ASKING, client="kim@client.example"),
                      intro("asking07", IntroState.ASKING, referrer="ben@practice.example")):
            tx.save_intro(saved, None)
    yield store
    store.close()


def ids(intros: list[Intro]) -> set[str]:
    return {i.id for i in intros}


def test_in_hand_is_the_open_intros_and_those_ended_within_the_window_of_that_referrer(store):
    assert ids(store.in_hand(ADA, NOW - WEEK)) == {"asking01", "introd02", "declin03", "cancel04", "asking06"}
    assert ids(store.in_hand(ADA, NOW - WEEK, client=SAM)) == {"asking01", "introd02", "declin03", "cancel04"}


def test_with_states_only_intros_in_those_states_are_returned_and_the_window_still_applies(store):
    assert ids(store.in_hand(ADA, NOW - WEEK, client=SAM, states=REPEATABLE)) == {"asking01", "introd02"}
    assert ids(store.in_hand(ADA, NOW - WEEK, states={IntroState.DECLINED})) == {"declin03"}
    assert ids(store.in_hand(ADA, NOW - timedelta(days=1), states=REPEATABLE)) == {"asking01", "asking06"}


def test_with_states_the_order_is_still_oldest_first(store):
    assert [i.id for i in store.in_hand(ADA, NOW - WEEK, states=REPEATABLE)] == ["asking01", "introd02", "asking06"]
