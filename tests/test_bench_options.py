"""The benchmark's command line: --profile adds the profile to whatever scenarios were chosen; the reading
scenario's sizes follow --quick and --reading-scale."""

from bench.run import DEFAULT_SCENARIOS, parse


def test_profile_comes_with_the_chosen_scenarios_or_with_all_of_them():
    assert parse(["--only", "backlog", "--profile"])[0].only == ("backlog", "profile")
    assert parse(["--profile"])[0].only == (*DEFAULT_SCENARIOS, "profile")
    assert parse(["--only", "backlog"])[0].only == ("backlog",)
    assert parse([])[0].only == DEFAULT_SCENARIOS


def test_the_reading_scenario_runs_by_default_at_the_caps_and_smaller_when_asked():
    assert "reading" in DEFAULT_SCENARIOS
    assert parse([])[0].reading_scale == 1.0
    assert parse(["--quick"])[0].reading_scale == 0.25
    assert parse(["--quick", "--reading-scale", "0.5"])[0].reading_scale == 0.5
