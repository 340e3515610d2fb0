"""How the botocore adapter decodes a JSON request: exactly as ``json.loads`` would, with one copy of
each member name however many requests the call log keeps."""

from __future__ import annotations

import json

import pytest

import orgsim
from orgsim.adapters.botocore import wire
from orgsim.service.botocore_model import service_model

BODIES = [
    '{"Target": {"Id": "123456789012", "Type": "ACCOUNT"}, "Notes": "caf\\u00e9", "Tags": [{"Key": "k", "Value": ""}]}',
    '{"HandshakeId": "h-0123456789", "HandshakeId": "h-last"}',  # a repeated key: the last one counts
    '{"Filter": {}, "MaxResults": 20, "Flag": true, "Nothing": null, "Deep": [[{"A": [1.5]}]]}',
    "{}",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_json_request_decodes_as_json_loads_decodes_it(body: str) -> None:
    model = service_model("organizations").operation_model("DescribeHandshake")
    assert wire.api_params(model, {"body": body.encode()}) == json.loads(body)


def test_logged_requests_share_their_member_names() -> None:
    with orgsim.simulate() as sim:
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.create_organization()
        for account in ("111111111111", "222222222222"):
            mgmt.invite_account_to_organization(Target={"Id": account, "Type": "ACCOUNT"})
        first, second = (call.params for call in sim.calls.filter("InviteAccountToOrganization"))
    assert first == {"Target": {"Id": "111111111111", "Type": "ACCOUNT"}}
    (key_1,), (key_2,) = first, second
    assert key_1 is key_2
    assert [k for k in first["Target"]] == ["Id", "Type"]
    assert all(a is b for a, b in zip(first["Target"], second["Target"]))
