from __future__ import annotations

import orgsim
from support import World


def test_invite_accept_end_to_end(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    accounts = {a["Id"] for a in world.mgmt.list_accounts()["Accounts"]}
    assert accounts == {world.mgmt_id, member}
