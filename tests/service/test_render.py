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
    output = {"Handshakes": [render.ShownHandshake(first, "OPEN"), render.ShownHandshake(second, "EXPIRED")]}
    rendered = render.render(output)
    assert [h["State"] for h in rendered["Handshakes"]] == ["OPEN", "EXPIRED"]
    assert rendered["Handshakes"][1] == render.handshake(second, "EXPIRED")


def test_each_rendering_is_new_so_changing_one_changes_nothing_else() -> None:
    output = {"Handshake": render.ShownHandshake(invitation(), "OPEN"), "Accounts": [{"Id": "1", "Paths": ["a/"]}]}
    one, again = render.render(output), render.render(output)
    assert one == again
    one["Handshake"]["Parties"].clear()
    one["Accounts"][0]["Paths"].append("b/")
    assert again["Handshake"]["Parties"] and again["Accounts"][0]["Paths"] == ["a/"]
    assert output["Accounts"] == [{"Id": "1", "Paths": ["a/"]}]
