"""Reply separation (split_reply) over every reply.* manifest of the corpus, with a printed score table.

How each upstream expectation is compared ("norm" = all runs of whitespace collapsed to one space,
trailing lines made only of rule characters such as "-----" dropped):

- reply_equals, reply_equals_excl_signature, latest_body_equals: norm(new_text) == norm(expected).
- reply_startswith / reply_contains / reply_not_contains (and latest_body_*): on norm(new_text).
- quoted_contains, older_header_contains, reply2_*: contained in norm(quoted) (we do not split the
  older thread into separate replies, so "the second reply's body/signature" must be in the quote).
- quote_header_startswith / quote_header_regex: on the start of the quoted part.
- signature_startswith / latest_signature_*: on norm(signature).
- nothing_quoted, thread_len == 1: quoted == ""; thread_len > 1, fragments > 1: quoted != "".
- single_fragment: nothing quoted, no signature, and new_text is the whole (stripped) input.
- latest_line_count: the number of lines of new_text.
- max_seconds: the case must simply complete (speed is measured by benchmarks, not asserted here).
- mailgun/talon never removes signatures, so its expectations are compared with new_text followed by
  the signature; its HTML cases go through html_to_text first.
- discourse/email_reply_trimmer keeps sign-offs ("Thanks,\\nAda") in its trimmed text and keeps quotes
  that have no attribution line; so its "trimmed" answer, without its ">" lines, is compared with
  new_text, alone or followed by the sign-off our signature starts with (its lines up to the first
  "--", rule or device line).
  Its forward cases (with "before"/"embedded" answers) are scored in test_forwards_corpus.py.

Cases whose manifest has no assertion ("note" only) are still run (they must not raise) and are
counted in the "unscored" column.

run_case takes the splitter as a parameter so that bench/rivals.py scores other reply parsers by
exactly these rules.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import corpus_manifest, corpus_or_skip
from introbot.core.quotes import ReplyParts, split_reply
from introbot.core.text import body_text, html_to_text

# The floor reached: the score may rise, it must not fall. Each failing case is listed in the table,
# with the reason when it is a known disagreement between the upstream answer and introbot's choice.
OVERALL_FLOOR = 0.955
WHY = {
    "discourse-email_reply_trimmer/test/emails/embedded_email_1.txt":
        "discourse (and talon, email_reply_parser, mail-parser-reply) drop text written below a quote when text "
        "stands above it ('99% a signature'); for introbot an answer written below the quote counts",
    "discourse-email_reply_trimmer/test/emails/embedded_email_17.txt":
        "an unmarked 'On ... wrote:' opening the message: what follows starts with the quoted author's words, "
        "so introbot (like talon) reads it all as quote, and a request never takes names from it; discourse keeps it",
    "discourse-email_reply_trimmer/test/emails/embedded_email_18.txt":
        "same shape: the (indented) text under the opening 'On ... wrote:' is the quoted message",
    "discourse-email_reply_trimmer/test/emails/forwarded_message.txt":
        "a bare forward has no new text for introbot; discourse shows the forwarded text",
    "mailgun-talon/tests/fixtures/reply-separated-by-hr.html":
        "talon's answer drops 'Bob', which shares the <div> of the <hr>; as text it is a line of the reply",
    "test_too_many_lines#0":
        "the upstream test patches talon's MAX_LINES_COUNT to 1; unpatched talon gives our answer too",
    "test_reply_and_quotation_splitter_share_line#2":
        "same input as cases #0 and #1 (which pass) with a contradicting answer",
    "test_dont_parse_quotations_for_forwarded_messages#0":
        "a forward inside a reply is embedded mail, not new text (discourse's forwarded_gmail.txt agrees)",
}
MANIFESTS = (
    "reply.alfonsrv-mail-parser-reply",
    "reply.crisp-email-reply-parser",
    "reply.discourse-email_reply_trimmer",
    "reply.github-email_reply_parser",
    "reply.mailgun-talon",
    "reply.talon-inline-cases",
    "reply.zapier-email-reply-parser",
)

Splitter = Callable[[str], ReplyParts]


@dataclass
class Outcome:
    manifest: str
    case: str
    checks: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return bool(self.checks)

    @property
    def passed(self) -> bool:
        return all(ok for _, ok in self.checks)


_RULE_ONLY = re.compile(r"^[\s\-_=*~—]*$")


def norm(text: str) -> str:
    lines = text.strip().split("\n")
    while lines and _RULE_ONLY.match(lines[-1]):
        lines.pop()
    return " ".join(" ".join(lines).split())


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def check_expectations(parts: ReplyParts, source: str, expected: dict, outcome: Outcome) -> None:
    new, quoted, signature = norm(parts.new_text), norm(parts.quoted), norm(parts.signature)

    def check(name: str, ok: bool) -> None:
        outcome.checks.append((name, ok))

    for key, value in expected.items():
        values = value if isinstance(value, list) else [value]
        if key in ("reply_equals", "reply_equals_excl_signature", "latest_body_equals"):
            check(key, new == norm(value))
        elif key in ("reply_startswith", "latest_body_startswith"):
            check(key, new.startswith(norm(value)))
        elif key in ("reply_contains", "latest_body_contains"):
            check(key, all(norm(item) in new for item in values))
        elif key in ("reply_not_contains", "latest_body_not_contains"):
            check(key, all(norm(item) not in new for item in values))
        elif key in ("quoted_contains", "older_header_contains", "reply2_body_contains", "reply2_body_equals",
                     "reply2_signature_contains", "reply2_signature_equals", "reply3_body_equals"):
            check(key, all(norm(item).lstrip("> ") in quoted for item in values))
        elif key == "quote_header_startswith":
            check(key, quoted.startswith(norm(value)))
        elif key == "quote_header_regex":
            check(key, re.match(value, parts.quoted) is not None)
        elif key in ("signature_startswith", "latest_signature_startswith"):
            check(key, signature.startswith(norm(value)))
        elif key == "latest_signature_contains":
            check(key, all(norm(item) in signature for item in values))
        elif key == "latest_signature_equals":
            check(key, signature == norm(value))
        elif key == "nothing_quoted":
            check(key, (parts.quoted == "") == value)
        elif key == "thread_len":
            check(key, (parts.quoted == "") == (value == 1))
        elif key == "fragments":
            check(key, (parts.quoted != "") == (value > 1))
        elif key == "single_fragment":
            check(key, parts.quoted == "" and parts.signature == "" and new == norm(source))
        elif key == "latest_line_count":
            check(key, len(parts.new_text.split("\n")) == value)
        elif key == "max_seconds":
            check(key, True)
        elif key in ("note", "how"):
            continue
        else:
            raise AssertionError(f"unknown expectation key {key!r}: teach check_expectations about it")


def talon_text(path: Path) -> str:
    if path.suffix == ".html":
        return html_to_text(read_text(path))
    if path.name == "reply-quotations-share-block.eml":
        return read_text(path)  # upstream feeds this one to extract_from_plain as raw text
    return body_text(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))


_DEVICE_OR_DELIMITED = re.compile(r"^(?:--|—|–|_{5,}|-{5,})\s*$|^(?:sent|envoy|von meinem|get outlook)", re.I)


def run_case(manifest: str, case: dict, corpus: Path, split: Splitter = split_reply,
             split_html: Splitter | None = None) -> Outcome:
    """Score one case with `split`; talon's .html fixtures go to `split_html` as HTML when it is given,
    else to `split` as text (html_to_text)."""
    outcome = Outcome(manifest, case.get("file") or case.get("id") or "?")
    if manifest == "reply.talon-inline-cases":
        parts = split(case["input"])
        joined = "\n".join(part for part in (parts.new_text, parts.signature) if part)
        outcome.checks.append(("expected_reply", norm(joined) == norm(case["expected_reply"])))
        return outcome
    path = corpus / case["file"]
    if manifest == "reply.mailgun-talon":
        if split_html is not None and path.suffix == ".html":
            parts = split_html(read_text(path))
        else:
            parts = split(talon_text(path))
        joined = norm("\n".join(part for part in (parts.new_text, parts.signature) if part))
        for key, value in case["expected"].items():
            if key == "reply_equals_after_strip":
                outcome.checks.append((key, joined == norm(value)))
            elif key == "reply_text_equals_ignoring_all_whitespace":
                outcome.checks.append((key, joined.replace(" ", "") == "".join(value.split())))
            elif key == "reply_html_without_whitespace":
                outcome.checks.append((key, joined.replace(" ", "") == "".join(html_to_text(value).split())))
            elif key == "reply_nonempty":
                outcome.checks.append((key, bool(joined)))
            elif key == "reply_not_contains":
                outcome.checks.append((key, all(item not in joined for item in value)))
        return outcome
    source = read_text(path)
    parts = split(source)
    if manifest == "reply.discourse-email_reply_trimmer":
        trimmed = read_text(corpus / case["expected_files"]["trimmed"])
        expected = "\n".join(line for line in trimmed.split("\n") if not line.lstrip().startswith(">"))
        sign_off = []
        for line in parts.signature.split("\n"):
            if _DEVICE_OR_DELIMITED.match(line):
                break
            sign_off.append(line)
        candidates = [norm(parts.new_text), norm(parts.new_text + "\n" + "\n".join(sign_off))]
        outcome.checks.append(("trimmed", norm(expected) in candidates))
        return outcome
    check_expectations(parts, source, case.get("expected", {}), outcome)
    return outcome


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    corpus = corpus_or_skip()
    results = []
    for manifest in MANIFESTS:
        for case in corpus_manifest(manifest)["cases"]:
            results.append(run_case(manifest, case, corpus))
    return results


def score_table(results: list[Outcome]) -> str:
    rows = ["", "reply separation (split_reply) on the corpus",
            f"{'manifest':42} {'passed':>7} {'scored':>7} {'score':>7} {'unscored':>9}"]
    totals: Counter[str] = Counter()
    for manifest in MANIFESTS:
        mine = [result for result in results if result.manifest == manifest]
        scored = [result for result in mine if result.scored]
        passed = sum(result.passed for result in scored)
        totals.update(passed=passed, scored=len(scored), unscored=len(mine) - len(scored))
        rate = passed / len(scored) if scored else 1.0
        rows.append(f"{manifest:42} {passed:7} {len(scored):7} {rate:7.1%} {len(mine) - len(scored):9}")
    rate = totals["passed"] / totals["scored"]
    rows.append(f"{'all reply manifests':42} {totals['passed']:7} {totals['scored']:7} {rate:7.1%} "
                f"{totals['unscored']:9}")
    failures = [result for result in results if result.scored and not result.passed]
    if failures:
        rows.append("failing cases:")
        rows += [f"  {result.manifest}: {result.case} ({', '.join(n for n, ok in result.checks if not ok)}): "
                 f"{WHY.get(result.case, 'unexplained')}" for result in failures]
    return "\n".join(rows)


def overall_rate(results: list[Outcome]) -> float:
    scored = [result for result in results if result.scored]
    return sum(result.passed for result in scored) / len(scored)


def test_reply_separation_meets_its_floor_on_the_corpus(outcomes, capsys):
    with capsys.disabled():
        print(score_table(outcomes))
    assert overall_rate(outcomes) >= OVERALL_FLOOR, score_table(outcomes)


def test_every_failing_reply_case_is_a_known_disagreement(outcomes):
    unexplained = [result.case for result in outcomes if result.scored and not result.passed and result.case not in WHY]
    assert unexplained == [], score_table(outcomes)


def test_every_reply_fixture_is_run(outcomes):
    assert len(outcomes) == sum(len(corpus_manifest(name)["cases"]) for name in MANIFESTS)
    assert sum(outcome.scored for outcome in outcomes) >= 180
