#!/usr/bin/env python3
"""How much a simulated call costs, next to what botocore itself spends on any call.

Run from a checkout:  python benchmarks/run.py                                (about a minute and a half)
                      python benchmarks/run.py --markdown benchmarks/RESULTS.md  (also writes the table)
                      python benchmarks/run.py --quick                        (checks the script; numbers meaningless)
Needs moto (``pip install -e '.[bench]'`` or ``pip install moto``). The checkout's ``src`` goes first on
``sys.path`` (and on ``PYTHONPATH`` for the subprocesses), so the numbers are this tree's, not an installed copy's.

Baselines, all in this one process:
- floor: a client of the same kind answering from a trivial ``before-call`` handler that returns a canned,
  already-parsed response (what orgsim answered to the same call). No in-process answer can cost less.
- Stubber: ``botocore.stub.Stubber`` with the same response queued (untimed) before each call.
- moto: ``moto.mock_aws`` for the operations it has (CreateOrganization, DescribeOrganization, ListAccounts).
The baseline clients are built before orgsim installs its hooks and carry its "already handled" mark, so
orgsim's handlers never run on them.

How (the machines this runs on are noisy: 2 cores shared with other work):
- Every round runs a batch of 10 calls of every case, in a new random order each round; the figures are
  medians over 150 rounds. A ratio is the median over rounds of case / floor measured in the same round.
- A batch starts with one untimed call (the case before it may have evicted its code from the caches).
- State a case needs before each call (a fresh organization, an invitation to accept) is made untimed,
  and the floor and the Stubber run the same setup before their calls, so all see the same caches.
- The long-lived setup (10,000-handshake organizations, moto, botocore's models) is frozen out of the
  garbage collector's full passes (``gc.freeze``); what each call allocates is collected as usual.
- Import time and the plugin's cost are CPU times of fresh processes (medians), which a busy machine
  disturbs far less than wall time. The plugin's cost compares sessions with and without
  ``-p orgsim.plugin`` (what its entry point loads), other plugins' autoloading off, in pairs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
if (SRC / "orgsim").is_dir():
    sys.path.insert(0, str(SRC))

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

MANAGEMENT = "123456789012"  # orgsim's and moto's default account
REGION = "us-east-1"

# -- measuring -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    """One timed operation. ``prepare`` runs untimed before every call; ``enter``/``leave`` around a batch."""

    name: str
    call: Callable[[], Any]
    prepare: Callable[[], Any] | None = None
    enter: Callable[[], Any] | None = None
    leave: Callable[[], Any] | None = None
    samples: list[float] = dataclasses.field(default_factory=list)  # mean seconds per call, one per round

    def run_batch(self, size: int) -> None:
        prepare, call, clock = self.prepare, self.call, time.perf_counter
        if self.enter is not None:
            self.enter()
        try:
            # One untimed call first: the case before this one (moto, above all) has evicted this
            # one's code and data from the CPU caches.
            if prepare is not None:
                prepare()
            call()
            total = 0.0
            for _ in range(size):
                if prepare is not None:
                    prepare()
                start = clock()
                call()
                total += clock() - start
        finally:
            if self.leave is not None:
                self.leave()
        self.samples.append(total / size)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def interleave(cases: list[Case], rounds: int, batch: int) -> None:
    """Round-robin: each round runs one batch of every case, in a new random order each round, so that
    no case always follows the same neighbour."""
    for case in cases:  # warm-up: caches, compiled validators, first-call imports
        case.run_batch(max(3, batch // 4))
        case.samples.clear()
    order = list(cases)
    shuffle = random.Random(5).shuffle
    for _ in range(rounds):
        shuffle(order)
        for case in order:
            case.run_batch(batch)


def ratio(case: Case, base: Case) -> float:
    """Median over rounds of case / base measured in the same round."""
    return statistics.median(a / b for a, b in zip(case.samples, base.samples, strict=True))


# -- clients ---------------------------------------------------------------------------------------

_RESPONSE = AWSResponse(None, 200, {}, None)


def plain_client(access_key: str) -> Any:
    """An Organizations client that orgsim leaves alone (built before its hooks are installed, and marked)."""
    client = boto3.Session(
        aws_access_key_id=access_key, aws_secret_access_key="not-a-secret", region_name=REGION
    ).client("organizations")
    client._orgsim_hooked = True  # the mark orgsim's client-healing wrapper looks for
    return client


class Floor:
    """A client that answers every call from a trivial before-call handler with a canned parsed response."""

    def __init__(self) -> None:
        self.canned: dict[str, dict[str, Any]] = {}
        self.client = plain_client("AKIAFLOORFLOORFLOOR0")
        self.client.meta.events.register("before-call.organizations", self._answer)

    def _answer(self, model: Any, **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return _RESPONSE, dict(self.canned[model.name])


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# -- the world the orgsim cases run in -------------------------------------------------------------


class World:
    """The simulated organizations the cases use. One simulation for the whole run; the cases that change
    state get a fresh organization before every call, so their cost does not drift as the run goes on."""

    def __init__(self, orgsim: Any) -> None:
        self.sim = orgsim.simulate(seed="benchmark", max_accounts=1_000_000, max_invitations_per_day=1_000_000)
        self.sim.start()
        sim = self.sim
        self.mgmt = sim.session(MANAGEMENT).client("organizations")
        # Organization A: the management account, 4 members, 50 open invitations to other accounts.
        self.mgmt.create_organization()
        for _ in range(4):
            member = sim.seed_account().id
            hs = self.mgmt.invite_account_to_organization(Target={"Id": member, "Type": "ACCOUNT"})["Handshake"]
            sim.session(member).client("organizations").accept_handshake(HandshakeId=hs["Id"])
        self.open_ids = [
            self.mgmt.invite_account_to_organization(Target={"Id": sim.seed_account().id, "Type": "ACCOUNT"})[
                "Handshake"
            ]["Id"]
            for _ in range(50)
        ]
        # Organization B, re-created before every timed call of the state-changing cases.
        self.b_mgmt = sim.session(sim.seed_account().id).client("organizations")
        self.b_mgmt.create_organization()
        self.member_id = sim.seed_account().id
        self.member = sim.session(self.member_id).client("organizations")
        self.target = {"Id": self.member_id, "Type": "ACCOUNT"}
        self.pending: str | None = None
        # Account C creates (and, untimed, deletes) its organization.
        self.c_mgmt = sim.session(sim.seed_account().id).client("organizations")

    def fresh_b(self) -> None:
        """Organization B with no handshakes and no members but its management account."""
        try:
            self.member.leave_organization()
        except self.member.exceptions.AWSOrganizationsNotInUseException:
            pass
        self.b_mgmt.delete_organization()
        self.b_mgmt.create_organization()

    def fresh_b_with_invitation(self) -> None:
        self.fresh_b()
        self.pending = self.b_mgmt.invite_account_to_organization(Target=self.target)["Handshake"]["Id"]

    def invite(self) -> Any:
        return self.b_mgmt.invite_account_to_organization(Target=self.target)

    def accept(self) -> Any:
        return self.member.accept_handshake(HandshakeId=self.pending)

    def cycle(self) -> Any:
        hid = self.b_mgmt.invite_account_to_organization(Target=self.target)["Handshake"]["Id"]
        return self.member.accept_handshake(HandshakeId=hid)

    def no_org_c(self) -> None:
        try:
            self.c_mgmt.delete_organization()
        except self.c_mgmt.exceptions.AWSOrganizationsNotInUseException:
            pass

    def big_org(self, size: int) -> tuple[Any, str]:
        """An organization with ``size`` open invitations, and a NextToken to the page in its middle.

        One invitation is made through the API; the others are copies of it stored through the world's
        internals, because ``size`` invitations through the API would take minutes (each invitation checks
        the organization's open invitations and its 24-hour count, so building n of them costs n^2).
        """
        from orgsim.domain.model import ACCOUNT, Party

        sim = self.sim
        client = sim.session(sim.seed_account().id).client("organizations")
        org_id = client.create_organization()["Organization"]["Id"]
        first = client.invite_account_to_organization(Target={"Id": sim.seed_account().id, "Type": "ACCOUNT"})
        aws = sim._aws
        world = aws.world
        template = world.handshakes[first["Handshake"]["Id"]]
        org = world.organizations[org_id]
        numbered = any(f.name == "seq" for f in dataclasses.fields(template))
        with aws.lock:
            for _ in range(size - 1):
                account_id = world.ids.account_id()
                handshake_id = world.ids.handshake_id()
                changes: dict[str, Any] = {
                    "id": handshake_id,
                    "arn": template.arn.replace(template.id, handshake_id),
                    "parties": (template.parties[0], Party(account_id, ACCOUNT)),
                    "resources": (template.resources[0], dataclasses.replace(template.resources[1], value=account_id)),
                    "recipient_account_id": account_id,
                }
                if numbered:
                    changes["seq"] = world.next_seq()
                world.store(dataclasses.replace(template, **changes), org)
        assert len(org.handshakes) == size
        token = None
        for _ in range(size // 2 // 20):
            kwargs = {"NextToken": token} if token else {}
            token = client.list_handshakes_for_organization(**kwargs)["NextToken"]
        assert token is not None
        return client, token


class MotoWorld:
    """moto's side: the default account's organization with 4 created accounts (like orgsim's A), and a
    second account that creates (and, untimed, deletes) its organization."""

    OTHER_ACCOUNT = "210987654321"

    def __init__(self) -> None:
        import moto
        from moto.iam.models import iam_backends

        self._iam_backends = iam_backends
        self.mock = moto.mock_aws()
        self.mock.start()
        self.client = plain_client("FOOBARKEY")  # moto's own fake key: the default account
        self.client.create_organization()
        for i in range(4):
            self.client.create_account(Email=f"member{i}@example.com", AccountName=f"member{i}")
        assert len(self.client.list_accounts()["Accounts"]) == 5
        self._saved: list[str | None] = []
        self.as_other_account()
        self.create()
        self._known = set(iam_backends.keys())
        self.no_org()
        self.as_default()

    def create(self) -> Any:
        return self.client.create_organization()

    def no_org(self) -> None:
        try:
            self.client.delete_organization()
        except self.client.exceptions.AWSOrganizationsNotInUseException:
            pass
        # Every organization moto creates leaves a new account behind, and on every call moto looks the
        # caller's access key up in every account it knows: forget those accounts, so that moto's other
        # cases keep their cost instead of slowing down as this one runs.
        for account_id in set(self._iam_backends.keys()) - self._known:
            del self._iam_backends[account_id]

    def as_other_account(self) -> None:
        self._saved.append(os.environ.get("MOTO_ACCOUNT_ID"))
        os.environ["MOTO_ACCOUNT_ID"] = self.OTHER_ACCOUNT

    def as_default(self) -> None:
        previous = self._saved.pop()
        if previous is None:
            os.environ.pop("MOTO_ACCOUNT_ID", None)
        else:
            os.environ["MOTO_ACCOUNT_ID"] = previous

    def stop(self) -> None:
        self.mock.stop()


# -- what is measured ------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    case: str
    micros: float | None
    versus: str  # "1.18 x floor", "moto / orgsim = 12.3"
    target: str = ""
    passed: bool | None = None


def call_costs(rounds: int, batch: int) -> list[Row]:
    floor = Floor()
    stub_client = plain_client("AKIASTUBSTUBSTUBSTUB")
    stubber = Stubber(stub_client)
    stubber.activate()

    mo = MotoWorld()

    import orgsim  # after the baseline clients: they must not carry orgsim's handlers

    w = World(orgsim)
    try:
        # Canned responses for the floor and the Stubber: what orgsim answers to the same calls.
        hid = w.open_ids[0]
        w.fresh_b()
        w.c_mgmt.create_organization()
        ops: dict[str, tuple[str, Callable[[], Any], Callable[[], Any] | None, dict[str, Any]]] = {
            "DescribeHandshake": ("describe_handshake", lambda: w.mgmt.describe_handshake(HandshakeId=hid), None,
                                  {"HandshakeId": hid}),
            "ListHandshakesForOrganization": ("list_handshakes_for_organization",
                                              lambda: w.mgmt.list_handshakes_for_organization(), None, {}),
            "InviteAccountToOrganization": ("invite_account_to_organization", w.invite, w.fresh_b,
                                            {"Target": w.target}),
            "AcceptHandshake": ("accept_handshake", w.accept, w.fresh_b_with_invitation, {"HandshakeId": hid}),
            "CreateOrganization": ("create_organization", lambda: w.c_mgmt.create_organization(), w.no_org_c, {}),
            "DescribeOrganization": ("describe_organization", lambda: w.mgmt.describe_organization(), None, {}),
            "ListAccounts": ("list_accounts", lambda: w.mgmt.list_accounts(), None, {}),
        }
        for op, (_, call, prepare, _) in ops.items():
            if prepare is not None:
                prepare()
            floor.canned[op] = call()
        assert len(floor.canned["ListHandshakesForOrganization"]["Handshakes"]) == 20
        assert len(floor.canned["ListAccounts"]["Accounts"]) == 5

        def floor_call(method: str, params: dict[str, Any]) -> Callable[[], Any]:
            bound = getattr(floor.client, method)
            return lambda: bound(**params)

        def stub_case(op: str, method: str, params: dict[str, Any], setup: Callable[[], Any] | None) -> Case:
            body = without_metadata(floor.canned[op])
            bound = getattr(stub_client, method)

            def prepare() -> None:
                if setup is not None:
                    setup()
                stubber.add_response(method, body)

            return Case(f"{op} Stubber", lambda: bound(**params), prepare=prepare)

        cases: dict[str, Case] = {}
        for op, (method, call, prepare, params) in ops.items():
            # The floor runs under the same conditions as orgsim: the untimed per-call setup runs before
            # its calls too (it changes nothing the floor reads, but it leaves the same CPU caches behind).
            cases[f"{op} floor"] = Case(f"{op} floor", floor_call(method, params), prepare=prepare)
            cases[f"{op} Stubber"] = stub_case(op, method, params, prepare)
            cases[f"{op} orgsim"] = Case(f"{op} orgsim", call, prepare=prepare)

        accept_floor = floor_call("accept_handshake", {"HandshakeId": hid})
        invite_floor = floor_call("invite_account_to_organization", {"Target": w.target})

        def floor_cycle() -> None:
            invite_floor()
            accept_floor()

        cases["invite + accept floor"] = Case("invite + accept floor", floor_cycle, prepare=w.fresh_b)
        cases["invite + accept orgsim"] = Case("invite + accept orgsim", w.cycle, prepare=w.fresh_b)

        cases["CreateOrganization moto"] = Case(
            "CreateOrganization moto", mo.create, prepare=mo.no_org, enter=mo.as_other_account, leave=mo.as_default
        )
        cases["DescribeOrganization moto"] = Case("DescribeOrganization moto", mo.client.describe_organization)
        cases["ListAccounts moto"] = Case("ListAccounts moto", mo.client.list_accounts)

        # Page cost against the number of handshakes in the organization.
        sizes = (100, 1_000, 10_000)
        big_orgs: dict[int, Any] = {}
        for size in sizes:
            client, token = w.big_org(size)
            big_orgs[size] = client
            cases[f"page of 20 @ {size:,}"] = Case(
                f"page of 20 @ {size:,}",
                (lambda c, t: lambda: c.list_handshakes_for_organization(NextToken=t))(client, token),
            )

        # The setup (10,000-handshake organizations, moto, botocore's models) is long-lived: keep the
        # collector's full passes over it out of every case's numbers.
        gc.collect()
        gc.freeze()
        try:
            interleave(list(cases.values()), rounds, batch)
            invites = invite_costs(w, big_orgs)
        finally:
            gc.unfreeze()
    finally:
        w.sim.stop()
        mo.stop()
        stubber.deactivate()

    rows: list[Row] = []
    targets = {"DescribeHandshake": 1.25, "ListHandshakesForOrganization": 2.0}
    moto_ops = ("CreateOrganization", "DescribeOrganization", "ListAccounts")
    labels = {"ListHandshakesForOrganization": "ListHandshakesForOrganization (page of 20)"}
    for op in [*ops, "invite + accept"]:
        base = cases[f"{op} floor"]
        label = labels.get(op, op)
        rows.append(Row(f"{label}: floor", base.median * 1e6, "1.00 x floor"))
        if f"{op} Stubber" in cases:
            stub = cases[f"{op} Stubber"]
            rows.append(Row(f"{label}: Stubber", stub.median * 1e6, f"{ratio(stub, base):.2f} x floor"))
        if op in moto_ops:
            theirs = cases[f"{op} moto"]
            rows.append(Row(f"{label}: moto", theirs.median * 1e6, f"{ratio(theirs, base):.2f} x floor"))
        ours = cases[f"{op} orgsim"]
        r = ratio(ours, base)
        row = Row(f"{label}: orgsim", ours.median * 1e6, f"{r:.2f} x floor")
        if op in targets:
            row.target, row.passed = f"<= {targets[op]:.2f} x floor", r <= targets[op]
        rows.append(row)
        if op in moto_ops:
            speedup = ratio(cases[f"{op} moto"], ours)
            rows.append(Row(f"{label}: moto / orgsim", None, f"{speedup:.1f}", ">= 5.0", speedup >= 5.0))
    first = cases[f"page of 20 @ {sizes[0]:,}"]
    for size in sizes:
        case = cases[f"page of 20 @ {size:,}"]
        r = ratio(case, first)
        rows.append(Row(f"page of 20 in the middle, {size:,} handshakes", case.median * 1e6,
                        f"{r:.2f} x @ {sizes[0]:,}", "<= 1.20 x", r <= 1.2))
    for size, cost in invites.items():
        rows.append(Row(f"invitation into an organization with {size:,} handshakes (no target)", cost * 1e6,
                        f"{cost / invites[sizes[0]]:.2f} x @ {sizes[0]:,}"))
    return rows


def invite_costs(w: World, big_orgs: dict[int, Any], calls: int = 21) -> dict[int, float]:
    """Median cost of one more invitation into each big organization (not interleaved: few calls, so that
    the organizations barely grow). An invitation checks the organization's open invitations and its
    24-hour count, so it is expected to grow with the organization; no target is set for it."""
    costs: dict[int, float] = {}
    for size, client in big_orgs.items():
        times = []
        for _ in range(calls):
            target = {"Id": w.sim.seed_account().id, "Type": "ACCOUNT"}
            start = time.perf_counter()
            client.invite_account_to_organization(Target=target)
            times.append(time.perf_counter() - start)
        costs[size] = statistics.median(times)
    return costs


def memory_per_handshake(count: int) -> Row:
    """Bytes the world keeps per invitation, after garbage collection (tracemalloc)."""
    import orgsim

    with orgsim.simulate(seed="memory", max_accounts=count + 10, max_invitations_per_day=count + 10) as sim:
        mgmt = sim.session(MANAGEMENT).client("organizations")
        mgmt.create_organization()
        targets = [sim.seed_account().id for _ in range(count + 5)]
        for account_id in targets[:5]:  # warm-up: compiled validators, caches
            mgmt.invite_account_to_organization(Target={"Id": account_id, "Type": "ACCOUNT"})
        invite = mgmt.invite_account_to_organization
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for account_id in targets[5:]:
            invite(Target={"Id": account_id, "Type": "ACCOUNT"})
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    per = (after - before) / count
    return Row(f"memory per handshake ({count:,} invitations)", None, f"{per:,.0f} bytes", "<= 2,048 bytes",
               per <= 2048)


# -- fresh processes -------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_PLUGINS", None)
    return env


# CPU time, not wall time: on a busy machine a fresh process spends a varying while waiting for a core,
# which would swamp differences of a few milliseconds.
_IMPORT_PROBE = """
import time, boto3
start = time.process_time()
import orgsim
orgsim.simulate  # the public API resolved, however the package loads it
print(time.process_time() - start)
"""


# What a session that never uses the plugin pays for it, beyond two hooks that take microseconds.
_PLUGIN_PROBE = """
import time, pytest
start = time.process_time()
import orgsim.plugin
print(time.process_time() - start)
"""


def _probe(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=_env(), check=True,
                             capture_output=True, text=True).stdout
        times.append(float(out.strip()))
    return statistics.median(times)


def import_cost(runs: int) -> Row:
    return Row(f"import orgsim after boto3 (CPU time, fresh processes, median of {runs})", None,
               f"{_probe(_IMPORT_PROBE, runs) * 1e3:.1f} ms")


def plugin_import_cost(runs: int) -> Row:
    return Row(f"import orgsim.plugin after pytest (CPU time, fresh processes, median of {runs})", None,
               f"{_probe(_PLUGIN_PROBE, runs) * 1e3:.1f} ms")


def _child_cpu_seconds(argv: list[str], cwd: str, env: dict[str, str]) -> float:
    """User + system CPU time of one run of ``argv`` in a fresh process."""
    try:
        import resource
    except ImportError:  # not on Windows: fall back to wall time
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        return time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plugin_cost(runs: int) -> Row:
    """CPU time the plugin adds to a pytest session that never uses orgsim.

    Other plugins' start-up (hypothesis alone takes hundreds of milliseconds) varies by more than the
    whole target from one session to the next, so it is kept out: autoloading is off, and the two
    sessions differ only by ``-p orgsim.plugin``, which is what the entry point loads. Sessions run in
    pairs, one of each, and the figure is the median of the pairs' differences.
    """
    env = {**_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_trivial.py").write_text("def test_nothing():\n    assert 1 + 1 == 2\n")
        Path(tmp, "pytest.ini").write_text("[pytest]\n")
        without = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"]
        with_plugin = [*without, "-p", "orgsim.plugin"]
        added: list[float] = []
        alone: list[float] = []
        for _ in range(runs):
            base = _child_cpu_seconds(without, tmp, env)
            added.append(_child_cpu_seconds(with_plugin, tmp, env) - base)
            alone.append(base)
    cost = statistics.median(added)
    return Row(
        f"plugin in a pytest session that never uses it (CPU time, median of {runs} pairs)", None,
        f"{cost * 1e3:+.1f} ms (of {statistics.median(alone) * 1e3:.0f} ms)", "<= 20 ms", cost <= 0.020,
    )


# -- report ----------------------------------------------------------------------------------------


def source_version() -> str:
    """The last commit that changed ``src`` (and whether ``src`` has uncommitted changes), when in git."""
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout.strip()

        commit = git("log", "-1", "--format=%h", "--", "src")
        dirty = git("status", "--porcelain", "--", "src")
    except (OSError, subprocess.CalledProcessError):
        return f"sources in {SRC}"
    return f"src at {commit}" + (" (with uncommitted changes)" if dirty else "")


def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        info: dict[str, str] = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
        cpu = info.get("model name", cpu)
        if "cpu MHz" in info:
            cpu += f" at {float(info['cpu MHz']):,.0f} MHz"
    except OSError:
        pass
    import moto

    return [
        f"orgsim: {source_version()}",
        f"CPU: {cpu}, {os.cpu_count()} logical cores",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), botocore {botocore.__version__},"
        f" boto3 {boto3.__version__}, moto {moto.__version__}",
    ]


def table(rows: list[Row]) -> list[str]:
    header = ("case", "µs/call", "vs", "target", "result")
    cells = [
        (
            r.case,
            "" if r.micros is None else f"{r.micros:,.1f}",
            r.versus,
            r.target,
            "" if r.passed is None else ("PASS" if r.passed else "FAIL"),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(5)]
    out = []
    for c in [header, *cells]:
        out.append("  ".join(c[i].rjust(widths[i]) if i in (1, 2) else c[i].ljust(widths[i]) for i in range(5)))
        if c is header:
            out.append("  ".join("-" * w for w in widths))
    return out


def markdown(rows: list[Row], command: str, settings: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Machine:",
        "",
        *[f"- {m}" for m in machine()],
        "",
        f"Command: `{command}` ({settings})",
        "",
        "How to read it: µs/call is the median over rounds of a batch's mean; \"x floor\" is the median over",
        "rounds of the case's time over the floor's in the same round. The floor is the same kind of client",
        "answering from a trivial `before-call` handler with a canned response: botocore's own cost per call.",
        "The page rows list the page after the first half of an organization of that many open invitations",
        "(beyond the first, the invitations are stored through orgsim's internals: through the API, each checks",
        "the organization's open ones, so n of them cost n^2). Memory is tracemalloc's count after garbage",
        "collection, over invitations made through the API. The last three rows are CPU times of fresh processes.",
        "The last one compares pytest sessions with other plugins' autoloading off (their start-up varies by more",
        "than the target from one session to the next), with and without `-p orgsim.plugin`, in pairs.",
        "See the docstring of `benchmarks/run.py` for the method.",
        "",
        "| case | µs/call | vs | target | result |",
        "|---|---:|---:|---|---|",
    ]
    for r in rows:
        micros = "" if r.micros is None else f"{r.micros:,.1f}"
        result = "" if r.passed is None else ("PASS" if r.passed else "FAIL")
        lines.append(f"| {r.case} | {micros} | {r.versus} | {r.target} | {result} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="round-robin rounds (default 150)")
    parser.add_argument("--batch", type=int, default=10, help="calls per case per round (default 10)")
    parser.add_argument("--runs", type=int, default=21, help="fresh processes per subprocess measurement (default 21)")
    parser.add_argument("--quick", action="store_true", help="a few rounds only: checks the script, not the code")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table and the machine to FILE")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.batch, args.runs = 3, 5, 3

    for line in machine():
        print(line)
    print(f"orgsim from {SRC if (SRC / 'orgsim').is_dir() else 'the installed package'}")
    print(f"rounds={args.rounds} batch={args.batch} runs={args.runs}\n", flush=True)

    rows = call_costs(args.rounds, args.batch)
    rows.append(memory_per_handshake(200 if args.quick else 2_000))
    rows.append(import_cost(args.runs))
    rows.append(plugin_import_cost(args.runs))
    rows.append(plugin_cost(args.runs))
    print("\n".join(table(rows)))
    failed = [r.case for r in rows if r.passed is False]
    print(f"\n{'all targets hold' if not failed else 'targets missed: ' + '; '.join(failed)}")
    if args.markdown:
        command = "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
        settings = f"rounds={args.rounds}, batch={args.batch}, runs={args.runs}"
        Path(args.markdown).write_text(markdown(rows, command, settings))
    return 1 if failed and not args.quick else 0  # a quick run's numbers prove nothing either way


if __name__ == "__main__":
    sys.exit(main())
