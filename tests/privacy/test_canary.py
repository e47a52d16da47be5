"""A canary run: marker strings in every field of a whole introduction, looked for in every place introbot writes.

Logs and stderr must never hold any of them. The database and its write-ahead log hold none of them
once the intro has ended and bot.retention passed, except what the consent record keeps (the parties'
addresses, the Message-IDs of the request and the answers); after `introbot forget` they hold nothing,
and with --mailbox neither does intro@'s mailbox, quarantine included.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

from introbot.cli import main
from introbot.config import load_config
from introbot.daemon import build_service
from introbot.edges.store import Store
from tests.conversation import ADA, BOT, MAYA, World, gmail_forward, new_message, reply

CLIENT = ("Zqcanaryfirst Zqcanarylast", "zqcanarymail@client.example")
SUBJECT, BODY, NOTE, ANSWER = "Zqcanarysubject", "Zqcanarybody", "Zqcanarynote", "Zqcanaryanswer"
QUARANTINED, REQUEST_ID = "Zqcanaryquarantine", "<zqcanarymsgid@clinic.example>"
NAMES = ("zqcanaryfirst", "zqcanarylast")
CONTENT = (SUBJECT, BODY, NOTE, ANSWER, QUARANTINED)
ADDRESS = "zqcanarymail"
FOLDERS = ("INBOX", "introbot/processed", "introbot/ignored", "introbot/quarantine", "Sent")


def on_disk(database: Path) -> str:
    return b"".join(Path(f"{database}{suffix}").read_bytes() for suffix in ("", "-wal")
                    if Path(f"{database}{suffix}").exists()).decode("latin-1").lower()


def found(text: str, markers) -> list[str]:
    return [marker for marker in markers if marker.lower() in text.lower()]


def mailbox_text(world: World) -> str:
    return "\n".join(m.as_string() for folder in FOLDERS if folder in world.mail.folders(BOT)
                     for m in world.mail.messages(BOT, folder))


def run_once(world: World) -> None:
    assert main(["once", "--verbose", "--config", str(world.config_path)]) == 0


def test_no_marker_reaches_a_log_and_none_survives_purge_and_forget(mail, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    world = World(mail, tmp_path)
    original = new_message(CLIENT, ADA, SUBJECT, f"Hello, {BODY}: my back hurts. Someone for massage?\n")
    forward = gmail_forward(ADA, original, f"Maya, could you see {CLIENT[0]}? {NOTE}. Thanks, Ada")
    forward.replace_header("Message-ID", REQUEST_ID)
    world.send(forward, sender=ADA, authenticated=True)
    broken = new_message(CLIENT, ("Intro", BOT), SUBJECT, f"{QUARANTINED}\n").as_bytes()
    mail.deliver(b"From: Other <%s>\r\n" % CLIENT[1].encode() + broken, CLIENT[1], [BOT])  # two From headers
    mail.wait_for_messages(BOT, 2)
    run_once(world)
    [ask] = world.wait_inbox(CLIENT, 1)
    world.send(reply(ask, CLIENT, f"Yes please, {ANSWER}"), sender=CLIENT)
    run_once(world)
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    assert NOTE in colleague_ask.get_body(("plain",)).get_content()  # the note is for the colleague's eyes
    world.send(reply(colleague_ask, MAYA, "Yes, happy to"), sender=MAYA)
    run_once(world)
    intro = world.wait_inbox(CLIENT, 2)[1]
    world.send(reply(intro, CLIENT, f"Thank you! {ANSWER} again", to_from=True), sender=CLIENT)
    run_once(world)
    world.wait_inbox(MAYA, 3)
    assert len(mail.messages(BOT, "introbot/quarantine")) == 1

    tokens = [a.addr_spec.split("+")[1].split("@")[0] for m in (ask, colleague_ask) for a in m["Reply-To"].addresses]
    logs = caplog.text + capfd.readouterr().err
    assert "consent asked" in logs  # the logs were captured
    assert found(logs, (*CONTENT, *NAMES, ADDRESS, REQUEST_ID, "zqcanarymsgid", *tokens)) == []

    config = load_config(world.config_path)
    store = Store(config.bot.database)
    try:
        later = datetime.now(timezone.utc) + config.bot.retention + timedelta(days=1)
        purged = build_service(config, store, clock=lambda: later).purge()
    finally:
        store.close()
    assert purged.intros == 1 and purged.bodies > 0
    assert found(on_disk(config.bot.database), (*CONTENT, *NAMES, *tokens)) == []
    assert found(on_disk(config.bot.database), (ADDRESS, "zqcanarymsgid")) == [ADDRESS, "zqcanarymsgid"]

    assert main(["forget", CLIENT[1], "--mailbox", "--config", str(world.config_path)]) == 0
    assert found(on_disk(config.bot.database), (*CONTENT, *NAMES, ADDRESS, "zqcanarymsgid", *tokens)) == []
    assert found(mailbox_text(world), (ADDRESS, QUARANTINED, SUBJECT, BODY)) == []
    assert mail.messages(BOT, "introbot/quarantine") == []
    logs = caplog.text + capfd.readouterr().err
    assert found(logs, (*CONTENT, *NAMES, ADDRESS, "zqcanarymsgid", *tokens)) == []
