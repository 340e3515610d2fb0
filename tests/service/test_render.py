"""Rendering handshakes: the functions compiled per layout build what walking the records builds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orgsim.domain.model import Handshake, Party, Resource
from orgsim.service import render

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


def walked(h: Handshake, state: str) -> dict[str, Any]:
    """The response structure, built the plain way: one call per resource."""

    def resources(items: tuple[Resource, ...]) -> list[dict[str, Any]]:
        out = []
        for r in items:
            item: dict[str, Any] = {"Value": r.value, "Type": r.type}
            if r.children:
                item["Resources"] = resources(r.children)
            out.append(item)
        return out

    return {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": [{"Id": p.id, "Type": p.type} for p in h.parties],
        "State": state,
        "RequestedTimestamp": h.requested_at,
        "ExpirationTimestamp": h.expires_at,
        "Action": h.action,
        "Resources": resources(h.resources),
    }


def leaf(n: int) -> Resource:
    return Resource("NOTES", f"value {n}")


LAYOUTS = {
    "no parties, no resources": ((), ()),
    "one party": ((Party("111111111111", "ACCOUNT"),), (leaf(1),)),
    "an invitation": (
        (Party("o-abcdefghij", "ORGANIZATION"), Party("222222222222", "ACCOUNT")),
        (Resource("ORGANIZATION", "o-abcdefghij", (leaf(1), leaf(2), leaf(3))), Resource("ACCOUNT", "222222222222")),
    ),
    "three levels": (
        (Party("a@example.com", "EMAIL"), Party("b@example.com", "EMAIL"), Party("c@example.com", "EMAIL")),
        (Resource("ORGANIZATION", "o-1", (Resource("ACCOUNT", "1", (leaf(1), leaf(2))), leaf(3))), leaf(4)),
    ),
}


def handshake(parties: tuple[Party, ...], resources: tuple[Resource, ...], n: int = 0) -> Handshake:
    return Handshake(
        seq=n,
        id=f"h-{n:032d}",
        arn=f"arn:aws:organizations::111111111111:handshake/o-1/invite/h-{n:032d}",
        action="INVITE",
        org_id="o-1",
        parties=parties,
        resources=resources,
        requested_at=NOW,
        expires_at=NOW + dt.timedelta(days=15),
    )


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_renders_as_walking_the_records_would(name: str) -> None:
    parties, resources = LAYOUTS[name]
    h = handshake(parties, resources)
    shown = render.handshake_in_state(h, "OPEN")
    assert shown == walked(h, "OPEN")
    # Keys in the same order too: a response printed or dumped reads the same.
    assert list(shown) == list(walked(h, "OPEN"))


def test_one_layout_one_builder_each_answer_fresh() -> None:
    parties, resources = LAYOUTS["an invitation"]
    first = handshake(parties, resources, 1)
    other_resources = (Resource("ORGANIZATION", "o-2", (leaf(7), leaf(8), leaf(9))), Resource("ACCOUNT", "3"))
    second = handshake(parties, other_resources, 2)
    assert first.layout is second.layout
    assert render.handshake_in_state(second, "ACCEPTED") == walked(second, "ACCEPTED")
    one, again = render.handshake_in_state(first, "OPEN"), render.handshake_in_state(first, "OPEN")
    assert one == again
    assert one["Parties"] is not again["Parties"]
    assert one["Resources"][0]["Resources"] is not again["Resources"][0]["Resources"]
