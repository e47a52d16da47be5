"""Review 18a, `introbot check`: every template introbot may use for this configuration is rendered (in each language
someone is written in, and each practitioner's own wording), and every problem is listed, not the first alone."""

from __future__ import annotations

from pathlib import Path

from introbot.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"  # Luc Martin is written to in French
BROKEN = "{% block subject %}{{ client.surname }}{% endblock %}{% block body %}x{% endblock %}\n"


def configured(tmp_path: Path, templates: dict[str, str]) -> Path:
    """The example configuration with an operator's templates folder holding `templates` (path: text)."""
    for name, text in templates.items():
        (tmp_path / "mine" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "mine" / name).write_text(text, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace('templates = ""', 'templates = "mine"', 1),
                      encoding="utf-8")
    return config


def check(capsys, config: Path) -> tuple[int, str, str]:
    status = main(["check", "--config", str(config)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_broken_template_in_a_colleagues_language_fails_the_check(tmp_path, capsys):
    """Before, the check rendered each kind once, in the bot's language, and said "config OK": the daemon then failed
    on the first ask to Luc Martin, whose language is French."""
    status, out, err = check(capsys, configured(tmp_path, {"fr/ask_colleague.txt": BROKEN}))
    assert status == 2 and "config OK" not in out
    assert str(Path("mine") / "fr" / "ask_colleague.txt") + " line 1" in err and "client.surname" in err


def test_a_broken_template_of_a_practitioners_own_wording_fails_the_check(tmp_path, capsys):
    """Before, only the first practitioner's wording was rendered: Sam Okafor's own note was never tried."""
    status, _, err = check(capsys, configured(tmp_path, {"practitioners/sam@mindful.example/referrer_sent.txt": BROKEN}))
    assert status == 2 and "referrer_sent.txt line 1" in err and "sam@mindful.example" not in err  # logs hold no address


def test_every_broken_template_is_listed_not_only_the_first(tmp_path, capsys):
    status, _, err = check(capsys, configured(tmp_path, {"en/ask_client.txt": BROKEN, "de/status.txt": BROKEN,
                                                        "fr/ask_colleague.txt": BROKEN}))
    assert status == 2
    for name in ("en/ask_client.txt", "de/status.txt", "fr/ask_colleague.txt"):
        assert err.count(str(Path("mine") / name)) == 1, err


def test_a_sound_template_folder_passes_and_the_check_says_in_which_languages(tmp_path, capsys):
    fine = "{% block subject %}Hallo {{ client.first_name }}{% endblock %}{% block body %}Hallo{% endblock %}\n"
    status, out, err = check(capsys, configured(tmp_path, {"de/ask_client.txt": fine}))
    assert status == 0 and err == "" and "in de, en, fr" in out
