"""The parser comparison still runs: introbot's column matches the corpus tests, and every rival is scored or named missing."""

from __future__ import annotations

import json

from bench.rivals import RIVALS, RIGHT_SENDER, TOTAL, main
from tests.conftest import corpus_manifest, corpus_or_skip
from tests.corpus.test_replies_corpus import MANIFESTS, overall_rate, run_case


def test_the_comparison_scores_introbot_as_the_corpus_tests_do_and_accounts_for_every_rival(tmp_path, capsys):
    corpus = corpus_or_skip()
    results = tmp_path / "rivals.json"

    status = main(["--json", str(results), "--time-limit", "20"])

    found = json.loads(results.read_text())
    outcomes = [run_case(manifest, case, corpus) for manifest in MANIFESTS
                for case in corpus_manifest(manifest)["cases"]]
    scored = [outcome for outcome in outcomes if outcome.scored]
    introbot = found["scores"][TOTAL]["introbot"]
    assert (introbot["passed"], introbot["scored"]) == (sum(o.passed for o in scored), len(scored))
    assert introbot["passed"] / introbot["scored"] == overall_rate(outcomes)
    assert found["scores"][RIGHT_SENDER]["introbot"]["passed"] == found["scores"][RIGHT_SENDER]["introbot"]["scored"]
    for name, _, _ in RIVALS:
        in_table = any(name in row for row in found["scores"].values())
        assert in_table != (name in found["missing"]), name
    printed = capsys.readouterr().out
    assert "forward parsers on hostile bodies" in printed and status == 0
