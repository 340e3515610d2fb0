"""Rendering: records into response structures, and outputs into structures of the caller's own."""

from __future__ import annotations

import datetime as dt

from orgsim.domain.model import Handshake, Party, Resource
from orgsim.service import render

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


def invitation(n: int = 0) -> Handshake:
    return Handshake(
        seq=n,
        id=f"h-{n:032d}",
        arn=f"arn:aws:organizations::111111111111:handshake/o-abcdefghij/invite/h-{n:032d}",
        action="INVITE",
        org_id="o-abcdefghij",
        parties=(Party("o-abcdefghij", "ORGANIZATION"), Party("222222222222", "ACCOUNT")),
        resources=(
            Resource("ORGANIZATION", "o-abcdefghij", (Resource("MASTER_EMAIL", "m@example.com"),)),
            Resource("ACCOUNT", "222222222222"),
        ),
        requested_at=NOW,
        expires_at=NOW + dt.timedelta(days=15),
    )


def test_a_handshake_renders_as_the_model_shapes_it_in_the_examples_order() -> None:
    h = invitation()
    shown = render.handshake(h, "OPEN")
    assert shown == {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": [{"Id": "o-abcdefghij", "Type": "ORGANIZATION"}, {"Id": "222222222222", "Type": "ACCOUNT"}],
        "State": "OPEN",
        "RequestedTimestamp": NOW,
        "ExpirationTimestamp": NOW + dt.timedelta(days=15),
        "Action": "INVITE",
        "Resources": [
            {"Value": "o-abcdefghij", "Type": "ORGANIZATION", "Resources": [{"Value": "m@example.com", "Type": "MASTER_EMAIL"}]},
            {"Value": "222222222222", "Type": "ACCOUNT"},
        ],
    }
    # Keys in the order of the service's own examples: a response printed or dumped reads the same.
    assert list(shown) == ["Id", "Arn", "Parties", "State", "RequestedTimestamp", "ExpirationTimestamp", "Action", "Resources"]


def test_an_output_renders_its_handshakes_in_the_state_it_showed() -> None:
    first, second = invitation(1), invitation(2)
    output = {"Handshakes": [(first, "OPEN"), (second, "EXPIRED")]}
    rendered = render.render(output)
    assert [h["State"] for h in rendered["Handshakes"]] == ["OPEN", "EXPIRED"]
    assert rendered["Handshakes"][1] == render.handshake(second, "EXPIRED")


def test_each_rendering_is_new_so_changing_one_changes_nothing_else() -> None:
    output = {"Handshake": (invitation(), "OPEN"), "Accounts": [{"Id": "1", "Paths": ["a/"]}]}
    one, again = render.render(output), render.render(output)
    assert one == again
    one["Handshake"]["Parties"].clear()
    one["Accounts"][0]["Paths"].append("b/")
    assert again["Handshake"]["Parties"] and again["Accounts"][0]["Paths"] == ["a/"]
    assert output["Accounts"] == [{"Id": "1", "Paths": ["a/"]}]


def test_a_simulated_response_shows_the_headers_a_plain_one_would() -> None:
    # SimulatedResponse makes its case-insensitive headers on first read (a kept optimisation, worth
    # several per cent of a call); what it shows must be what botocore's own AWSResponse shows.
    from botocore.awsrequest import AWSResponse

    from orgsim.adapters.botocore.response import SimulatedResponse

    headers = {"x-amzn-RequestId": "r-1", "content-type": "application/x-amz-json-1.1"}
    ours, plain = SimulatedResponse(400, dict(headers)), AWSResponse(None, 400, dict(headers), None)
    assert (ours.status_code, ours.url, ours.raw) == (plain.status_code, plain.url, plain.raw)
    assert dict(ours.headers) == dict(plain.headers)
    assert ours.headers["X-AMZN-REQUESTID"] == plain.headers["x-amzn-requestid"] == "r-1"
    assert ours.headers is ours.headers  # made once
    ours.headers = plain.headers
    assert ours.headers is plain.headers
