"""Billing (responsibility) transfers: the invitation, describing and listing transfers, withdrawing
and renaming them. Answers to the invitation go through the handshake operations."""

from __future__ import annotations

import operator
from collections.abc import Sequence

from ...domain import transfers
from ...domain.model import ResponsibilityTransfer
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token
from ..render import shown


def invite_organization(call: Call, params: Params) -> Output:
    transfer = transfers.invite(
        call.world,
        call.caller,
        params["Type"],
        inputs.party(params["Target"]),
        inputs.timestamp(params["StartTimestamp"], "StartTimestamp"),
        params["SourceName"],
        params.get("Notes"),
        inputs.tags(params),
        call.now,
    )
    return {"Handshake": shown(transfer.handshake, call.now)}


def describe(call: Call, params: Params) -> Output:
    transfer, status, side = transfers.find(call.world, call.caller, params["Id"], call.now)
    return {"ResponsibilityTransfer": render.transfer(transfer, status, side, call.world)}


def list_inbound(call: Call, params: Params) -> Output:
    return _listing(call, params, "inbound", params.get("Id"))


def list_outbound(call: Call, params: Params) -> Output:
    return _listing(call, params, "outbound", None)


def _listing(call: Call, params: Params, side: transfers.Side, wanted: str | None) -> Output:
    kind = params["Type"]
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{kind}:{wanted}")
    world, now = call.world, call.now
    items: Sequence[ResponsibilityTransfer]
    if wanted is None:
        items = transfers.listed(world, call.caller, side)
    else:
        transfer, _, found_side = transfers.find(world, call.caller, wanted, now)
        if found_side != side:
            raise transfers.transfer_not_found()
        items = (transfer,)

    def show(t: ResponsibilityTransfer) -> str | None:
        return t.shown_status(now) if t.type == kind else None

    shown, token = request.page(call.tokens, [request.rest(items, _order_key)], _order_key, _order_key, show)
    listed = [render.transfer(t, status, side, world) for t, status in shown]
    return with_token({"ResponsibilityTransfers": listed}, token)


def terminate(call: Call, params: Params) -> Output:
    end = params.get("EndTimestamp")
    transfer = transfers.terminate(
        call.world,
        call.caller,
        params["Id"],
        None if end is None else inputs.timestamp(end, "EndTimestamp"),
        call.now,
    )
    return _one(call, transfer)


def update(call: Call, params: Params) -> Output:
    transfer = transfers.rename(call.world, call.caller, params["Id"], params["Name"], call.now)
    return _one(call, transfer)


def _one(call: Call, transfer: ResponsibilityTransfer) -> Output:
    _, status, side = transfers.find(call.world, call.caller, transfer.id, call.now)
    return {"ResponsibilityTransfer": render.transfer(transfer, status, side, call.world)}


_order_key = operator.attrgetter("order_key")
