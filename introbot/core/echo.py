"""Tells a person's own words from what their reply repeats of mail introbot sent (body and subject line)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from introbot.core.forwards import strip_subject_prefixes
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
_MIN_CUT_RUN = 12  # to cut our words out of a line that also holds the person's, a longer run: a person
                   # may quote a phrase of ours in their own sentence ("If you'd rather not, that's fine: ...")


def own_words(text: str, sent: Sequence[str]) -> str:
    """The new text of the reply `text`, where every line repeating the `sent` texts counts as quote."""
    return split_reply(quote_echo(text, sent)).new_text


_TRAILING_REPLY_PREFIX = re.compile(r"(?:\b(?:re|aw|sv|antw|odp|rif|r|vs)\s*:\s*)+$", re.IGNORECASE)


def added_to_subject(subject: str, sent_subjects: Sequence[str]) -> str:
    """What a reply's subject says beyond the subject of our mail ("Re: Shall I introduce you? YES"
    gives "YES"); "" when the subject is not ours with something added. For the one who answers in the
    subject line and leaves the body empty."""
    reply = " ".join(strip_subject_prefixes(subject).split())
    for ours in sent_subjects:
        ours = " ".join(strip_subject_prefixes(ours).split())
        if ours and reply.casefold().startswith(ours.casefold()):
            return reply[len(ours):].strip(" -–—:|")
        if ours and reply.casefold().endswith(ours.casefold()):  # "YES - Re: Shall I introduce you?"
            return _TRAILING_REPLY_PREFIX.sub("", reply[:-len(ours)]).strip(" -–—:|")
    return ""


def quote_echo(text: str, sent: Sequence[str]) -> str:
    """`text` with what only repeats, in runs of at least eight words, the `sent` texts quoted with ">"
    (read it with split_reply next). A line holding both our words and the person's (an answer typed
    at the end of our question's line) is cut in two where one gives way to the other.

    A delimiter or rule line ("--", "-------") next to a repeated line goes with it: it belonged to the
    quote (our signature's delimiter), and left alone it would end the person's text early.
    """
    grams = {tuple(words[start:start + _SPAN]) for words in (_words(t) for t in sent)
             for start in range(len(words) - _SPAN + 1)}
    if not grams or not text:
        return text
    lines = text.split("\n")
    line_words = [[(match.start(), match.end(), match.group().casefold()) for match in _WORD.finditer(line)]
                  for line in lines]
    stream = [word for words in line_words for _, _, word in words]
    covered = [False] * len(stream)
    for start in range(len(stream) - _SPAN + 1):
        if tuple(stream[start:start + _SPAN]) in grams:
            covered[start:start + _SPAN] = [True] * _SPAN
    run_of = [0] * len(stream)  # the length of the repeated run each word is part of (0: none)
    run_start = None
    for position, is_covered in enumerate(covered + [False]):
        if is_covered and run_start is None:
            run_start = position
        elif not is_covered and run_start is not None:
            if position - run_start >= _MIN_RUN:
                run_of[run_start:position] = [position - run_start] * (position - run_start)
            run_start = None
    runs: list[list[int]] = []
    position = 0
    for words in line_words:
        runs.append(run_of[position:position + len(words)])
        position += len(words)
    if not any(run_of):
        return text
    salutations = {tuple(_words(_first_line(t))) for t in sent} - {()}
    echo_lines = {index for index, line_runs in enumerate(runs) if line_runs and all(line_runs)} | {
        index for index, words in enumerate(line_words) if tuple(word for _, _, word in words) in salutations}
    marked = echo_lines | _rules_beside(lines, echo_lines)
    result: list[str] = []
    for index, line in enumerate(lines):
        if quote_depth(line):
            result.append(line)
        elif index in marked:
            result.append("> " + line)
        elif any(run >= _MIN_CUT_RUN for run in runs[index]):
            result += _cut_where_echo_changes(line, line_words[index], [run >= _MIN_CUT_RUN for run in runs[index]])
        else:
            result.append(line)
    return "\n".join(result)


def _cut_where_echo_changes(line: str, words: list[tuple[int, int, str]], flags: list[bool]) -> list[str]:
    """The pieces of a line holding both our words and the person's, ours quoted with ">". A cut falls
    in the space before the first word of a piece, so "¿" or "(" stays with the word it opens."""
    cuts, piece_flags = [0], [flags[0]]
    for (start, _, _), (_, previous_end, _), flag, before in zip(words[1:], words, flags[1:], flags):
        if flag != before:
            while start > previous_end and not line[start - 1].isspace():
                start -= 1
            cuts.append(start)
            piece_flags.append(flag)
    ends = cuts[1:] + [len(line)]
    return [("> " if is_echo else "") + line[start:end].strip()
            for start, end, is_echo in zip(cuts, ends, piece_flags)]


def _first_line(text: str) -> str:
    """Our salutation ("Hi Sam,"): too short for a run, but never what the person writes themself."""
    return next((line for line in text.split("\n") if line.strip()), "")


def _words(text: str) -> list[str]:
    return [match.group().casefold() for match in _WORD.finditer(text)]


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
