"""A failing test that used a simulation gets an ``orgsim`` section in its report; others get none."""

from __future__ import annotations

import pytest

TEST_FILE = '''
import datetime as dt
import pytest
import orgsim

MEMBER = "222222222222"


def test_fails_after_an_invite(orgsim):
    seeded = orgsim.seed_organization(members=["333333333333"])
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    h = mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})["Handshake"]
    member = orgsim.session(MEMBER).client("organizations")
    member.decline_handshake(HandshakeId=h["Id"])
    with pytest.raises(mgmt.exceptions.InvalidHandshakeTransitionException):
        mgmt.cancel_handshake(HandshakeId=h["Id"])
    assert False, "boom"


def test_passes(orgsim):
    orgsim.session(orgsim.default_account_id).client("organizations").create_organization()


def test_fails_without_orgsim():
    assert False


@orgsim.simulate(default_account_id="555555555555")
def test_fails_inside_the_decorator():
    orgsim.current().session("555555555555").client("organizations").create_organization()
    assert False


def test_fails_after_time_moved_back():
    import freezegun
    with orgsim.simulate() as sim:
        sim.seed_organization(invitations=[MEMBER])
        with freezegun.freeze_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20)):
            mgmt = sim.session(sim.default_account_id).client("organizations")
            mgmt.list_handshakes_for_organization()
            assert False
'''


def test_failure_reports(pytester: pytest.Pytester) -> None:
    # One inner run (boto3 clients are slow to build) covers every case in TEST_FILE.
    pytester.makepyfile(test_report=TEST_FILE)
    recorder = pytester.inline_run("-p", "no:cacheprovider")
    found: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        name = report.nodeid.split("::")[-1]
        found.setdefault(name, {})[report.when] = [s for s in report.sections if s[0].startswith("orgsim")]

    _check_world_and_last_calls(found["test_fails_after_an_invite"]["call"])

    # Passing tests, and failing tests that never started a simulation, get nothing.
    assert all(not sections for sections in found["test_passes"].values())
    assert all(not sections for sections in found["test_fails_without_orgsim"].values())

    # Simulations started by the decorator (or a with block) are reported too.
    decorated = found["test_fails_inside_the_decorator"]["call"]
    assert len(decorated) == 1
    assert "management 555555555555" in decorated[0][1]
    assert "CreateOrganization" in decorated[0][1]

    # The failure happened 20 days after the invitation, inside freeze_time; the report's clock is
    # that moment (the last call), not the real time after freeze_time was left.
    (moved,) = found["test_fails_after_time_moved_back"]["call"]
    assert "EXPIRED" in moved[1]
    assert "(the last simulated call or inspection)" in moved[1]


def _check_world_and_last_calls(sections: list[tuple[str, str]]) -> None:
    assert [title for title, _ in sections] == ["orgsim"]
    text = sections[0][1]
    lines = text.splitlines()
    assert lines[0].startswith("Simulated world at ")
    assert "Organizations (1):" in lines
    # Members of the organization, the management account first.
    org_line = next(i for i, line in enumerate(lines) if "management 123456789012" in line)
    assert "123456789012" in lines[org_line + 1] and "management" in lines[org_line + 1]
    assert "333333333333" in lines[org_line + 2] and "member" in lines[org_line + 2]
    # Every handshake with action, parties, state, requested and expiry times.
    handshake_lines = [line for line in lines if line.strip().startswith("h-") and "INVITE" in line]
    assert len(handshake_lines) == 2
    declined = next(line for line in handshake_lines if "ACCOUNT 222222222222" in line)
    assert "DECLINED" in declined and "requested 20" in declined and "expires 20" in declined
    # The last calls with their outcome.
    assert "Last 3 of 3 calls:" in text
    assert any("DeclineHandshake" in line and "OPEN -> DECLINED" in line for line in lines)
    assert any("CancelHandshake" in line and "InvalidHandshakeTransitionException" in line for line in lines)


def test_section_appears_in_the_terminal_output(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_report=TEST_FILE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "after_an_invite")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*- orgsim -*", "Simulated world at *", "Handshakes (2):", "*OPEN -> DECLINED*"])


def test_a_broken_report_does_not_hide_the_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken='''
import orgsim

def test_it(orgsim, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("no picture")
    monkeypatch.setattr(type(orgsim), "report", lambda self, **kw: explode())
    assert False
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert False*", "*orgsim could not describe the simulated world*no picture*"])


def test_the_report_draws_each_organization_as_its_tree() -> None:
    import datetime as dt

    import orgsim

    clock = orgsim.ManualClock("2024-01-01T00:00:00Z")
    with orgsim.simulate(clock=clock, close_account_delay_seconds=60) as sim:
        seeded = sim.seed_organization(
            members=["222222222222"], organizational_units={"Workloads/Prod": ["333333333333"], "Sandbox": []}
        )
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.tag_resource(ResourceId="333333333333", Tags=[{"Key": "team", "Value": "a"}])
        mgmt.tag_resource(ResourceId=seeded.organization.root_id, Tags=[{"Key": "level", "Value": "top"}])
        mgmt.close_account(AccountId="222222222222")
        clock.advance(minutes=2)
        mgmt.list_accounts()
        text = sim.report()
    lines = text.splitlines()
    units = seeded.organizational_units
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {seeded.id}"))
    assert lines[start].endswith(f"root {seeded.organization.root_id}  tags level=top")
    tree = lines[start + 1 : start + 7]
    assert tree[0].startswith(f"    {sim.default_account_id}") and "management" in tree[0]
    assert tree[1].startswith("    222222222222") and tree[1].endswith("  CLOSED")
    assert tree[2] == f"    {units['Workloads'].id}  OU 'Workloads'"
    assert tree[3] == f"      {units['Workloads/Prod'].id}  OU 'Prod'"
    assert tree[4].startswith("        333333333333") and tree[4].endswith("tags team=a")
    assert tree[5] == f"    {units['Sandbox'].id}  OU 'Sandbox'"
    # What the clock did shows in place, between the calls.
    closed = next(line for line in lines if "(closed)" in line)
    assert "(the clock)" in closed and "222222222222" in closed and closed.endswith("PENDING_CLOSURE -> CLOSED")
    assert text.index("CloseAccount") < text.index("(closed)") < text.index("ListAccounts")
    assert dt.timedelta(minutes=1) == sim.account("222222222222").closed_timestamp - sim.account("222222222222").close_requested_timestamp  # type: ignore[operator]


def test_the_report_shows_what_governs_each_organization() -> None:
    import orgsim

    deny = {"Statement": {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}}
    with orgsim.simulate(clock=orgsim.ManualClock("2030-01-01")) as sim:
        seeded = sim.seed_organization(
            members=["222222222222", "444444444444"],
            organizational_units={"Workloads/Prod": ["333333333333"]},
            policies={"DenyLeaving": {"content": deny, "targets": ["Workloads", "222222222222"]}},
            delegated_administrators={"222222222222": "securityhub.amazonaws.com"},
        )
        report = sim.report()
    lines = report.splitlines()
    policy = seeded.policies["DenyLeaving"]
    workloads = seeded.organizational_units["Workloads"].id
    assert "    policy types SERVICE_CONTROL_POLICY ENABLED" in lines
    assert f"    policy {policy.id}  SERVICE_CONTROL_POLICY    'DenyLeaving'  attached to 2 targets" in lines
    assert "    trusted access securityhub.amazonaws.com" in lines
    assert "    delegated administrator 222222222222 for securityhub.amazonaws.com" in lines
    # A target shows its policies when they are more than the defaults; the others show none.
    assert any(line.startswith("    222222222222") and line.endswith("policies FullAWSAccess, DenyLeaving") for line in lines)
    assert any(line.startswith(f"    {workloads}  OU 'Workloads'  policies FullAWSAccess, DenyLeaving") for line in lines)
    assert any(line.startswith("    444444444444") and "policies" not in line for line in lines)
