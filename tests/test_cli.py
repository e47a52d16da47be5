"""The `introbot` command through main(argv): exit statuses, output, and steering intros."""

from __future__ import annotations

import json

import pytest

from introbot.cli import main
from introbot.model import Kind
from tests.conversation import ADA, BOT, LIO, MAYA, SAM, World, gmail_forward, new_message, reply
from tests.mailhost import UNDELIVERABLE_DOMAIN

CLIENT_EMAIL = "Hi Dr. Lee,\n\nCould you recommend someone for massage?\n\nSam\n"


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_renders_every_template_and_connect_logs_in(world, capsys):
    status, out, _ = run(capsys, "check", "--config", str(world.config_path))
    assert status == 0 and f"all {len(Kind)} templates render" in out
    status, out, _ = run(capsys, "check", "--connect", "--config", str(world.config_path))
    assert status == 0 and "FAILED" not in out


def test_a_bad_config_lists_every_problem_and_exits_2(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[bot]\naddress = "not an address"\n[imap]\nport = "abc"\n')
    status, _, err = run(capsys, "check", "--config", str(config))
    assert status == 2
    assert "bot.address" in err and "imap.port" in err and "imap.host" in err


def test_a_missing_config_says_where_it_looked(tmp_path, capsys):
    status, _, err = run(capsys, "check", "--config", str(tmp_path / "nowhere.toml"))
    assert status == 2 and "nowhere.toml" in err


def test_a_broken_template_override_exits_2_naming_the_file(world, tmp_path, capsys):
    (tmp_path / "mine" / "en").mkdir(parents=True)
    (tmp_path / "mine" / "en" / "introduction.txt").write_text("{% block subject %}{{ nope }}{% endblock %}"
                                                               "{% block body %}x{% endblock %}")
    text = world.config_path.read_text().replace('database = "introbot.sqlite3"',
                                                 'database = "introbot.sqlite3"\ntemplates = "mine"')
    world.config_path.write_text(text)
    status, _, err = run(capsys, "check", "--config", str(world.config_path))
    assert status == 2 and "introduction.txt line 1" in err and "nope" in err


def test_preview_prints_headers_and_body(world, capsys):
    status, out, _ = run(capsys, "preview", "introduction", "--config", str(world.config_path))
    assert status == 0
    assert "From: \"Dr. Ada Lee via Intro Assistant\" <intro@collective.example>" in out
    assert "Reply-To:" in out and "take it from here" in out


def test_preview_writes_to_the_client_in_the_bots_language(world, capsys):
    text = world.config_path.read_text().replace('[bot]\n', '[bot]\nlanguage = "de"\n', 1)
    world.config_path.write_text(text)
    status, out, _ = run(capsys, "preview", "ask_client", "--config", str(world.config_path))
    assert status == 0 and "JA oder NEIN" in out and "YES or NO" not in out


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_intros_show_and_cancel(world, capsys):
    client_mail = new_message(SAM, ADA, "Back pain", CLIENT_EMAIL)
    world.send(gmail_forward(ADA, client_mail, "Maya, could you see Sam?"), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    status, out, _ = run(capsys, "intros", "--json", "--config", str(world.config_path))
    [intro] = json.loads(out)
    assert status == 0 and intro["state"] == "asking" and intro["colleague"] == MAYA[1]
    status, out, _ = run(capsys, "intros", "--config", str(world.config_path))
    assert intro["id"] in out and "asking" in out
    status, out, _ = run(capsys, "show", intro["id"], "--config", str(world.config_path))
    assert status == 0 and "client: Sam Rivera" in out and "ask_client" in out
    status, out, _ = run(capsys, "cancel", intro["id"], "--config", str(world.config_path))
    assert status == 0 and "cancelled" in out
    world.send(reply(ask, SAM, "Yes please"), sender=SAM)
    world.once()
    assert world.inbox(MAYA) == []  # a cancelled request asks nobody else
    status, _, err = run(capsys, "show", "nosuchid", "--config", str(world.config_path))
    assert status == 1 and "introbot intros" in err


def test_show_says_when_the_referrer_may_still_give_another_address(world, capsys):
    stale = ("Sam Rivera", f"sam@{UNDELIVERABLE_DOMAIN}")
    world.send(gmail_forward(ADA, new_message(stale, ADA, "Back pain", CLIENT_EMAIL), "Maya, could you see Sam?"),
               sender=ADA, authenticated=True)
    world.once()  # the ask bounces
    world.mail.wait_for_messages(BOT, 1)
    world.once()
    status, out, _ = run(capsys, "intros", "--json", "--config", str(world.config_path))
    [intro] = json.loads(out)
    status, out, _ = run(capsys, "show", intro["id"], "--config", str(world.config_path))
    assert status == 0 and "failed" in out and "the client's ask could not be delivered" in out


def test_show_lists_the_further_colleagues_of_a_request_not_yet_started(world, capsys):
    world.send(new_message(ADA, ("Intro", BOT), "Intro please", "Please introduce Sam to Maya Chen and Lio Park.\n"),
               sender=ADA, authenticated=True)
    world.once()  # Sam's address is asked for first
    status, out, _ = run(capsys, "intros", "--json", "--config", str(world.config_path))
    [intro] = json.loads(out)
    status, out, _ = run(capsys, "show", intro["id"], "--config", str(world.config_path))
    assert status == 0 and "colleague: Maya Chen" in out
    assert f"also colleague: Lio Park <{LIO[1]}>: an introduction of its own once this one starts asking" in out
