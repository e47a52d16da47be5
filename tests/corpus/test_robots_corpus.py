"""detect_automatic over the real-world corpus: a score table, and the floors it must not fall below.

Targets: every bounce, delay, auto-reply, report and receipt recognised as automatic (100%); the failed
address of every flufl.bounce case found (100%); no ordinary message taken for a bounce or an auto-reply.
Where the label and the message disagree the measured floor is asserted and the cases are printed:
sisimai files delay notices (Action: delayed) under "bounce", flanker files two final failures with a
4.x.x status under "delay"; both are the same family here (BOUNCE and DELAY).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest

from tests.conftest import corpus_index, corpus_manifest, corpus_or_skip
from introbot.core.mime import UnreadableMessage, parse_message
from introbot.core.robots import AutoKind, Automatic, detect_automatic

LABELS = (  # index "kind" prefix -> the kind it means
    ("bounce", AutoKind.BOUNCE), ("delay", AutoKind.DELAY), ("auto-reply", AutoKind.AUTO_REPLY),
    ("auto-generated", AutoKind.AUTO_GENERATED), ("feedback-report", AutoKind.FEEDBACK_REPORT),
    ("read receipt", AutoKind.READ_RECEIPT), ("delivery-success", AutoKind.DELIVERY_REPORT),
)
FAMILY = {AutoKind.DELAY: AutoKind.BOUNCE}
ORDINARY = ("mime-robustness", "not-bounce", "digest", "message/rfc822 encapsulation", "forward (", "forward-attached",
            "forward-inline (", "reply (full MIME")
NOT_MESSAGES = ("body text only", "outer Subject", "HTML", "expected output")
# Labelled "not-bounce" by sisimai, yet a real mailbox-full rejection notice from a postmaster with a null
# return-path and Auto-Submitted: auto-replied; introbot must not answer it, and BOUNCE is the truth.
REALLY_A_BOUNCE = {"sisimai-set-of-emails/maildir/not/rb-issue-368-bug.eml"}

# Floors measured when this test was written; raise them when the classifier improves.
EXACT_KIND_FLOOR = 537
FAMILY_KIND_FLOOR = 553
FLUFL_PERMANENCE_FLOOR = 51
SISIMAI_PERMANENCE_FLOOR = 340


@dataclass(frozen=True)
class Case:
    path: str
    label: str
    expected: AutoKind | None  # None: an ordinary message
    verdict: Automatic | None
    unreadable: str = ""


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    corpus = corpus_or_skip()
    found = []
    for row in corpus_index():
        label = row["kind"]
        expected = next((kind for prefix, kind in LABELS if label.startswith(prefix)), None)
        if expected is None and not (label.startswith(ORDINARY) and not any(x in label for x in NOT_MESSAGES)):
            continue
        try:
            verdict = detect_automatic(parse_message((corpus / row["path"]).read_bytes()))
        except UnreadableMessage as error:
            found.append(Case(row["path"], label, expected, None, error.reason))
            continue
        found.append(Case(row["path"], label, expected, verdict))
    return found


@pytest.fixture(scope="module")
def manifest_cases() -> dict[str, dict]:
    return {case["file"]: case for name in ("bounce.sisimai-set-of-emails", "bounce.flufl.bounce")
            for case in corpus_manifest(name)["cases"]}


def robots(cases: list[Case]) -> list[Case]:
    return [case for case in cases if case.expected is not None]


def kind_of(case: Case) -> AutoKind | None:
    return case.verdict.kind if case.verdict else None


def expected_addresses(manifest_case: dict) -> set[str]:
    return {address.lower() for entry in manifest_case.get("expected", []) for address in entry.get("addresses", [])}


def flufl_permanence(manifest_case: dict) -> bool | None:
    entries = [entry for entry in manifest_case.get("expected", []) if "temporary_failure" in entry]
    return not entries[0]["temporary_failure"] if entries else None


def sisimai_permanence(manifest_case: dict) -> bool | None:
    """Hard when sisimai says so or the status is 5.x.x, soft for 4.x.x, else not scored. Sisimai's own
    pseudo-statuses (X.0.9xx, made up from its reason names) are not SMTP's word and are not scored."""
    expected = manifest_case.get("sisimai_expected") or []
    classes = {entry["status"][:1] for entry in expected if not re.fullmatch(r"\d\.0\.9\d\d", entry["status"])}
    if any(entry["hard_bounce"] for entry in expected) or "5" in classes:
        return True
    return False if "4" in classes else None


def test_score_table(cases, manifest_cases, capsys):
    """Prints the scores; the assertions are in the tests below."""
    robot_cases = robots(cases)
    recognised = [case for case in robot_cases if case.verdict]
    exact = [case for case in robot_cases if kind_of(case) is case.expected]
    family = [case for case in robot_cases if kind_of(case) and FAMILY.get(kind_of(case), kind_of(case))
              is FAMILY.get(case.expected, case.expected)]
    addressed = [(case, expected_addresses(manifest_cases[case.path])) for case in recognised
                 if case.path in manifest_cases and expected_addresses(manifest_cases[case.path])]
    found = [case for case, addresses in addressed if addresses <= set(case.verdict.failed_recipients)]
    exactly = [case for case, addresses in addressed if addresses == set(case.verdict.failed_recipients)]
    flufl = [(case, flufl_permanence(manifest_cases[case.path])) for case in recognised
             if case.path in manifest_cases and flufl_permanence(manifest_cases[case.path]) is not None]
    sisimai = [(case, sisimai_permanence(manifest_cases[case.path])) for case in recognised
               if case.path in manifest_cases and case.expected in (AutoKind.BOUNCE, AutoKind.DELAY)
               and sisimai_permanence(manifest_cases[case.path]) is not None]
    ordinary = [case for case in cases if case.expected is None and not case.unreadable]
    false_positives = [case for case in ordinary if kind_of(case) in (AutoKind.BOUNCE, AutoKind.AUTO_REPLY)]
    started = time.perf_counter()
    for case in robot_cases:
        if case.verdict:
            detect_automatic(parse_message((corpus_or_skip() / case.path).read_bytes()))
    per_message = (time.perf_counter() - started) / max(len(robot_cases), 1) * 1000

    def row(name: str, hits: int, total: int) -> str:
        return f"  {name:58} {hits:4} / {total:4}  {100 * hits / max(total, 1):6.1f}%"
    with capsys.disabled():
        print("\n\ndetect_automatic over the corpus")
        print(row("recognised as automatic (bounce, delay, auto, reports)", len(recognised), len(robot_cases)))
        print(row("right kind, exactly as labelled", len(exact), len(robot_cases)))
        print(row("right kind, bounce and delay taken as one family", len(family), len(robot_cases)))
        print(row("flufl.bounce expected addresses all found", len(found), len(addressed)))
        print(row("flufl.bounce expected addresses found, nothing more", len(exactly), len(addressed)))
        print(row("hard/temporary agrees with flufl.bounce", sum(c.verdict.permanent is p for c, p in flufl), len(flufl)))
        print(row("hard/temporary agrees with sisimai (5.x.x hard, 4.x.x soft)",
                  sum(c.verdict.permanent is p for c, p in sisimai), len(sisimai)))
        print(row("ordinary messages taken for a bounce or auto-reply", len(false_positives), len(ordinary)))
        print(f"  {'parse + detect, per robot message':58} {per_message:.2f} ms")
        print("\n  kind differs from the label:")
        for case in robot_cases:
            if kind_of(case) is not case.expected:
                reasons = "; ".join(case.verdict.reasons) if case.verdict else case.unreadable
                print(f"    {case.path}: {case.expected.name} -> {kind_of(case) and kind_of(case).name} ({reasons})")
        print("\n  hard/temporary differs (expected -> found):")
        for case, permanent in flufl + sisimai:
            if case.verdict.permanent is not permanent:
                print(f"    {case.path}: {permanent} -> {case.verdict.permanent} ({'; '.join(case.verdict.reasons)})")
        print("\n  ordinary messages taken for a bounce or auto-reply:")
        for case in false_positives:
            print(f"    {case.path}: {case.verdict.kind.name} ({'; '.join(case.verdict.reasons)})")


def test_every_robot_is_recognised_as_automatic(cases):
    assert [(case.path, case.unreadable) for case in robots(cases) if case.verdict is None] == []


def test_kinds_stay_at_or_above_the_measured_floor(cases):
    robot_cases = robots(cases)
    assert sum(kind_of(case) is case.expected for case in robot_cases) >= EXACT_KIND_FLOOR
    assert sum(FAMILY.get(kind_of(case), kind_of(case)) is FAMILY.get(case.expected, case.expected)
               for case in robot_cases if case.verdict) >= FAMILY_KIND_FLOOR


def test_every_flufl_bounce_address_is_found(cases, manifest_cases):
    missed = [(case.path, sorted(expected_addresses(manifest_cases[case.path])), case.verdict.failed_recipients)
              for case in robots(cases) if case.path in manifest_cases and case.verdict
              and not expected_addresses(manifest_cases[case.path]) <= set(case.verdict.failed_recipients)]
    assert missed == []


def test_hard_or_temporary_stays_at_or_above_the_measured_floor(cases, manifest_cases):
    recognised = [case for case in robots(cases) if case.verdict and case.path in manifest_cases]
    flufl = sum(case.verdict.permanent is flufl_permanence(manifest_cases[case.path]) for case in recognised
                if flufl_permanence(manifest_cases[case.path]) is not None)
    sisimai = sum(case.verdict.permanent is sisimai_permanence(manifest_cases[case.path]) for case in recognised
                  if case.expected in (AutoKind.BOUNCE, AutoKind.DELAY)
                  and sisimai_permanence(manifest_cases[case.path]) is not None)
    assert (flufl, sisimai) >= (FLUFL_PERMANENCE_FLOOR, SISIMAI_PERMANENCE_FLOOR)


def test_no_ordinary_message_is_taken_for_a_bounce_or_an_auto_reply(cases):
    wrong = {case.path for case in cases if case.expected is None
             and kind_of(case) in (AutoKind.BOUNCE, AutoKind.AUTO_REPLY)}
    assert wrong == REALLY_A_BOUNCE


def test_reasons_never_quote_an_address_or_a_subject(cases):
    assert [case.path for case in cases if case.verdict and any("@" in reason for reason in case.verdict.reasons)] == []
