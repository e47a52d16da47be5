"""An adversarial set of 261 messages beyond the corpus: robots that look like people, people that look like robots.

tests/data/robots_adversarial.jsonl was written by a reviewer: bounces and delays of today's MTAs and
providers in ten languages, out-of-office replies with and without headers in the eleven answer
languages, helpdesk acknowledgements, receipts, calendar notices, challenge-response filters; and
people's answers that mention holidays, quote bounces or carry a gateway's headers. "contested" marks
the cases where either verdict can be argued (a person's reply through a gateway that stamps
List-Unsubscribe): they are counted, not held.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from introbot.core.answers import Answer, read_answer
from introbot.core.echo import own_words
from introbot.core.mime import parse_message
from introbot.core.robots import detect_automatic
from introbot.core.text import body_text

LOOP = ("X-Introbot-Loop", "intro@collective.example")
CASES = [json.loads(line) for line in
         (Path(__file__).parent.parent / "data" / "robots_adversarial.jsonl").read_text(encoding="utf-8").splitlines()]
# Robots still read as people. Neither carries a reply token in life (an abuse desk, a newsletter), and
# neither reads as a yes.
ROBOTS_LEFT_TO_THE_READER = {"arf-text-only", "newsletter-no-list-headers"}
# People still taken for robots: a person quoting or forwarding a bounce, and addresses shaped like
# a list's (clinic-owner@, booking-request@) or a daemon's display name.
PEOPLE_TAKEN_FOR_ROBOTS = {"quotes-bounce-subject", "fwd-bounce-referrer", "frontdesk-owner", "booking-request-addr",
                           "info-noreply-name"}


def verdict(case: dict):
    return detect_automatic(parse_message(case["raw"].encode("utf-8", "surrogateescape")), own_loop_header=LOOP)


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    return {case["id"]: verdict(case) for case in CASES}


def test_no_robot_is_read_as_a_person_except_the_known_few_and_none_of_them_reads_as_a_yes(verdicts):
    robots_as_people = {case["id"] for case in CASES
                        if case["expected"]["verdict"] == "automatic" and verdicts[case["id"]] is None}
    assert robots_as_people == ROBOTS_LEFT_TO_THE_READER
    for case in CASES:
        if case["id"] in robots_as_people:
            words = own_words(body_text(parse_message(case["raw"].encode("utf-8", "surrogateescape"))), [])
            assert read_answer(words).answer is not Answer.YES, case["id"]


def test_people_taken_for_robots_are_only_the_known_few(verdicts):
    people_as_robots = {case["id"] for case in CASES if case["expected"]["verdict"] == "person"
                        and not case.get("contested") and verdicts[case["id"]] is not None}
    assert people_as_robots == PEOPLE_TAKEN_FOR_ROBOTS


def test_the_score_on_the_adversarial_robots(verdicts, capsys):
    tally = Counter()
    for case in CASES:
        expected_robot = case["expected"]["verdict"] == "automatic"
        got_robot = verdicts[case["id"]] is not None
        label = "right" if expected_robot == got_robot else ("robot read as person" if expected_robot
                                                               else "person read as robot")
        tally[("contested: " if case.get("contested") and label != "right" else "") + label] += 1
    with capsys.disabled():
        print(f"\nadversarial robots and people ({len(CASES)}): {dict(tally)}")
    assert len(CASES) >= 250 and tally["right"] >= 0.95 * len(CASES)
