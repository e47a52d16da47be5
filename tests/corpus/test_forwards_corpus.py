"""Forward detection over the corpus: every crisp-oss/email-forward-parser case and every full message
listed in index.jsonl with a kind starting with "forward", with a printed score table.

Comparisons ("norm" = whitespace runs collapsed to one space):
- found: a Forward is returned exactly when the case is a forward.
- sender: original.sender_address equals the expected address (None when the header has none).
- subject: original.subject equals the expected one.
- note: norm(note) equals norm(expected note); crisp's null note means "".
- body: norm(original.body) equals norm(expected body) (or starts with it for "body_startswith");
  for the discourse/email_reply_trimmer cases, the body is contained in their "embedded" answer.
- name: original.sender_name equals the expected display name.
- to, cc: the expected addresses, lower-cased, are the first addresses we found (crisp lists only
  the first recipients in several cases).
- date: original.date is non-empty when crisp expects a date.
Expected values not present in the upstream manifests (the full-message cases of mikel/mail,
mailgun/flanker and discourse/email_reply_trimmer) were read off the fixtures by hand and are written
below next to the case.
"""

from __future__ import annotations

import email
import email.policy
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.conftest import corpus_index, corpus_manifest, corpus_or_skip
from introbot.core.forwards import Forward, find_forward, parse_inline_forward

# Floors reached on the development corpus: scores may rise, they must not fall.
FLOORS = {"found": 1.0, "sender": 1.0, "subject": 1.0, "note": 1.0, "body": 0.95, "name": 0.95, "to": 0.95,
          "cc": 0.95, "date": 1.0}
CHECKS = tuple(FLOORS)

# Read off the fixtures by hand: sender address, subject, note ("before") of the forward.
BY_INSPECTION = {
    "mailgun-flanker/tests/fixtures/messages/apache-message-news-mime.eml":
        {"sender": "mangi@moondog.pvi", "subject": "Netscape Enterprise vs. Apache Secure",
         "note": "Sameer... someone for you to pester... :-)"},
    "mikel-mail/spec/fixtures/emails/attachment_emails/attachment_message_rfc822.eml":
        {"sender": "xxxx@xxxx.com", "subject": "Another PDF", "note": "This is the first part."},
    "discourse-email_reply_trimmer/test/emails/email_headers_1.txt": {"sender": None, "name": "Outlook user"},
    # The fixture cuts the address short ("<info@discourse.org."); the trailing period is punctuation.
    "discourse-email_reply_trimmer/test/emails/email_headers_2.txt": {"sender": "info@discourse.org"},
    "discourse-email_reply_trimmer/test/emails/email_headers_3.txt": {"sender": "discuss@foo.bar"},
    "discourse-email_reply_trimmer/test/emails/email_headers_4.txt": {"sender": None, "name": "Sally54721"},
    "discourse-email_reply_trimmer/test/emails/email_headers_5.txt":
        {"sender": "meta@discoursemail.com",
         "subject": "[Discourse Meta] [PM] Discourse for Communities of Practice, educational organisation"},
    "discourse-email_reply_trimmer/test/emails/forwarded_gmail.txt": {"sender": "foo@discourse.org"},
    "discourse-email_reply_trimmer/test/emails/forwarded_message.txt": {"sender": "foo@bar.com"},
}


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


class Score:
    def __init__(self) -> None:
        self.passed: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        self.failures: dict[str, list[str]] = defaultdict(list)

    def check(self, source: str, case: str, name: str, ok: bool) -> None:
        self.total[(source, name)] += 1
        self.passed[(source, name)] += ok
        if not ok:
            self.failures[case].append(name)

    def rate(self, name: str) -> float:
        total = sum(count for (_, check), count in self.total.items() if check == name)
        passed = sum(count for (_, check), count in self.passed.items() if check == name)
        return passed / total if total else 1.0

    def table(self) -> str:
        sources = sorted({source for source, _ in self.total})
        rows = ["", "forward detection (find_forward / parse_inline_forward) on the corpus",
                f"{'source':34}" + "".join(f"{name:>12}" for name in CHECKS)]
        for source in sources + ["all"]:
            cells = []
            for name in CHECKS:
                keys = [(s, name) for s in (sources if source == "all" else [source])]
                total = sum(self.total[key] for key in keys)
                passed = sum(self.passed[key] for key in keys)
                cells.append(f"{passed}/{total}" if total else "-")
            rows.append(f"{source:34}" + "".join(f"{cell:>12}" for cell in cells))
        if self.failures:
            rows.append("failing cases:")
            rows += [f"  {case}: {', '.join(names)}" for case, names in sorted(self.failures.items())]
        return "\n".join(rows)


def crisp_label(case: dict) -> str:
    return f"{case['body_file'].split('/')[-1]} (subject {case['outer_subject']!r})"


def crisp_sender(case: dict) -> str | None:
    """The original sender's address crisp expects, lower-cased as introbot returns it (None when the header
    has none); bench/rivals.py compares other forward parsers with it."""
    wanted = case["expected"]["from"]["address"]
    return wanted.lower() if wanted else None


def score_crisp(score: Score, corpus: Path) -> None:
    for case in corpus_manifest("forward.crisp-email-forward-parser")["cases"]:
        label = crisp_label(case)
        expected = case["expected"]
        forward = parse_inline_forward(read_text(corpus / case["body_file"]), case["outer_subject"])
        score.check("crisp-email-forward-parser", label, "found", (forward is not None) == expected["forwarded"])
        if forward is None or not expected["forwarded"]:
            continue
        answers: dict = {}
        if "from" in expected:
            answers.update(sender=crisp_sender(case), name=expected["from"]["name"])
        if "subject" in expected:
            answers["subject"] = expected["subject"]
        if "message" in expected:
            answers["note"] = expected["message"]
        if "body" in expected:
            answers["body"] = expected["body"]
        if "body_startswith" in expected:
            answers["body_startswith"] = expected["body_startswith"]
        for field in ("to", "cc"):
            if field in expected:
                answers[field] = [entry["address"].lower() for entry in expected[field] if entry["address"]]
        if expected.get("date_nonempty"):
            answers["date_nonempty"] = True
        compare(lambda name, ok: score.check("crisp-email-forward-parser", label, name, ok), forward, answers, None)


def score_full_messages(score: Score, corpus: Path) -> None:
    misc = {case["file"]: case for name in ("misc.discourse-gitlab", "misc.mailgun-flanker", "misc.mikel-mail")
            for case in corpus_manifest(name)["cases"]}
    trimmer = {case["file"]: case for case in corpus_manifest("reply.discourse-email_reply_trimmer")["cases"]}
    for entry in corpus_index():
        if not entry["kind"].startswith("forward") or entry["source"] == "crisp-email-forward-parser":
            continue
        path = entry["path"]
        label = path.split("/")[-1]
        source = entry["source"]
        check = lambda name, ok: score.check(source, label, name, ok)  # noqa: E731
        if path.endswith(".txt"):
            forward = parse_inline_forward(read_text(corpus / path))
        else:
            forward = find_forward(email.message_from_bytes((corpus / path).read_bytes(), policy=email.policy.default))
        check("found", forward is not None)
        if forward is None:
            continue
        expected = dict(BY_INSPECTION.get(path, {}))
        manifest_case = misc.get(path, {}).get("expected", {})
        if "original" in manifest_case:
            original = manifest_case["original"]
            expected.update(sender=original["from"]["address"], name=original["from"]["name"],
                            subject=original["subject"], note=manifest_case["note_above"], body=original["body"],
                            to=[item["address"] for item in original["to"]], date=original["date"])
        answers = trimmer.get(path, {}).get("expected_files", {})
        if "before" in answers:
            expected["note"] = read_text(corpus / answers["before"])
        compare(check, forward, expected, read_text(corpus / answers["embedded"]) if "embedded" in answers else None)


def compare(check, forward: Forward, expected: dict, embedded: str | None) -> None:
    original = forward.original
    for key, actual in (("sender", original.sender_address), ("name", original.sender_name),
                        ("subject", original.subject), ("date", original.date)):
        if key in expected:
            check(key, actual == expected[key])
    if "note" in expected:
        check("note", norm(forward.note) == norm(expected["note"]))
    if "body" in expected:
        check("body", norm(original.body) == norm(expected["body"]))
    if "body_startswith" in expected:
        check("body", norm(original.body).startswith(norm(expected["body_startswith"])))
    if embedded is not None:
        check("body", norm(original.body) in norm(embedded))
    for field in ("to", "cc"):
        if field in expected:
            check(field, list(getattr(original, field)[:len(expected[field])]) == expected[field])
    if expected.get("date_nonempty"):
        check("date", bool(original.date))


@pytest.fixture(scope="module")
def score() -> Score:
    corpus = corpus_or_skip()
    result = Score()
    score_crisp(result, corpus)
    score_full_messages(result, corpus)
    return result


def test_forward_parsing_meets_its_floors_on_the_corpus(score, capsys):
    with capsys.disabled():
        print(score.table())
    shortfalls = {name: f"{score.rate(name):.1%}" for name in CHECKS if score.rate(name) < FLOORS[name]}
    assert not shortfalls, f"below the floor: {shortfalls}\n{score.table()}"


def test_every_forward_case_is_scored(score):
    assert score.total[("crisp-email-forward-parser", "found")] == 125
    full_messages = [entry for entry in corpus_index()
                     if entry["kind"].startswith("forward") and entry["source"] != "crisp-email-forward-parser"]
    assert sum(count for (source, name), count in score.total.items()
               if name == "found" and source != "crisp-email-forward-parser") == len(full_messages)
