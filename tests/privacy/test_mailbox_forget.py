"""Deleting a forgotten person's messages from intro@'s folders, on real IMAP servers."""

from datetime import timedelta

import pytest
from imapclient import IMAPClient

from introbot.config import ImapSettings, Secret
from introbot.edges.imap import delete_matching
from tests.edges.peers import PYMAP_PASSWORD, PYMAP_USER, pymap_without
from tests.mailhost import MailHost

INTRO = "intro@collective.example"


def message(sender: str, body: str) -> bytes:
    return f"From: {sender}\r\nTo: {INTRO}\r\nSubject: hello\r\n\r\n{body}\r\n".encode()


def test_only_matching_messages_go_from_every_folder_introbot_uses(mail: MailHost):
    for folder in ("INBOX", "introbot/processed", "introbot/quarantine", "Sent", "Drafts"):
        mail.append(INTRO, message("sam@client.example", f"in {folder}"), folder)
        mail.append(INTRO, message("kim@client.example", "about sam@client.example"), folder)
        mail.append(INTRO, message("kim@client.example", "nothing to do with it"), folder)
    settings = ImapSettings(host=mail.host, port=mail.imaps_port, security="tls", username=INTRO,
                            password=Secret(key="imap.password_env", literal=mail.password), ca_file=mail.ca_file,
                            timeout=timedelta(seconds=10))
    assert delete_matching(settings, lambda raw: b"sam@client.example" in raw) == 2 * 4
    for folder in ("INBOX", "introbot/processed", "introbot/quarantine", "Sent"):
        assert [m.get_content().strip() for m in mail.messages(INTRO, folder)] == ["nothing to do with it"]
    assert len(mail.messages(INTRO, "Drafts")) == 3  # not a folder introbot uses


@pytest.mark.parametrize("missing", ["UIDPLUS", ""])
def test_without_uidplus_a_plain_expunge_is_used(tmp_path, missing):
    with pymap_without(missing, log=tmp_path / "pymap.log") as port:
        with IMAPClient("127.0.0.1", port, ssl=False, timeout=10) as client:
            client.login(PYMAP_USER, PYMAP_PASSWORD)
            client.append("INBOX", message("sam@client.example", "hi"))
            client.append("INBOX", message("kim@client.example", "hi"))
            settings = ImapSettings(host="127.0.0.1", port=port, security="none", username=PYMAP_USER,
                                    password=Secret(key="imap.password_env", literal=PYMAP_PASSWORD),
                                    timeout=timedelta(seconds=10))
            assert delete_matching(settings, lambda raw: b"sam@" in raw) == 1
            assert client.select_folder("INBOX")[b"EXISTS"] == 1
