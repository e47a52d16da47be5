"""The benchmark still runs end to end, with tiny sizes: every figure present and a number (never its speed)."""

from __future__ import annotations

import email
import email.policy
import json
import math

from bench.corpus import BOT, MIX, Generator
from bench.reading import READERS
from bench.report import FAIL, INFO, PASS, percentile, row, table
from bench.run import main

EXPECTED_ROWS = {"latency.p50", "latency.p99", "latency.rss", "backlog.time", "backlog.time_vs_bare", "backlog.rate",
                 "backlog.rss", "memory.rss", "memory.growth", "memory.time", "memory.files", "drain.rate",
                 "drain.rss", "idle.cpu", "idle.rss", "idle.files", "idle.rss_peak", "reading.superlinear",
                 *(f"reading.{reader.key}" for reader in READERS)}
NO_REFERENCE = {"latency.rss", "memory.growth", "memory.files", "drain.rss", "reading.superlinear"}


def test_a_tiny_run_prints_every_figure_beside_its_reference_and_the_profile(tmp_path, capsys):
    results = tmp_path / "rows.json"

    status = main(["--requests", "3", "--backlog", "30", "--big-backlog", "40", "--drain", "5", "--idle", "2",
                   "--reading-scale", "0.01", "--profile", "--json", str(results)])

    rows = {r["key"]: r for r in json.loads(results.read_text())}
    assert set(rows) == EXPECTED_ROWS
    for key, found in rows.items():
        assert isinstance(found["introbot"], float) and math.isfinite(found["introbot"]), key
        if key not in NO_REFERENCE:
            assert isinstance(found["reference"], float) and math.isfinite(found["reference"]), key
        assert found["verdict"] in (PASS, FAIL, INFO), key
    printed = capsys.readouterr().out
    assert "| figure" in printed and "Machine:" in printed and "Command: python3 -m bench.run" in printed
    assert all(found["figure"] in printed for found in rows.values())
    # Every step of the profile still names a function introbot has.
    assert "Where the time goes" in printed and "parse the message" in printed
    assert "not in this profile" not in printed
    assert "Slowest readings" in printed
    assert status == (1 if any(r["verdict"] == FAIL for r in rows.values()) else 0)


def test_the_generated_backlog_has_the_mix_and_every_message_parses():
    messages = list(Generator(seed=7).backlog(600))

    kinds = {kind for kind, _ in messages}
    assert kinds == {kind for kind, _ in MIX}
    for _kind, raw in messages:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Message-ID"] and parsed["From"] and parsed["Delivered-To"] == BOT
    requests = [raw for kind, raw in messages if kind == "request"]
    assert all(b"Authentication-Results: mx.collective.example; dkim=pass" in raw for raw in requests)


def test_a_generator_with_the_same_seed_writes_the_same_bytes():
    assert list(Generator(seed=3).backlog(50)) == list(Generator(seed=3).backlog(50))


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 201)]
    assert percentile(values, 0.5) == 100.0
    assert percentile(values, 0.99) == 198.0
    assert percentile([0.3], 0.99) == 0.3
    assert math.isnan(percentile([], 0.5))


def test_a_row_without_a_number_fails_its_target_and_the_table_says_so():
    missing = row("x", "Some figure", float("nan"), 1.0, "s", "ref", "< 1 s", lambda v, r: v < 1)
    met = row("y", "Other figure", 0.5, 1.0, "s", "ref", "< 1 s", lambda v, r: v < 1)

    assert (missing.verdict, met.verdict) == (FAIL, PASS)
    printed = table([missing, met])
    assert "n/a" in printed and "0.500 s" in printed and "1 s (ref)" in printed
