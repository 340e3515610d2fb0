"""aiobotocore's (and aioboto3's) clients, answered in-process exactly like botocore's: operations,
errors, paginators (``async for``), the call log, faults, identity and the clock; and the same
fail-closed layers over aiobotocore's own overrides (``AioBaseClient._make_api_call``,
``AioEndpoint._send``, its credential chain).

Skipped where aiobotocore is not installed; CI runs this module against aioboto3's aiobotocore and
against the newest aiobotocore, each in a virtual environment of its own (aiobotocore pins botocore).
No async test plugin is needed: each test runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

aiobotocore_session = pytest.importorskip("aiobotocore.session")

from support.laptop import PROCESS_KEY, ROLE_ACCOUNT, Laptop, laptop_home  # noqa: E402

import orgsim  # noqa: E402
from orgsim import RealAWSRequestBlocked, UnsimulatedOperation  # noqa: E402

T = TypeVar("T")
SRC = Path(orgsim.__file__).resolve().parent.parent
REGION = "us-east-1"
DEFAULT = "123456789012"
MEMBER = "210987654321"
T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def run(coroutine: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(coroutine())  # type: ignore[arg-type]


def keys(sim: orgsim.Simulation, account_id: str) -> dict[str, str]:
    """Client arguments for keys the simulation issues to ``account_id``."""
    credentials = sim.session(account_id).get_credentials()
    assert credentials is not None
    return {"aws_access_key_id": credentials.access_key, "aws_secret_access_key": credentials.secret_key}


@asynccontextmanager
async def client(service: str, session: Any = None, **kwargs: Any) -> AsyncIterator[Any]:
    session = session or aiobotocore_session.get_session()
    async with session.create_client(service, region_name=REGION, **kwargs) as made:
        yield made


# -- answered like botocore's ----------------------------------------------------------------------


def test_the_invitation_story_through_async_clients(network_attempts: list[str]) -> None:
    async def story() -> None:
        with orgsim.simulate() as sim:
            async with client("organizations", **keys(sim, DEFAULT)) as mgmt, client(
                "organizations", **keys(sim, MEMBER)
            ) as member:
                org = (await mgmt.create_organization())["Organization"]
                invite = (await mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"}))
                handshake_id = invite["Handshake"]["Id"]
                accepted = await member.accept_handshake(HandshakeId=handshake_id)
                assert accepted["Handshake"]["State"] == "ACCEPTED"
                assert (await member.describe_organization())["Organization"]["Id"] == org["Id"]
                accounts = {a["Id"] for a in (await mgmt.list_accounts())["Accounts"]}
                assert accounts == {DEFAULT, MEMBER}
                with pytest.raises(member.exceptions.HandshakeAlreadyInStateException):
                    await member.accept_handshake(HandshakeId=handshake_id)
                with pytest.raises(mgmt.exceptions.HandshakeConstraintViolationException) as refused:
                    await mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
                assert refused.value.response["Reason"] == "ALREADY_IN_AN_ORGANIZATION"
            assert sim.calls.operations == [
                "CreateOrganization",
                "InviteAccountToOrganization",
                "AcceptHandshake",
                "DescribeOrganization",
                "ListAccounts",
                "AcceptHandshake",
                "InviteAccountToOrganization",
            ]
            assert [c.account_id for c in sim.calls.filter("AcceptHandshake")] == [MEMBER, MEMBER]

    run(story)
    assert network_attempts == []


def test_async_paginators_page_through_the_simulation(orgsim: orgsim.Simulation) -> None:
    orgsim.seed_organization(invitations=5)

    async def pages() -> list[int]:
        async with client("organizations", **keys(orgsim, DEFAULT)) as mgmt:
            paginator = mgmt.get_paginator("list_handshakes_for_organization")
            return [len(page["Handshakes"]) async for page in paginator.paginate(PaginationConfig={"PageSize": 2})]

    assert run(pages) == [2, 2, 1]
    assert len(orgsim.calls) == 3 and orgsim.calls[1].params["NextToken"]


def test_faults_answer_async_calls(orgsim: orgsim.Simulation) -> None:
    orgsim.fail("DescribeOrganization", "TooManyRequestsException", times=1)

    async def calls() -> str:
        async with client("organizations") as ambient:
            await ambient.create_organization()
            with pytest.raises(ambient.exceptions.TooManyRequestsException):
                await ambient.describe_organization()
            return (await ambient.describe_organization())["Organization"]["MasterAccountId"]  # type: ignore[no-any-return]

    assert run(calls) == DEFAULT  # ambient (fake environment) credentials: the default account
    assert [c.injected for c in orgsim.calls] == [False, True, False]


def test_assumed_role_credentials_act_as_the_roles_account(orgsim: orgsim.Simulation) -> None:
    async def assume() -> tuple[str, str]:
        async with client("sts", **keys(orgsim, DEFAULT)) as sts:
            made = await sts.assume_role(RoleArn=f"arn:aws:iam::{MEMBER}:role/Admin", RoleSessionName="aio")
        credentials = made["Credentials"]
        async with client(
            "sts",
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        ) as assumed:
            identity = await assumed.get_caller_identity()
        return identity["Account"], identity["Arn"]

    assert run(assume) == (MEMBER, f"arn:aws:sts::{MEMBER}:assumed-role/Admin/aio")


def test_the_clock_moves_expiry_for_async_clients() -> None:
    clock = orgsim.ManualClock(T0)

    async def expire() -> list[str]:
        with orgsim.simulate(clock=clock) as sim:
            async with client("organizations", **keys(sim, DEFAULT)) as mgmt:
                await mgmt.create_organization()
                handshake = (await mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"}))
                states = [handshake["Handshake"]["State"]]
                clock.advance(days=15)
                described = await mgmt.describe_handshake(HandshakeId=handshake["Handshake"]["Id"])
                states.append(described["Handshake"]["State"])
                assert handshake["Handshake"]["RequestedTimestamp"] == T0
            return states

    assert run(expire) == ["OPEN", "EXPIRED"]


def test_an_unsimulated_operation_raises_and_names_itself(orgsim: orgsim.Simulation) -> None:
    async def roots() -> None:
        async with client("organizations") as ambient:
            await ambient.create_gov_cloud_account(Email="gov@example.com", AccountName="Gov")

    with pytest.raises(UnsimulatedOperation, match="CreateGovCloudAccount"):
        run(roots)


def test_concurrent_tasks_each_in_their_own_simulation() -> None:
    seen: dict[str, set[str]] = {}

    def story(name: str) -> Callable[[], Awaitable[int]]:
        sim = orgsim.simulate(seed=name)

        @sim
        async def body() -> int:
            async with client("organizations", **keys(sim, DEFAULT)) as mgmt:
                created = (await mgmt.create_organization())["Organization"]["Id"]
                seen[name] = {created}
                for _ in range(20):
                    seen[name].add((await mgmt.describe_organization())["Organization"]["Id"])
                    await asyncio.sleep(0)  # let the other task run between any two calls
            return len(sim.calls)

        return body

    async def both() -> list[int]:
        return list(await asyncio.gather(story("first")(), story("second")()))

    assert run(both) == [21, 21]
    assert len(seen["first"]) == len(seen["second"]) == 1 and seen["first"] != seen["second"]


# -- fail closed -----------------------------------------------------------------------------------


def test_a_session_made_before_the_first_simulation_in_the_process_is_answered(tmp_path: Path) -> None:
    """In a fresh interpreter, as a first simulation meets sessions and clients made earlier."""
    script = tmp_path / "early.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio
            import aiobotocore.httpsession
            import aiobotocore.session

            async def no_network(self, request):
                raise SystemExit(f"NETWORK {request.method} {request.url}")

            aiobotocore.httpsession.AIOHTTPSession.send = no_network
            keys = dict(aws_access_key_id="AKIAEXAMPLEKEY", aws_secret_access_key="s", region_name="us-east-1")
            before_import = aiobotocore.session.get_session()

            import orgsim
            before_start = aiobotocore.session.get_session()

            async def main():
                async with before_import.create_client("organizations", **keys) as early:
                    with orgsim.simulate():
                        org = (await early.create_organization())["Organization"]
                        assert org["MasterAccountId"] == "123456789012", org
                        async with before_start.create_client("sts", **keys) as sts:
                            assert (await sts.get_caller_identity())["Account"] == "123456789012"
                        try:
                            await early.create_gov_cloud_account(Email="gov@example.com", AccountName="Gov")
                        except orgsim.UnsimulatedOperation:
                            pass
                print("OK")

            asyncio.run(main())
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "OK"


def test_passthrough_with_nothing_behind_it_is_refused_like_a_sync_call(network_attempts: list[str]) -> None:
    async def roots() -> None:
        with orgsim.simulate(passthrough=True):
            async with client("organizations") as ambient:
                await ambient.create_organization()  # simulated operations are still answered
                await ambient.create_gov_cloud_account(Email="gov@example.com", AccountName="Gov")

    with pytest.raises(RealAWSRequestBlocked, match="organizations.CreateGovCloudAccount"):
        run(roots)
    assert network_attempts == []


def test_other_services_are_refused(orgsim: orgsim.Simulation, network_attempts: list[str]) -> None:
    async def buckets() -> None:
        async with client("s3") as s3:
            await s3.list_buckets()

    with pytest.raises(RealAWSRequestBlocked, match=r"s3\.ListBuckets"):
        run(buckets)
    assert network_attempts == []


def test_a_client_the_simulation_answered_never_reaches_aws_afterwards(network_attempts: list[str]) -> None:
    async def after() -> None:
        async with client("organizations", aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x") as early:
            with orgsim.simulate():
                await early.create_organization()
            await early.describe_organization()

    with pytest.raises(RealAWSRequestBlocked, match="stopped"):
        run(after)
    assert network_attempts == []


@pytest.fixture
def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Laptop:
    return laptop_home(tmp_path, monkeypatch, expires_in=dt.timedelta(hours=1))


@pytest.mark.parametrize("profile", ["role", "sso", "process"])
def test_deferred_profile_credentials_act_as_the_default_account(
    laptop: Laptop, network_attempts: list[str], profile: str
) -> None:
    """Was: ``'coroutine' object has no attribute 'access_key'`` from orgsim's identity lookup."""
    session = aiobotocore_session.AioSession(profile=profile)
    session.get_scoped_config()  # as reading its region does: the profile's config is read now

    async def identity() -> list[str]:
        accounts = []
        async with client("sts", session) as early:  # credentials resolved now: deferred ones
            with orgsim.simulate() as sim:
                accounts.append((await early.get_caller_identity())["Account"])
                async with client("sts", session) as inside:
                    accounts.append((await inside.get_caller_identity())["Account"])
                assert sim.calls.operations == ["GetCallerIdentity"] * 2  # no AssumeRole from the profile
        return accounts

    assert run(identity) == [DEFAULT, DEFAULT]
    assert laptop.process_runs == (1 if profile == "process" else 0)  # before the simulation only
    assert network_attempts == []


def test_credentials_resolved_before_the_simulation_are_not_refreshed(
    laptop: Laptop, network_attempts: list[str]
) -> None:
    from freezegun import freeze_time

    session = aiobotocore_session.AioSession(profile="process")

    async def identity() -> str:
        async with client("sts", session) as sts:  # the process runs now, before the simulation
            with orgsim.simulate(), freeze_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)):
                account: str = (await sts.get_caller_identity())["Account"]
                assert sts._request_signer._credentials._access_key == PROCESS_KEY
                return account

    assert run(identity) == DEFAULT
    assert laptop.process_runs == 1
    assert network_attempts == []


def test_deferred_credentials_the_test_builds_are_fetched_over_the_simulated_sts(
    orgsim: orgsim.Simulation,
) -> None:
    from aiobotocore.credentials import AioDeferredRefreshableCredentials

    async def identity() -> str:
        async with client("sts", **keys(orgsim, DEFAULT)) as sts:

            async def fetch() -> dict[str, str]:
                made = await sts.assume_role(RoleArn=f"arn:aws:iam::{ROLE_ACCOUNT}:role/r", RoleSessionName="aio")
                credentials = made["Credentials"]
                return {
                    "access_key": credentials["AccessKeyId"],
                    "secret_key": credentials["SecretAccessKey"],
                    "token": credentials["SessionToken"],
                    "expiry_time": credentials["Expiration"].isoformat(),
                }

            session = aiobotocore_session.get_session()
            session._credentials = AioDeferredRefreshableCredentials(refresh_using=fetch, method="test")
            async with client("sts", session) as assumed:
                return (await assumed.get_caller_identity())["Account"]  # type: ignore[no-any-return]

    assert run(identity) == ROLE_ACCOUNT


def test_answers_are_awaitable_responses(orgsim: orgsim.Simulation) -> None:
    from aiobotocore.awsrequest import AioAWSResponse

    seen: list[Any] = []

    async def capture(http_response: Any, **kwargs: Any) -> None:
        seen.append((type(http_response), await http_response.content))

    async def call() -> None:
        async with client("organizations") as ambient:
            ambient.meta.events.register("after-call.organizations.CreateOrganization", capture)
            await ambient.create_organization()

    run(call)
    [(response_class, content)] = seen
    assert issubclass(response_class, AioAWSResponse)
    assert content == b""


# -- aioboto3 --------------------------------------------------------------------------------------


def test_aioboto3_sessions_made_before_and_inside_are_answered(network_attempts: list[str]) -> None:
    aioboto3 = pytest.importorskip("aioboto3")
    early = aioboto3.Session(region_name=REGION)

    async def story() -> tuple[str, str]:
        with orgsim.simulate() as sim:
            async with early.client("organizations") as mgmt:
                await mgmt.create_organization()
            member_keys = keys(sim, MEMBER)
            inside = aioboto3.Session(region_name=REGION, **member_keys)
            async with inside.client("sts") as sts:
                member = (await sts.get_caller_identity())["Account"]
            return sim.organization().management_account_id, member

    assert run(story) == (DEFAULT, MEMBER)
    assert network_attempts == []
