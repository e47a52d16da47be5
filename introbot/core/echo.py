"""Marks as quoted the lines of a reply that only repeat mail introbot sent, so our own words never count as the person's."""

from __future__ import annotations

import re
from collections.abc import Sequence

from introbot.core.quotes import quote_depth, split_reply

# Clients that quote without ">" and without a header we recognise (or any we recognise wrongly) leave
# our ask in the reply as if the person had written it. Its "Just reply YES or NO" then spoils a real
# "Yes please" above it, and an operator's "Reply yes to go ahead" would turn an empty reply into a yes.
# Gmail's "Respond inline" sends the attribution, then our ask without ">", the answer typed into it.
# Matching words rather than lines survives re-wrapping and ">"-less indentation. The lines are marked
# rather than dropped so that the reply splitter still sees a quote where there was one: an answer
# under it stays new text, and our "-- " delimiter in it does not turn that answer into a signature.
_WORD = re.compile(r"\w+")
# A delimiter or rule line ("-- ", "_____"): it goes with the quote it touches. An emoji line ("👍") has no
# word either, but it is an answer.
_RULE = re.compile(r"[\s\-–—_=*~.·•]+")
_SPAN = 5       # words in a row that must match our text before they count as repeated
_MIN_RUN = 8    # shorter repeated runs may be the person's own words ("I'd rather not, that's fine")


def own_words(text: str, sent: Sequence[str]) -> str:
    """The new text of the reply `text`, where every line repeating the `sent` texts counts as quote."""
    return split_reply(quote_echo(text, sent)).new_text


def quote_echo(text: str, sent: Sequence[str]) -> str:
    """`text` with its lines that only repeat, in runs of at least eight words, the `sent` texts
    quoted with ">" (read it with split_reply next).

    A delimiter or rule line ("--", "-------") next to a repeated line goes with it: it belonged to the
    quote (our signature's delimiter), and left alone it would end the person's text early.
    """
    grams = {tuple(words[start:start + _SPAN]) for words in (_words(t) for t in sent)
             for start in range(len(words) - _SPAN + 1)}
    if not grams or not text:
        return text
    lines = text.split("\n")
    line_words = [_words(line) for line in lines]
    stream = [(index, word) for index, words in enumerate(line_words) for word in words]
    covered = [False] * len(stream)
    for start in range(len(stream) - _SPAN + 1):
        if tuple(word for _, word in stream[start:start + _SPAN]) in grams:
            covered[start:start + _SPAN] = [True] * _SPAN
    echoed = [False] * len(stream)
    run_start = None
    for position, is_covered in enumerate(covered + [False]):
        if is_covered and run_start is None:
            run_start = position
        elif not is_covered and run_start is not None:
            if position - run_start >= _MIN_RUN:
                echoed[run_start:position] = [True] * (position - run_start)
            run_start = None
    echo_lines = ({index for index, words in enumerate(line_words) if words}
                  - {index for (index, _), is_echo in zip(stream, echoed) if not is_echo})
    if not echo_lines:
        return text
    marked = echo_lines | _rules_beside(lines, echo_lines)
    return "\n".join("> " + line if index in marked and not quote_depth(line) else line
                     for index, line in enumerate(lines))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _rules_beside(lines: list[str], echo_lines: set[int]) -> set[int]:
    found = set()
    for index, line in enumerate(lines):
        if not line.strip() or not _RULE.fullmatch(line):
            continue
        above = next((i for i in range(index - 1, -1, -1) if lines[i].strip()), None)
        below = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if above in echo_lines or below in echo_lines:
            found.add(index)
    return found
