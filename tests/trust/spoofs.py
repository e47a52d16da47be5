"""A spoof corpus: messages claiming to be a practitioner's request, as our receiving server hands them over.

Each message carries, on top, the Authentication-Results header our own server (mx.collective.example)
would write for it. Signed ones are signed with test keys whose public halves are in `KeyRing.zone`,
for a stubbed or loopback DNS. Every forged request names its own victim client, so a test can show
that nobody it names hears from introbot; the forger's own address (eve@mail.example) has a mailbox
too, so a test can show that nothing is ever sent back to it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from email.utils import make_msgid
from functools import cached_property

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conversation import ADA, BOT, KIM, SAM
from tests.service_world import as_received, our_results

FORGER = ("Eve", "eve@mail.example")
SELECTOR = b"s1"
PROCESSED, IGNORED, QUARANTINE = "introbot/processed", "introbot/ignored", "introbot/quarantine"


def victim(case: str) -> str:
    return f"victim-{case}@client.example"


def request(client: tuple[str, str], sender: str = f"{ADA[0]} <{ADA[1]}>") -> bytes:
    """A direct-line request to introduce `client` to Maya Chen, with the From header written exactly as given."""
    lines = [f"From: {sender}", f"To: Intro <{BOT}>", "Subject: Intro please",
             "Date: Mon, 02 Mar 2026 09:00:00 +0000", f"Message-ID: {make_msgid(domain='sender.example')}",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
             "", f"Please introduce {client[0]} <{client[1]}> to Maya Chen.", ""]
    return "\r\n".join(lines).encode("utf-8")


def with_header(raw: bytes, line: bytes) -> bytes:
    """`raw` with one more header line just above its body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    return head + b"\r\n" + line + b"\r\n\r\n" + body


@dataclass(frozen=True)
class Spoof:
    name: str
    raw: bytes
    folder: str  # where introbot files it
    confirmation: bool  # whether Ada's registered address is asked to confirm it
    client: str  # the client it names: asked only when the message is authentic


class KeyRing:
    """Test signing keys and the DNS zone publishing them."""

    @cached_property
    def _key(self) -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def private(self) -> bytes:
        return self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption())

    @property
    def zone(self) -> dict[str, bytes]:
        public = self._key.public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
        record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
        return {f"s1._domainkey.{domain}": record for domain in ("clinic.example", "mailer.example")}

    def sign(self, raw: bytes, domain: bytes = b"clinic.example", **options) -> bytes:
        return dkim.sign(raw, SELECTOR, domain, self.private, **options) + raw


def refused_from(name: str, from_header: str, authenticated_domain: str) -> Spoof:
    """A message whose From header introbot must refuse to read as the practitioner's, however well
    authenticated its own domain is: it is ignored, and nobody hears of it."""
    client = victim("-".join(re.findall(r"[a-z0-9]+", name.lower()))[:50])
    return Spoof(name, as_received(request(("Vic", client), from_header), our_results(authenticated_domain)),
                 IGNORED, False, client)


def spoofs(keys: KeyRing) -> list[Spoof]:
    """The corpus, authentic messages first. Ada is a listed practitioner at clinic.example."""
    ours_fail = our_results("clinic.example", "fail")
    ours_none = b"Authentication-Results: mx.collective.example; dkim=none; spf=softfail; dmarc=none\r\n"
    forged_pass = our_results("clinic.example")  # the same words, but written by the sender, below ours
    return [
        Spoof("authentic, vouched for by our server", as_received(request(SAM), our_results("clinic.example")),
              PROCESSED, False, SAM[1]),
        Spoof("authentic, a DKIM signature we verify", as_received(keys.sign(request(KIM)), ours_none),
              PROCESSED, False, KIM[1]),
        Spoof("forged From, no DKIM", as_received(request(("Vic", victim("nodkim"))), ours_fail),
              PROCESSED, True, victim("nodkim")),
        Spoof("a forged Authentication-Results below the real one",
              as_received(request(("Vic", victim("belowreal"))), ours_fail, forged_pass),
              PROCESSED, True, victim("belowreal")),
        Spoof("a forged Authentication-Results and no header from our server",
              as_received(request(("Vic", victim("noours"))), forged_pass.replace(b"mx.collective.example",
                                                                                  b"mx.collective.example.evil"),
                          b"Authentication-Results: relay.example; dkim=pass header.d=clinic.example\r\n"),
              PROCESSED, True, victim("noours")),
        Spoof("a valid DKIM signature of a domain that does not align",
              as_received(keys.sign(request(("Vic", victim("unaligned"))), domain=b"mailer.example"),
                          b"Authentication-Results: mx.collective.example; dkim=pass header.d=mailer.example\r\n"),
              PROCESSED, True, victim("unaligned")),
        Spoof("an aligned DKIM signature over a message changed afterwards",
              as_received(keys.sign(request(("Vic", victim("tampered")))).replace(b"Maya Chen", b"Lio Park"),
                          ours_none),
              PROCESSED, True, victim("tampered")),
        Spoof("an aligned DKIM signature with a body length limit and text appended",
              as_received(keys.sign(request(("Vic", victim("length"))), length=True)
                          + b"P.S. and introduce Eve <eve@mail.example> to Lio Park too.\r\n", ours_none),
              PROCESSED, True, victim("length")),
        *(refused_from(*case) for case in (
            ("a display name that is the practitioner's address", f'"{ADA[1]}" <{FORGER[1]}>', "mail.example"),
            ("a look-alike domain with a perfect authentication", f"{ADA[0]} <ada@clinic-example.example>",
             "clinic-example.example"),
            ("a Cyrillic look-alike letter in the domain", f"{ADA[0]} <ada@cl\u0456nic.example>",
             "xn--clnic-3ve.example"),
            ("two addresses in From", f"{ADA[0]} <{ADA[1]}>, {FORGER[0]} <{FORGER[1]}>", "clinic.example"),
            ("an address that parses two ways (CVE-2023-27043)", f"{FORGER[1]})<{ADA[1]}>", "clinic.example"),
            ("an address that parses two ways, the other way round", f"{ADA[1]})<{FORGER[1]}>", "mail.example"),
            ("an encoded word hiding a second address", f"=?utf-8?q?{ADA[1]}?= <{FORGER[1]}>", "mail.example"),
        )),
        Spoof("two From headers",
              as_received(with_header(request(("Vic", victim("twofrom"))), f"From: {FORGER[1]}".encode()),
                          our_results("clinic.example")),
              QUARANTINE, False, victim("twofrom")),
    ]
