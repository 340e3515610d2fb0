"""``python -m orgsim demo`` runs its story and prints the expected states."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orgsim import __main__ as cli
from orgsim import demo

SRC = Path(__file__).resolve().parents[2] / "src"


def _lines(text: str, operation: str) -> list[str]:
    return [line for line in text.splitlines() if f" {operation} " in line]


def test_demo_prints_the_story_with_every_state_change() -> None:
    out = io.StringIO()
    assert demo.main(out) == 0
    text = out.getvalue()

    (create,) = _lines(text, "CreateOrganization")
    assert create.startswith("2024-01-01 09:00:00   0  111111111111 Management")
    assert len(_lines(text, "InviteAccountToOrganization")) == 3
    assert all(line.endswith("OPEN") for line in _lines(text, "InviteAccountToOrganization"))

    alice_accepts, carol_too_late, alice_approves, management_confirms = _lines(text, "AcceptHandshake")
    assert "Alice" in alice_accepts and alice_accepts.endswith("OPEN -> ACCEPTED")
    assert "   1  " in alice_accepts  # day 1
    assert "Carol" in carol_too_late and carol_too_late.endswith("InvalidHandshakeTransitionException")
    (bob_declines,) = _lines(text, "DeclineHandshake")
    assert "Bob" in bob_declines and bob_declines.endswith("OPEN -> DECLINED")

    # What the clock does is shown where it happens, on lines of its own.
    (expiry,) = _lines(text, "(expired)")
    assert "  15  (the clock)" in expiry and expiry.endswith("OPEN -> EXPIRED")
    expiry_listing, final_listing = _lines(text, "ListHandshakesForOrganization")
    assert "  15  " in expiry_listing and expiry_listing.endswith("3 handshakes")
    assert text.index(expiry) < text.index(expiry_listing)
    purges = _lines(text, "(purged)")
    assert [p.split()[-3:] for p in purges] == [["ACCEPTED", "->", "gone"], ["DECLINED", "->", "gone"], ["EXPIRED", "->", "gone"]]
    assert [p.split()[2] for p in purges] == ["31", "32", "45"]  # 30 days after each ended
    assert "  45  " in final_listing and final_listing.endswith("0 handshakes")
    (described,) = _lines(text, "DescribeHandshake")
    assert described.endswith("HandshakeNotFoundException")
    assert expiry.split()[-4] == described.split()[-2] == purges[-1].split()[-4]  # all three about Carol's
    assert text.index(purges[-1]) < text.index(described)

    # The organization then enables all features: Alice approves, management confirms.
    (enable,) = _lines(text, "EnableAllFeatures")
    assert "  46  " in enable and enable.endswith("REQUESTED")
    assert "Alice" in alice_approves and alice_approves.endswith("REQUESTED -> OPEN; OPEN -> ACCEPTED")
    assert "Management" in management_confirms and management_confirms.endswith("OPEN -> ACCEPTED; OPEN -> ACCEPTED")
    (described,) = _lines(text, "DescribeOrganization")
    assert described.endswith("(ALL)")

    # Alice, once a member, is filed under a new OU and tagged.
    (roots,) = _lines(text, "ListRoots")
    root_id = roots.split()[-1]
    (created,) = _lines(text, "CreateOrganizationalUnit")
    ou_id = created.split()[-2]
    assert "   1  " in created and created.endswith("'Engineering'") and ou_id.startswith("ou-" + root_id[2:] + "-")
    (move,) = _lines(text, "MoveAccount")
    assert move.endswith(f"222222222222 {root_id} -> {ou_id}")
    (tagged,) = _lines(text, "TagResource")
    assert tagged.endswith("222222222222: team")
    (listed,) = _lines(text, "ListAccountsForParent")
    assert listed.endswith("1 account")
    assert text.index(alice_accepts) < text.index(roots) < text.index(created) < text.index(move) < text.index(bob_declines)

    assert "ends with 2 accounts: Management (111111111111), Alice (222222222222)" in text
    assert "has feature set ALL, and this tree:" in text
    assert f"  root {root_id}: Management (111111111111)\n" in text
    assert f"    OU Engineering ({ou_id}): Alice (222222222222) tagged team=engineering\n" in text
    summary = [line.split() for line in text.split("Every handshake, as of day 47:")[1].splitlines()[1:]]
    invitations = [row[1:5] for row in summary if row[1] == "INVITE"]
    assert invitations == [
        ["INVITE", "to", "Alice", "ACCEPTED"],
        ["INVITE", "to", "Bob", "DECLINED"],
        ["INVITE", "to", "Carol", "EXPIRED"],
    ]
    assert all("purged" in " ".join(row) for row in summary if row[1] == "INVITE")
    assert [row[1] for row in summary if row[1] != "INVITE"] == [
        "ENABLE_ALL_FEATURES",
        "ENABLE_ALL_FEATURES",
        "APPROVE_ALL_FEATURES",
    ]
    assert all("ACCEPTED" in " ".join(row) for row in summary if row[1] != "INVITE")


def test_demo_handshake_ids_match_the_call_log_and_are_stable() -> None:
    first, second = io.StringIO(), io.StringIO()
    demo.main(first)
    demo.main(second)
    assert first.getvalue() == second.getvalue()  # seeded ids, injected clock: the same story every time


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_python_dash_m_orgsim_demo_runs() -> None:
    result = _run("-m", "orgsim", "demo")
    assert result.returncode == 0, result.stderr
    assert "OPEN -> ACCEPTED" in result.stdout
    assert "OPEN -> EXPIRED" in result.stdout


def test_demo_needs_no_time_patching_library() -> None:
    # freezegun and time-machine are test extras; make them unimportable and run the demo.
    script = (
        "import runpy, sys\n"
        "sys.modules['freezegun'] = None\n"
        "sys.modules['time_machine'] = None\n"
        "sys.argv = ['orgsim', 'demo']\n"
        "runpy.run_module('orgsim', run_name='__main__', alter_sys=True)\n"
    )
    result = _run("-c", script)
    assert result.returncode == 0, result.stderr
    assert "EXPIRED -> gone" in result.stdout


def test_cli_requires_a_command() -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
