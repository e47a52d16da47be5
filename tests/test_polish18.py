"""Polish 18, through a real Service over a real SQLite store: the note asking a party to answer from the address
that was asked says which introduction it is about; whatever a template prints, a colleague reads no more of the client
than the first name before the introduction, and `introbot check` fails a template that would need more; the commands
that read or steer the database say so when there is none, rather than create an empty one."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from introbot.cli import main
from introbot.config import load_config
from introbot.daemon import build_service
from introbot.edges.store import Store
from introbot.model import Kind, Role
from introbot.samples import render_sample
from tests.conversation import KIM, MAYA, SAM
from tests.service_world import Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import write
from tests.test_review18a_check import EXAMPLE, check, configured

# Every message a colleague may get before the introduction, when the client has not yet been introduced to them.
TO_THE_COLLEAGUE_BEFORE_THE_INTRODUCTION = (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE, Kind.UNCLEAR_ANSWER,
                                            Kind.ANSWER_FROM_HERE, Kind.NOT_GOING_AHEAD)
# An operator's template trying every way to show the colleague more of the client than the first name.
PRYING = ('{% block subject %}About {{ client.first_name }}{% endblock %}\n{% block body %}'
          '{{ client }} {{ client.name | default("") }} {{ client.email | default("") }} {{ other | default("") }}'
          '{% endblock %}\n')


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def test_the_note_to_answer_from_the_address_asked_names_the_colleague_the_ask_was_about(desk):
    """Before, Sam, asked about Maya Chen and Lio Park, read "A reply to my question reached me from another email
    address" with nothing to tell which of the two questions it meant."""
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen and Lio Park")
    [about_maya] = [ask for ask in desk.mail_to(SAM[1], Kind.ASK_CLIENT.value) if MAYA[0] in ask.message["Subject"]]
    desk.answer(about_maya, KIM, "Yes please")
    [note] = desk.mail_to(SAM[1], Kind.ANSWER_FROM_HERE.value)
    assert "A reply to my question about the introduction to Maya Chen reached me" in text_of(note)
    assert "Lio" not in text_of(note) and "Maya" not in note.message["Subject"]


def test_the_note_to_a_colleague_names_the_client_only_as_her_ask_did(desk):
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], KIM, "Yes!")
    [note] = desk.mail_to(MAYA[1], Kind.ANSWER_FROM_HERE.value)
    assert "A reply to my question about the introduction to Sam reached me" in text_of(note)
    assert "Rivera" not in note.raw.decode() and SAM[1] not in note.raw.decode()


@pytest.mark.parametrize("kind", TO_THE_COLLEAGUE_BEFORE_THE_INTRODUCTION, ids=lambda kind: kind.value)
def test_a_colleague_reads_only_the_clients_first_name_whatever_the_template_prints(tmp_path, kind):
    """Before, only the ask and the reminder were given the client's first name alone: an operator's unclear-answer,
    answer-from-here or closing note could show the colleague the client's full name and address."""
    config = load_config(configured(tmp_path, {f"{language}/{kind.value}.txt": PRYING
                                               for language in ("en", "fr", "de", "es")}))
    store = Store(config.bot.database)
    try:
        mail = render_sample(build_service(config, store), kind, Role.COLLEAGUE)
    finally:
        store.close()
    message = message_from_bytes(mail.raw, policy=policy.default)
    assert message["Subject"] == "About Sam" and "Sam" in message.get_body(("plain",)).get_content()
    assert "Rivera" not in mail.raw.decode() and "sam@client.example" not in mail.raw.decode()


def test_the_check_fails_a_note_that_would_show_a_colleague_more_of_the_client(tmp_path, capsys):
    """The unclear-answer note goes to either party: rendered for the client alone, a template naming the client in
    full passed the check, and would have failed on the first unclear answer of a colleague."""
    naming = "{% block subject %}x{% endblock %}{% block body %}Dear {{ client.name }}{% endblock %}\n"
    status, out, err = check(capsys, configured(tmp_path, {"en/unclear_answer.txt": naming}))
    assert status == 2 and "config OK" not in out
    assert str(Path("mine") / "en" / "unclear_answer.txt") + " line 1" in err and "client.name" in err


@pytest.mark.parametrize("command", [["intros"], ["show", "k3x9q2ab"], ["cancel", "k3x9q2ab"],
                                     ["forget", "sam@client.example"], ["status"]], ids=lambda command: command[0])
def test_a_command_pointed_at_a_missing_database_says_so_and_creates_none(tmp_path, capsys, command):
    """Before, `intros` and `forget` pointed at a mistaken bot.database created an empty one there and answered "no
    introductions yet" and "forgot 0 introduction(s)"; `show` and `cancel` said there was no such introduction."""
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace('database = "introbot.sqlite3"',
                                                                  'database = "state/introbot.sqlite3"', 1),
                      encoding="utf-8")
    assert main([*command, "--config", str(config)]) == 1
    captured = capsys.readouterr()
    database = tmp_path / "state" / "introbot.sqlite3"
    assert captured.out == "" and captured.err == (
        f"introbot: no database at {database}: is bot.database in {config} right? introbot creates it on its first "
        f"run (`introbot run` or `introbot once`)\n")
    assert not (tmp_path / "state").exists()
