"""Every file of the real-world corpus goes through parse_message: a message or UnreadableMessage, never a crash."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import corpus_index, corpus_or_skip
from introbot.core.mime import UnreadableMessage, parse_message

# The files of the MIME sets that are refused, and why: none of them is mail introbot could act on.
KNOWN_UNREADABLE = {
    "cpython-test_email/Lib/test/test_email/data/msg_11.txt": "no From header",  # a bare encapsulation
    "cpython-test_email/Lib/test/test_email/data/msg_18.txt": "no From header",  # a header-folding sample
    "cpython-test_email/Lib/test/test_email/data/msg_19.txt": "not a mail message",  # a digest body only
    "cpython-test_email/Lib/test/test_email/data/msg_37.txt": "no From header",  # MIME structure samples
    "cpython-test_email/Lib/test/test_email/data/msg_38.txt": "no From header",
    "cpython-test_email/Lib/test/test_email/data/msg_39.txt": "no From header",
    "cpython-test_email/Lib/test/test_email/data/msg_40.txt": "no From header",
    "mailgun-flanker/tests/fixtures/messages/attached-pdf.eml": "no From header",  # made with curl, no sender
    "mailgun-flanker/tests/fixtures/messages/enclosed-endless.eml": "too many parts: 3041 > 500",  # a nesting bomb
    # flanker's stress test: a Subject of 205 KB (one sentence in encoded words, again and again), which the stdlib
    # reads in super-linear time on every access; no mail client writes one
    "mailgun-flanker/tests/fixtures/messages/long-header.eml": "Subject header too long: 204.8 KB > 4 KB",
    "mikel-mail/spec/fixtures/emails/error_emails/bad_encoded_subject.eml": "no From header",
    "mikel-mail/spec/fixtures/emails/plain_emails/raw_email_incorrect_header.eml": "no From header",
    # RFC 2822 obsolete syntax ("From  : ..."), which the stdlib reads as an mbox From_ line and a body
    "mikel-mail/spec/fixtures/emails/rfc2822/example13.eml": "not a mail message",
}
# Labels of fixtures that are not whole messages (bodies only, HTML only, expected outputs).
NOT_MESSAGES = ("body text only", "outer Subject", "HTML", "expected output", "must not find an embedded")


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[dict, str]]:
    """(index row, "parsed" | "unreadable: reason" | "CRASH: ExceptionType") for every corpus file."""
    corpus = corpus_or_skip()
    results = []
    for row in corpus_index():
        raw = (corpus / row["path"]).read_bytes()
        try:
            parse_message(raw)
            outcome = "parsed"
        except UnreadableMessage as error:
            outcome = f"unreadable: {error.reason}"
        except Exception as error:  # the very thing this test exists to catch
            outcome = f"CRASH: {type(error).__name__}"
        results.append((row, outcome))
    return results


def test_no_corpus_file_crashes_the_parser(outcomes, capsys):
    table = Counter((row["kind"].split(" (")[0].split(" [")[0], outcome.split(":")[0]) for row, outcome in outcomes)
    with capsys.disabled():
        print("\n\nparse_message over the corpus (kind, outcome: files)")
        for (kind, outcome), count in sorted(table.items()):
            print(f"  {kind[:40]:40} {outcome:10} {count}")
    assert [row["path"] for row, outcome in outcomes if outcome.startswith("CRASH")] == []


def test_whole_messages_parse_except_the_known_unreadable_files(outcomes):
    refused = {row["path"]: outcome.removeprefix("unreadable: ") for row, outcome in outcomes
               if not any(label in row["kind"] for label in NOT_MESSAGES) and outcome != "parsed"}
    assert refused == KNOWN_UNREADABLE
