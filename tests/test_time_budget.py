"""TimeBudget interrupts a block that runs past its budget, however many blocks ended before it, and only that one."""

from __future__ import annotations

import time

import pytest

from introbot.budget import OverBudget, TimeBudget

BUDGET = 0.2  # seconds
PATIENCE = 30.0  # a block that is never interrupted fails the test instead of hanging it


def spin(seconds: float = PATIENCE) -> None:
    """Python work (an interruption arrives at the next bytecode) that runs until interrupted or `seconds` pass."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def never_stuck() -> None:
    raise AssertionError("the block was interrupted in Python and should have ended within the grace")


def test_a_block_past_its_budget_is_interrupted():
    budget = TimeBudget(BUDGET, on_stuck=never_stuck)
    with pytest.raises(OverBudget):
        with budget.watch():
            spin()


def test_after_thousands_of_short_blocks_a_long_one_is_still_interrupted():
    budget = TimeBudget(BUDGET, on_stuck=never_stuck)
    for _ in range(5000):
        with budget.watch():
            pass
    with pytest.raises(OverBudget):
        with budget.watch():
            spin()


def test_a_block_started_after_the_watchdog_went_idle_is_interrupted():
    budget = TimeBudget(BUDGET, on_stuck=never_stuck)
    with budget.watch():
        pass
    time.sleep(BUDGET * 2)  # the watchdog woke at the first block's deadline and now waits for a block
    with pytest.raises(OverBudget):
        with budget.watch():
            spin()


def test_blocks_within_their_budget_are_never_interrupted_even_when_together_they_run_longer():
    budget = TimeBudget(BUDGET, on_stuck=never_stuck)
    for _ in range(8):  # 8 x BUDGET/2: past the first block's deadline, within each block's own
        with budget.watch():
            spin(BUDGET / 2)


def test_a_block_after_an_interrupted_one_gets_a_whole_budget_and_is_interrupted_past_it():
    budget = TimeBudget(BUDGET, on_stuck=never_stuck)
    with pytest.raises(OverBudget):
        with budget.watch():
            spin()
    with budget.watch():
        spin(BUDGET / 2)
    with pytest.raises(OverBudget):
        with budget.watch():
            spin()
