"""What to type into Thunderbird or Apple Mail to be one of the demo's people (`introbot demo --serve`)."""

from __future__ import annotations

import textwrap
from typing import TextIO

from introbot.demo.mailsystem import EmbeddedMailSystem
from introbot.demo.story import BOT, PEOPLE, Character


def write_settings(mail: EmbeddedMailSystem, out: TextIO) -> None:
    out.write("\nThe demo mail system and introbot keep running until you press Ctrl-C.\n"
              "To play a role by hand, add a mail account in Thunderbird or Apple Mail with these settings.\n"
              "Security is none: the servers listen on 127.0.0.1 only, so nothing leaves this computer.\n")
    for person in (*PEOPLE, BOT):
        out.write(account(mail, person))
    others = (f"Any other address at {', '.join(mail.domains)} works too, with the same password: "
              f"kim@client.example could be a new client. Mail to {BOT.email} counts as a practitioner's "
              f"request only when their mail client logs in to send it, as Ada's would.")
    out.write("\n" + textwrap.fill(others, width=78) + "\n")
    out.flush()


def account(mail: EmbeddedMailSystem, person: Character) -> str:
    return (f"\n  {person.name} ({person.role})\n"
            f"    Email address     {person.email}\n"
            f"    Incoming (IMAP)   server {mail.host}, port {mail.imap_port}, security none, normal password\n"
            f"    Outgoing (SMTP)   server {mail.host}, port {mail.smtp_port}, security none, normal password\n"
            f"    Username          {person.email}\n"
            f"    Password          {mail.password}\n")
