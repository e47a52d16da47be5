"""Log lines for a terminal and for journald."""

import logging

from introbot.logs import setup_logging


def test_journald_gets_priorities_and_no_timestamp(capsys):
    setup_logging(False, {"JOURNAL_STREAM": "8:1234"})
    logging.getLogger("introbot.service").warning("bounce: client undeliverable (intro abc)")
    logging.getLogger("introbot.service").debug("not shown without --verbose")
    assert capsys.readouterr().err == "<4>introbot.service: bounce: client undeliverable (intro abc)\n"


def test_a_terminal_gets_time_level_and_name(capsys):
    setup_logging(True, {})
    logging.getLogger("introbot.imap").info("connected")
    logging.getLogger("flufl.bounce").error("a detector failed")  # such lines can quote a message: silenced
    line = capsys.readouterr().err
    assert line.endswith(" INFO introbot.imap: connected\n") and line.count("\n") == 1
