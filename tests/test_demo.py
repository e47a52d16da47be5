"""`introbot demo`: the whole story runs against the real daemon, and --serve lets a person join in."""

from __future__ import annotations

import io
import os
import re
import signal
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from imapclient import IMAPClient

from introbot.demo import demo_main
from introbot.demo.mailsystem import EmbeddedMailSystem
from introbot.demo.story import Story, StoryFailed

SAM, MAYA, ADA = "sam@client.example", "maya@bodywork.example", "ada@clinic.example"
SERVE_DEADLINE = 120.0


@dataclass(frozen=True)
class Shown:
    """One email as the demo printed it."""

    where: str
    headers: dict[str, str]
    body: str


def emails(output: str) -> list[Shown]:
    """The emails the demo printed, in order: the box under "| In <where>", headers, blank line, text."""
    shown = []
    for where, box in re.findall(r"^    \| In ([^\n]+)\n    \+-+\n(.*?)^    \+-+$", output, re.MULTILINE | re.DOTALL):
        lines = [line.removeprefix("    |").removeprefix(" ") for line in box.splitlines()]
        blank = lines.index("")
        headers = dict(re.match(r"([\w-]+):\s+(.*)", line).groups() for line in lines[:blank])
        shown.append(Shown(where, headers, "\n".join(lines[blank + 1:])))
    return shown


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[int, str]:
    """The demo run from an empty working directory, which it must leave empty (a newcomer's home)."""
    here, out = tmp_path_factory.mktemp("cwd"), io.StringIO()
    before = os.getcwd()
    os.chdir(here)
    try:
        status = demo_main(serve=False, out=out)
    finally:
        os.chdir(before)
    assert list(here.iterdir()) == [], "the demo left files in the directory it was run from"
    return status, out.getvalue()


def test_the_demo_succeeds_and_shows_every_email_in_story_order(demo):
    status, output = demo
    assert status == 0, output
    assert [email.where for email in emails(output)] == [
        "introbot's inbox", "Sam Rivera's inbox", "introbot's inbox", "Maya Chen's inbox", "introbot's inbox",
        "Sam Rivera's and Maya Chen's inboxes (one email to both)", "Dr. Ada Lee's inbox", "Maya Chen's inbox"]
    assert [int(step) for step in re.findall(r"^\[(\d)\] ", output, re.MULTILINE)] == [1, 2, 3, 4, 5]


def test_ada_forwards_sams_email_and_sam_is_asked_first(demo):
    forward, ask = emails(demo[1])[:2]
    assert ADA in forward.headers["From"] and "intro@collective.example" in forward.headers["To"]
    assert "Maya Chen" in forward.body and "Forwarded message" in forward.body
    assert ask.headers["To"] == f"Sam Rivera <{SAM}>"
    assert "intro+" in ask.headers["Reply-To"] and "Maya Chen" in ask.headers["Subject"]
    assert "YES or NO" in ask.body.replace("\n", " ")


def test_both_answers_are_shown_and_maya_is_asked_without_learning_who_the_client_is(demo):
    _, _, yes, maya_ask, happy = emails(demo[1])[:5]
    assert SAM in yes.headers["From"] and "intro+" in yes.headers["To"] and yes.body.startswith("Yes please")
    assert MAYA in happy.headers["From"] and "intro+" in happy.headers["To"] and happy.body.startswith("Happy to!")
    assert maya_ask.headers["To"] == f"Maya Chen <{MAYA}>"
    assert "Sam" in maya_ask.body
    assert "Rivera" not in str(maya_ask) and SAM not in str(maya_ask)


def test_one_introduction_reaches_both_and_ada_gets_a_one_line_note(demo):
    output = demo[1]
    [intro] = [email for email in emails(output) if "one email to both" in email.where]
    for header in ("To", "Reply-To"):
        assert intro.headers[header] == f"Sam Rivera <{SAM}>, Maya Chen <{MAYA}>"
    assert "Cc" not in intro.headers
    assert "take it from here" in intro.body
    note = emails(output)[6]
    assert note.headers["To"] == f'"Dr. Ada Lee" <{ADA}>'
    assert "introduced" in note.body.partition("\n--")[0]


def test_the_reply_all_reaches_maya_alone(demo):
    answer = emails(demo[1])[-1]
    assert answer.where == "Maya Chen's inbox"
    assert SAM in answer.headers["From"] and answer.headers["To"] == f"Maya Chen <{MAYA}>"
    assert "Cc" not in answer.headers
    assert answer.body.startswith("Lovely to meet you")


def test_the_summary_counts_each_persons_mail_and_says_the_reply_all_stayed_private(demo):
    output = demo[1]
    assert re.search(r"^  Dr\. Ada Lee +1 email: ", output, re.MULTILINE)
    assert re.search(r"^  Sam Rivera +2 emails: ", output, re.MULTILINE)
    assert re.search(r"^  Maya Chen +3 emails: ", output, re.MULTILINE)
    assert "The reply-all stayed between Sam and Maya" in output
    assert "did not complete" not in output


def test_a_step_that_does_not_happen_fails_the_story_naming_it():
    out = io.StringIO()
    with EmbeddedMailSystem() as mail, pytest.raises(StoryFailed, match=r"^step 2: introbot's question to Sam "
                                                                         r"did not arrive within 0\.5 s$"):
        Story(mail, out, timeout=0.5).play()  # no introbot is running
    assert "In introbot's inbox" in out.getvalue()


def test_the_demo_refuses_to_run_outside_the_main_thread():
    errors: list[BaseException] = []

    def run() -> None:
        try:
            demo_main(serve=False, out=io.StringIO())
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert "main thread" in str(errors[0])


# ---------------------------------------------------------------------- --serve
@dataclass(frozen=True)
class Account:
    email: str
    imap_port: int
    smtp_port: int
    password: str


def accounts(output: str) -> dict[str, Account]:
    found = {}
    for block in re.findall(r"^  \S.*\((?:[^)]*)\)\n(?:    .*\n)+", output, re.MULTILINE):
        email = re.search(r"Email address +(\S+)", block).group(1)
        found[email] = Account(email, int(re.search(r"IMAP\) +server 127\.0\.0\.1, port (\d+), security none", block)[1]),
                               int(re.search(r"SMTP\) +server 127\.0\.0\.1, port (\d+), security none", block)[1]),
                               re.search(r"Password +(\S+)", block).group(1))
        assert re.search(rf"Username +{re.escape(email)}$", block, re.MULTILINE)
    return found


def serve_until(operator: Callable[[dict[str, Account], threading.Event], None]) -> tuple[int, str]:
    """Run `introbot demo --serve` in this (main) thread; once it prints the settings, `operator` plays
    a person with them in another thread, then stops the demo."""
    out, stop, done = io.StringIO(), threading.Event(), threading.Event()
    problems: list[BaseException] = []

    def operate() -> None:
        try:
            deadline = time.monotonic() + SERVE_DEADLINE
            while "until you press Ctrl-C" not in out.getvalue() or "Any other address" not in out.getvalue():
                if done.is_set() or time.monotonic() > deadline:
                    raise AssertionError("the demo never printed the settings to connect with")
                time.sleep(0.05)
            operator(accounts(out.getvalue()), stop)
        except BaseException as problem:
            problems.append(problem)
            stop.set()

    thread = threading.Thread(target=operate)
    thread.start()
    try:
        status = demo_main(serve=True, out=out, stop=stop)
    finally:
        done.set()
        thread.join()
    if problems:
        raise problems[0]
    return status, out.getvalue()


def send(account: Account, to: str, text: str, subject: str) -> None:
    """Send as a desktop mail client does with the printed settings: log in, then submit."""
    with smtplib.SMTP("127.0.0.1", account.smtp_port, local_hostname="desktop.example", timeout=10) as smtp:
        smtp.login(account.email, account.password)
        smtp.sendmail(account.email, [to], f"From: {account.email}\r\nTo: {to}\r\nSubject: {subject}\r\n"
                                           f"Message-ID: <{subject.replace(' ', '.')}@desktop.example>\r\n"
                                           f"\r\n{text}\r\n".encode())


def inbox_size(account: Account, login: str | None = None) -> int:
    with IMAPClient("127.0.0.1", port=account.imap_port, ssl=False, timeout=10) as imap:
        imap.login(login or account.email, account.password)
        return imap.select_folder("INBOX")[b"EXISTS"]


def test_serve_prints_working_settings_for_each_person_and_stops_on_the_stop_event():
    def play_by_hand(settings: dict[str, Account], stop: threading.Event) -> None:
        assert set(settings) == {ADA, SAM, MAYA, "intro@collective.example"}
        send(settings[MAYA], SAM, "See you Thursday at 3!", "Thursday")
        assert inbox_size(settings[SAM]) == 3  # the ask, the introduction, Maya's mail
        # Ada asks for a new introduction from her mail client, logged in: introbot asks Kim.
        send(settings[ADA], "intro@collective.example", "Please introduce Kim Novak <kim@client.example> to "
                                                        "Maya Chen.", "Intro please")
        deadline = time.monotonic() + SERVE_DEADLINE
        while inbox_size(settings[ADA], login="kim@client.example") == 0:
            assert time.monotonic() < deadline, "introbot never asked Kim"
            time.sleep(0.1)
        stop.set()

    status, output = serve_until(play_by_hand)
    assert status == 0, output
    assert "did not complete" not in output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_on_ctrl_c_or_sigterm(signum):
    status, output = serve_until(lambda settings, stop: os.kill(os.getpid(), signum))
    assert status == 0, output
    assert "What each person received" in output
