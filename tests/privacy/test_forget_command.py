"""`introbot forget ADDRESS`: its answers, refusals and the reminder about the config."""

from introbot.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from introbot.config import load_config
from introbot.daemon import database_lock
from introbot.edges.store import Store
from tests.conversation import ADA, World


def started(world: World) -> World:
    """`world` with the database introbot creates on its first run: forget refuses to work on none."""
    Store(world.database).close()
    return world


def test_an_address_that_is_not_one_plain_address_is_a_usage_error(mail, tmp_path, capsys):
    world = World(mail, tmp_path)
    assert main(["forget", "ada@clinic.example)<eve@mail.example>", "--config", str(world.config_path)]) == EXIT_USAGE
    assert "forget needs one plain email address" in capsys.readouterr().err
    assert not world.database.exists()


def test_it_waits_for_the_daemon_to_stop(mail, tmp_path, capsys):
    world = started(World(mail, tmp_path))
    with database_lock(load_config(world.config_path)):
        assert main(["forget", "sam@client.example", "--config", str(world.config_path)]) == EXIT_FAILURE
    assert "another introbot" in capsys.readouterr().err


def test_it_reports_what_it_did_and_that_the_config_still_lists_a_practitioner(mail, tmp_path, capsys):
    world = started(World(mail, tmp_path))
    assert main(["forget", ADA[1].upper(), "--config", str(world.config_path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "forgot 0 introduction(s) and 0 message(s)" in out
    assert "the mailbox was not touched" in out
    assert "still listed in [[practitioners]]" in out
    assert ADA[1] not in out
