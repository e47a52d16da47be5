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
import re
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
# Robots still read as people: none. (The last, an abuse desk's free-text complaint, is a robot by its
# RFC 2142 sender, abuse@.)
ROBOTS_LEFT_TO_THE_READER: set[str] = set()
# People still taken for robots: none. Each would lose their answer (a reminder, then the intro expires).
PEOPLE_TAKEN_FOR_ROBOTS: set[str] = set()
# The service tells detect_automatic when a message comes from an address introbot wrote to and carries
# its reply token (sender_was_asked). The set tells of one intro: Lena Park (the referrer) introduces
# Sam Rivera to Maya Chen, whose mailbox the cases place at many providers and at her clinic's front
# desk. These are the addresses introbot wrote to in that story, and never a daemon's, a postmaster's, a
# helpdesk platform's own (zendesk), a challenge service's or a newsletter's. Every case, robot or
# person, is read as the service reads it, so that an autoresponder at an asked address is seen to stay
# a robot.
TOKEN = "k3vq7mzt2nfhxw4jaebrc5ydlo"
ASKED_ADDRESSES = {
    "maya.chen@contoso-health.example", "mayachen.acu@gmail.example", "maya.chen@icloud.example",
    "maya@fastmail-clinic.example", "maya@proton-clinic.example", "maya@zimbra-clinic.example",
    "maya@zohoclinic.example", "maya@ovh-cabinet.example", "maya@praxis-chen.example", "maya@spamarrest-user.example",
    "mayachen@earthlink.example", "maya.chen@notes-hospital.example", "maya@maildelivery-service.example",
    "info@harbourclinic.example", "hello@harbourclinic.example", "support@harbourclinic.example",
    "clinic-owner@harbourclinic.example", "booking-request@harbourclinic.example",
    "sam.rivera@gmail.example", "sam.r@outlook.example", "lena@parkclinic.example",
}


def message_of(case: dict):
    return parse_message(case["raw"].encode("utf-8", "surrogateescape"))


def verdict(case: dict):
    message = message_of(case)
    return detect_automatic(message, own_loop_header=LOOP, sender_was_asked=sender_was_asked(message))


def sender_was_asked(message) -> bool:
    """As the service decides it: From is an address introbot wrote to, and the message carries the token."""
    sender = re.findall(r"[^\s<>]+@[^\s<>]+", str(message.get("From", "")))
    carries_token = any(TOKEN in str(message.get(name, "")) for name in ("To", "In-Reply-To", "References"))
    return bool(sender) and sender[-1].lower() in ASKED_ADDRESSES and carries_token


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    return {case["id"]: verdict(case) for case in CASES}


def test_no_robot_is_read_as_a_person_except_the_known_few_and_none_of_them_reads_as_a_yes(verdicts):
    robots_as_people = {case["id"] for case in CASES
                        if case["expected"]["verdict"] == "automatic" and verdicts[case["id"]] is None}
    assert robots_as_people == ROBOTS_LEFT_TO_THE_READER
    for case in CASES:
        if case["id"] in robots_as_people:
            words = own_words(body_text(message_of(case)), [])
            assert read_answer(words).answer is not Answer.YES, case["id"]


def test_robots_at_an_asked_address_are_read_with_sender_was_asked_and_stay_robots(verdicts):
    asked_robots = {case["id"] for case in CASES
                    if case["expected"]["verdict"] == "automatic" and sender_was_asked(message_of(case))}
    assert {"oof-outlook-en", "gmail-vac-en", "headerless-re-en", "clinic-ack-en", "challenge-de"} <= asked_robots
    assert all(verdicts[case_id] is not None for case_id in asked_robots - ROBOTS_LEFT_TO_THE_READER)


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
