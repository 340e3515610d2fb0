from __future__ import annotations

import orgsim


def test_invite_and_accept_end_to_end(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    org = mgmt.create_organization()["Organization"]
    member_id = orgsim.seed_account(name="Member").id
    handshake = mgmt.invite_account_to_organization(Target={"Id": member_id, "Type": "ACCOUNT"})["Handshake"]
    assert handshake["State"] == "OPEN"

    member = orgsim.session(member_id).client("organizations")
    accepted = member.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]

    assert accepted["State"] == "ACCEPTED"
    assert member.describe_organization()["Organization"]["Id"] == org["Id"]
    assert {a["Id"] for a in mgmt.list_accounts()["Accounts"]} == {orgsim.default_account_id, member_id}
