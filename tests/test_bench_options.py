"""The benchmark's command line: --profile adds the profile to whatever scenarios were chosen."""

from bench.run import DEFAULT_SCENARIOS, parse


def test_profile_comes_with_the_chosen_scenarios_or_with_all_of_them():
    assert parse(["--only", "backlog", "--profile"])[0].only == ("backlog", "profile")
    assert parse(["--profile"])[0].only == (*DEFAULT_SCENARIOS, "profile")
    assert parse(["--only", "backlog"])[0].only == ("backlog",)
    assert parse([])[0].only == DEFAULT_SCENARIOS
