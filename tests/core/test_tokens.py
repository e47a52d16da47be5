"""Reply tokens: unguessable, found again in plus-addresses and in our own Message-IDs."""

import random

from hypothesis import given
from hypothesis import strategies as st

from introbot.core.tokens import (TOKEN_PATTERN, new_intro_id, new_message_id, new_token, plus_address, same_token,
                                  token_digest, tokens_in_addresses, tokens_in_message_ids)

BOT = "intro@collective.example"


def test_tokens_are_long_distinct_and_seedable():
    rng = random.Random(1)
    tokens = {new_token(rng) for _ in range(1000)}
    assert len(tokens) == 1000 and all(TOKEN_PATTERN.fullmatch(t) for t in tokens)
    assert new_token(random.Random(5)) == new_token(random.Random(5))
    assert len(new_intro_id(rng)) == 8


def test_a_token_is_found_in_a_plus_address_whatever_its_case():
    token = new_token(random.Random(2))
    assert tokens_in_addresses([plus_address(BOT, token).upper()], BOT) == [token]
    assert tokens_in_addresses([f"intro+{token}@elsewhere.example", f"other+{token}@collective.example"], BOT) == []
    assert tokens_in_addresses(["intro+short@collective.example"], BOT) == []


def test_a_token_is_found_in_references_most_recent_first():
    rng = random.Random(3)
    first, second = new_token(rng), new_token(rng)
    refs = f"{new_message_id(rng, 'collective.example', first)} <x@gmail.example> " \
           f"{new_message_id(rng, 'collective.example', second)}"
    assert tokens_in_message_ids([refs], "collective.example") == [second, first]
    assert tokens_in_message_ids([refs], "other.example") == []


def test_only_the_digest_is_compared():
    token = new_token(random.Random(4))
    assert same_token(token_digest(token), token)
    assert not same_token(token_digest(token), token[:-1] + ("a" if token[-1] != "a" else "b"))


@given(st.text(max_size=300))
def test_arbitrary_header_text_never_yields_a_malformed_token(text):
    for token in tokens_in_message_ids([text], "collective.example") + tokens_in_addresses([text], BOT):
        assert TOKEN_PATTERN.fullmatch(token)
