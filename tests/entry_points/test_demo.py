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


# -- the billing-transfer story ---------------------------------------------------------------------

from support.billing import MODELED  # noqa: E402

needs_transfers = pytest.mark.skipif(not MODELED, reason="the installed botocore's model has no billing transfers")


@needs_transfers
def test_the_billing_story_invites_accepts_and_withdraws() -> None:
    out = io.StringIO()
    assert demo.billing(out) == 0
    text = out.getvalue()

    invites = _lines(text, "InviteOrganizationToTransferResponsibility")
    assert [line.split()[-1] for line in invites[:2]] == ["OPEN", "OPEN"]
    assert invites[2].endswith("InvalidInputException (START_DATE_NOT_BEGINNING_OF_MONTH)")
    initech_accepts, globex_too_late = _lines(text, "AcceptHandshake")
    assert "Initech" in initech_accepts and "   2  " in initech_accepts
    assert initech_accepts.endswith("REQUESTED -> ACCEPTED; OPEN -> ACCEPTED")
    assert "Globex" in globex_too_late and globex_too_late.endswith("InvalidHandshakeTransitionException")

    # Globex's invitation expires at midnight a day before the start, with its transfer.
    expired = _lines(text, "(expired)")
    assert [line.split()[-3:] for line in expired] == [["OPEN", "->", "EXPIRED"], ["REQUESTED", "->", "EXPIRED"]]
    assert all(line.startswith("2024-01-31 00:00:00") for line in expired)
    assert text.index(expired[-1]) < text.index(globex_too_late)

    withdrawn, again = _lines(text, "TerminateResponsibilityTransfer")
    assert "Initech" in withdrawn and withdrawn.endswith("ACCEPTED -> WITHDRAWN")
    assert again.endswith("ResponsibilityTransferAlreadyInStatusException")
    refused, deleted = _lines(text, "DeleteOrganization")
    assert refused.endswith("ConstraintViolationException (ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS)")
    assert deleted.startswith("2024-03-01") and deleted.endswith("ok")
    assert _lines(text, "ListInboundResponsibilityTransfers")[-1].endswith("1 transfer")  # Globex's is gone

    summary = text.split("Every billing transfer, as of day 51:")[1].splitlines()[1:]
    assert [row.split()[1:6] for row in summary] == [
        ["Initech", "billed", "to", "Reseller", "WITHDRAWN"],
        ["Globex", "billed", "to", "Reseller", "EXPIRED"],
    ]
    assert summary[0].endswith("from 2024-02-01 to 2024-02-29 23:59:59.999")


@needs_transfers
def test_the_billing_storys_columns_line_up_under_its_longest_operation_name() -> None:
    out = io.StringIO()
    demo.billing(out)
    lines = out.getvalue().splitlines()
    header = next(line for line in lines if line.startswith("time (UTC)"))
    rows = [line for line in lines if line[:4].isdigit()]
    handshake_column = header.index("handshake")
    assert len(rows) > 10
    for row in rows:
        # Every row has two spaces before the handshake column, and something in it.
        assert row[handshake_column - 2 : handshake_column] == "  ", row
        assert row[handshake_column] != " ", row


@needs_transfers
def test_the_billing_story_is_the_same_every_time() -> None:
    first, second = io.StringIO(), io.StringIO()
    demo.billing(first)
    demo.billing(second)
    assert first.getvalue() == second.getvalue()


@needs_transfers
def test_python_dash_m_orgsim_demo_billing_runs() -> None:
    result = _run("-m", "orgsim", "demo", "billing")
    assert result.returncode == 0, result.stderr
    assert "ACCEPTED -> WITHDRAWN" in result.stdout


def test_the_billing_story_says_which_botocore_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from orgsim.service import routes

    if MODELED:
        newest = routes.has_operation
        monkeypatch.setattr(routes, "has_operation", lambda s, op: op not in routes.NEWER_OPERATIONS and newest(s, op))
    out = io.StringIO()
    assert demo.billing(out) == 1
    assert "needs botocore 1.41.1 or newer" in out.getvalue()
    with pytest.raises(SystemExit) as exited:
        cli.main(["demo", "shipping"])
    assert exited.value.code == 2
