"""The core stays pure: no sockets, databases, clocks or logging inside introbot/core."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "introbot" / "core"
FORBIDDEN_MODULES = {"sqlite3", "asyncio", "socket", "ssl", "imapclient", "aiosmtplib", "logging",
                     "threading", "subprocess", "apscheduler", "time", "random", "secrets"}
FORBIDDEN_CALLS = {"now", "utcnow", "today"}


def imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_modules_import_no_io_clock_or_randomness():
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad = imported_modules(tree) & FORBIDDEN_MODULES
        clock_reads = {node.attr for node in ast.walk(tree)
                       if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_CALLS}
        if bad or clock_reads:
            offenders[path.name] = sorted(bad | clock_reads)
    assert offenders == {}, f"the pure core must take time, randomness and I/O as arguments: {offenders}"


def test_the_purity_check_sees_a_forbidden_import():
    tree = ast.parse("import sqlite3\nfrom asyncio import run\n")
    assert imported_modules(tree) >= {"sqlite3", "asyncio"}
