"""Reply tokens, intro ids and Message-IDs: unguessable, carried in plus-addresses and thread headers."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Iterable, Protocol

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32, lower-case: survives case-folding mail systems
TOKEN_LENGTH = 26  # 130 bits
INTRO_ID_LENGTH = 8  # 40 bits: an id for people and logs, not a secret
TOKEN_PATTERN = re.compile(rf"[{ALPHABET}]{{{TOKEN_LENGTH}}}")
_MESSAGE_ID = re.compile(r"<([^<>@\s]+)@([^<>@\s]+)>")


class RandomBits(Protocol):
    """What the core needs of randomness: random.SystemRandom() in production, a seeded Random in tests."""

    def getrandbits(self, k: int) -> int: ...


def _random_string(rng: RandomBits, length: int) -> str:
    bits = rng.getrandbits(5 * length)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(length))


def new_token(rng: RandomBits) -> str:
    return _random_string(rng, TOKEN_LENGTH)


def new_intro_id(rng: RandomBits) -> str:
    return _random_string(rng, INTRO_ID_LENGTH)


def token_digest(token: str) -> str:
    """What the store keeps and looks up, so a copy of the database cannot answer for anyone."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def same_token(stored_digest: str, presented: str) -> bool:
    return hmac.compare_digest(stored_digest, token_digest(presented))


def new_message_id(rng: RandomBits, domain: str, token: str = "") -> str:
    """A Message-ID chosen before the first send attempt; carries the token so a reply's
    In-Reply-To/References find the conversation even when the client dropped the plus-address."""
    nonce = _random_string(rng, 12)
    local = f"{token}.{nonce}" if token else f"ib.{nonce}"
    return f"<{local}@{domain}>"


def plus_address(bot_address: str, token: str) -> str:
    local, _, domain = bot_address.partition("@")
    return f"{local}+{token}@{domain}"


def tokens_in_addresses(addresses: Iterable[str], bot_address: str) -> list[str]:
    """Tokens from plus-addresses of the bot's mailbox (intro+TOKEN@domain) among `addresses`."""
    local, _, domain = bot_address.lower().partition("@")
    found = []
    for address in addresses:
        addr_local, _, addr_domain = address.lower().partition("@")
        if addr_domain != domain or not addr_local.startswith(local + "+"):
            continue
        candidate = addr_local[len(local) + 1:]
        if TOKEN_PATTERN.fullmatch(candidate):
            found.append(candidate)
    return found


def tokens_in_message_ids(header_values: Iterable[str], domain: str) -> list[str]:
    """Tokens from our own Message-IDs quoted in In-Reply-To/References, most recent first."""
    found: list[str] = []
    for value in header_values:
        for local, id_domain in reversed(_MESSAGE_ID.findall(value or "")):
            if id_domain.lower() != domain:
                continue
            candidate = local.split(".", 1)[0]
            if TOKEN_PATTERN.fullmatch(candidate) and candidate not in found:
                found.append(candidate)
    return found
