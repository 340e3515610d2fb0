"""Identifiers are deterministic per simulation: the same seed gives the same ids, and the pytest
fixture derives its seed from the test's node id, so a failure reproduces whatever worker or order
ran it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import orgsim

MEMBER = "111111111111"
START = "2024-01-01T09:00:00+00:00"


def same(seed: int | str | None = "same") -> orgsim.Simulation:
    """A simulation on a clock of its own: a NextToken carries the request time of the handshake it
    stops after, so only runs at the same simulated times can give the same tokens."""
    return orgsim.simulate(seed=seed, clock=orgsim.ManualClock(START))


def scenario(sim: orgsim.Simulation) -> dict[str, Any]:
    """Everything a simulation generates in a small run: ids, ARNs, keys, tokens, request ids."""
    session = sim.session(sim.default_account_id)
    mgmt = session.client("organizations")
    org = mgmt.create_organization()
    sim.seed_account(MEMBER)
    created = sim.seed_account()
    handshakes = [
        mgmt.invite_account_to_organization(Target={"Id": target, "Type": "ACCOUNT"})["Handshake"]
        for target in (MEMBER, created.id)
    ]
    page = mgmt.list_handshakes_for_organization(MaxResults=1)
    creds = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/Admin", RoleSessionName="determinism"
    )
    return {
        "organization": org["Organization"]["Id"],
        "request": org["ResponseMetadata"]["RequestId"],
        "created_account": created.id,
        "handshakes": [(h["Id"], h["Arn"]) for h in handshakes],
        "next_token": page["NextToken"],
        "session_key": session.get_credentials().access_key,
        "role_key": creds["Credentials"]["AccessKeyId"],
        "role_user": creds["AssumedRoleUser"]["AssumedRoleId"],
    }


def test_the_same_seed_gives_the_same_ids() -> None:
    with same() as first:
        a = scenario(first)
    with same() as second:
        b = scenario(second)
    assert a == b


@pytest.mark.parametrize("seed", [0, 1, "0", "other"])
def test_different_seeds_give_different_ids(seed: int | str) -> None:
    with same() as first:
        a = scenario(first)
    with same(seed) as second:
        b = scenario(second)
    assert all(a[key] != b[key] for key in a)


def test_no_seed_gives_fresh_ids_each_time() -> None:
    with orgsim.simulate() as first:
        a = scenario(first)
    with orgsim.simulate() as second:
        b = scenario(second)
    assert a["organization"] != b["organization"]


def test_ids_do_not_depend_on_the_global_random_state() -> None:
    import random

    random.seed(1)
    with same() as first:
        a = scenario(first)
    random.seed(2)
    with same() as second:
        b = scenario(second)
    assert a == b


_INNER = """
import json, os
from pathlib import Path
import pytest

OUT = Path(os.environ["ORGSIM_IDS_OUT"])


def record(request, orgsim):
    org = orgsim.session(orgsim.default_account_id).client("organizations").create_organization()
    line = {"test": request.node.nodeid, "org": org["Organization"]["Id"],
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main")}
    with OUT.open("a") as out:
        out.write(json.dumps(line) + "\\n")


@pytest.mark.parametrize("n", range(6))
def test_one(request, orgsim, n):
    record(request, orgsim)


def test_two(request, orgsim):
    record(request, orgsim)


@pytest.mark.orgsim(max_accounts=3)
def test_marked(request, orgsim):
    record(request, orgsim)


@pytest.mark.orgsim(seed="explicit")
def test_explicit_seed(request, orgsim):
    record(request, orgsim)
"""


def _ids(pytester: pytest.Pytester, out: Path, *args: str) -> tuple[dict[str, str], set[str]]:
    """Run the inner suite; the organization id each test got, and the workers that ran them."""
    out.unlink(missing_ok=True)
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=9)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 9
    return {line["test"]: line["org"] for line in lines}, {line["worker"] for line in lines}


def test_the_fixture_seeds_from_the_test_whatever_order_or_worker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = pytester.path / "ids.jsonl"
    monkeypatch.setenv("ORGSIM_IDS_OUT", str(out))
    pytester.makepyfile(test_ids=_INNER)
    # The same socket block as INNER_ARGS; the order and the workers vary.
    common = ["-p", "no:cacheprovider", "--disable-socket", "--allow-unix-socket"]
    # (Each run is a fresh interpreter, and a distributed one three: the runs are few on purpose.)
    serial, _ = _ids(pytester, out, *common, "-p", "no:randomly", "-p", "no:xdist")
    shuffled, _ = _ids(pytester, out, *common, "-p", "no:xdist", "--randomly-seed=12345")
    both, workers = _ids(pytester, out, *common, "-n", "2", "--randomly-seed=999")
    assert serial == shuffled == both
    assert workers == {"gw0", "gw1"}
    # Every test got its own ids; an explicit seed wins over the test's own.
    assert len(set(serial.values())) == len(serial)
    with orgsim.simulate(seed="explicit") as sim:
        explicit = sim.session(sim.default_account_id).client("organizations").create_organization()
    assert serial["test_ids.py::test_explicit_seed"] == explicit["Organization"]["Id"]
