"""Helpers shared by the test modules: a small organization builder and an error matcher."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

import orgsim
from orgsim.service.botocore_model import member_names

#: Options for pytester runs in a subprocess: the same socket block as the outer suite, fixed order.
INNER_ARGS = ("-p", "no:randomly", "-p", "no:cacheprovider", "--disable-socket", "--allow-unix-socket")

#: The members an Account has in the installed botocore model (older ones lack State and Paths).
ACCOUNT_MEMBERS = member_names("organizations", "Account")

# Reason values are only set on these shapes (behaviour.md, "Errors").
_SHAPES_WITH_REASON = {
    "InvalidInputException",
    "ConstraintViolationException",
    "HandshakeConstraintViolationException",
    "AccessDeniedForDependencyException",
}


@contextlib.contextmanager
def aws_error(client: Any, code: str, reason: str | None = None) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expect the modeled error ``code``: raised as ``client.exceptions.<code>``, with ``Message``
    (and ``Reason`` where the shape has one) at the top level of ``e.response``."""
    modeled = getattr(client.exceptions, code)
    with pytest.raises(modeled) as info:
        yield info
    response = info.value.response
    assert response["Error"]["Code"] == code
    assert response["Error"]["Message"]
    assert response["Message"] == response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["RequestId"]
    if code in _SHAPES_WITH_REASON:
        assert response.get("Reason") == reason, response
    else:
        assert reason is None, f"{code} has no Reason member"
        assert "Reason" not in response


@dataclass
class World:
    """An organization managed by the simulation's default account, and helpers around it."""

    sim: orgsim.Simulation
    mgmt_id: str
    mgmt: Any
    org: dict[str, Any]
    _clients: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, sim: orgsim.Simulation, feature_set: str | None = None) -> World:
        mgmt_id = sim.default_account_id
        mgmt = sim.session(mgmt_id).client("organizations")
        kwargs = {} if feature_set is None else {"FeatureSet": feature_set}
        org = mgmt.create_organization(**kwargs)["Organization"]
        world = cls(sim, mgmt_id, mgmt, org)
        world._clients[mgmt_id] = mgmt
        return world

    def client(self, account_id: str) -> Any:
        found = self._clients.get(account_id)
        if found is None:
            found = self._clients[account_id] = self.sim.session(account_id).client("organizations")
        return found

    def new_account(self, **kwargs: Any) -> str:
        return self.sim.seed_account(**kwargs).id

    def invite(self, account_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
        if account_id is None:
            account_id = self.new_account()
        target = {"Id": account_id, "Type": "ACCOUNT"}
        response = self.mgmt.invite_account_to_organization(Target=target, **kwargs)
        return response["Handshake"]  # type: ignore[no-any-return]

    def join(self, account_id: str | None = None) -> str:
        """A new member, invited and accepted."""
        handshake = self.invite(account_id)
        member = handshake["Parties"][1]["Id"]
        self.client(member).accept_handshake(HandshakeId=handshake["Id"])
        return member  # type: ignore[no-any-return]


def recipient(handshake: dict[str, Any]) -> str:
    return next(p["Id"] for p in handshake["Parties"] if p["Type"] != "ORGANIZATION")  # type: ignore[no-any-return]


def check_paths(account: dict[str, Any], org_id: str) -> None:
    """The account's Paths, where the installed model has that member: one path, root to account."""
    if "Paths" not in ACCOUNT_MEMBERS:
        assert "Paths" not in account
        return
    [path] = account["Paths"]
    assert re.fullmatch(rf"{org_id}/r-[0-9a-z]{{4,32}}/{account['Id']}/", path), path
