"""Invitations, answers to handshakes, describing and listing them, and EnableAllFeatures."""

from __future__ import annotations

import operator
from collections.abc import Sequence

from ...domain import all_features, handshakes, invitations, membership
from ...domain.errors import invalid_input
from ...domain.model import Handshake
from .. import inputs
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token
from ..render import shown


def invite_account(call: Call, params: Params) -> Output:
    handshake = invitations.invite(
        call.world, call.caller, inputs.party(params["Target"]), params.get("Notes"), inputs.tags(params), call.now
    )
    return {"Handshake": shown(handshake, call.now)}


def accept_handshake(call: Call, params: Params) -> Output:
    handshake = handshakes.respond(call.world, call.caller, params["HandshakeId"], "accept", call.now)
    return {"Handshake": shown(handshake, call.now)}


def decline_handshake(call: Call, params: Params) -> Output:
    handshake = handshakes.respond(call.world, call.caller, params["HandshakeId"], "decline", call.now)
    return {"Handshake": shown(handshake, call.now)}


def cancel_handshake(call: Call, params: Params) -> Output:
    handshake = handshakes.respond(call.world, call.caller, params["HandshakeId"], "cancel", call.now)
    return {"Handshake": shown(handshake, call.now)}


def describe_handshake(call: Call, params: Params) -> Output:
    handshake, state = handshakes.find_shown(call.world, call.caller, params["HandshakeId"], call.now)
    return {"Handshake": (handshake, state)}


def enable_all_features(call: Call, params: Params) -> Output:
    parent = all_features.enable_all_features(call.world, call.caller, call.now)
    return {"Handshake": shown(parent, call.now)}


def list_handshakes_for_account(call: Call, params: Params) -> Output:
    listing = _Listing(call, params)
    caller = call.caller
    world = call.world
    by_id = world.received_by_account.get(caller.id, [])
    by_email = world.received_by_email.get(caller.email.lower(), [])
    items = sorted(by_id + by_email, key=_order_key) if by_email else by_id
    return listing.page(call, items)


def list_handshakes_for_organization(call: Call, params: Params) -> Output:
    listing = _Listing(call, params)
    org = membership.administered_by(call.world, call.caller, call.operation)
    return listing.page(call, org.handshakes)


class _Listing:
    """A ListHandshakesFor* request with its input validated: the filter and the page (behaviour.md,
    "Lists"). Both checked before the caller's role, as input."""

    def __init__(self, call: Call, params: Params) -> None:
        selector = params.get("Filter") or {}
        self.action = selector.get("ActionType")
        self.parent = selector.get("ParentHandshakeId")
        if self.action is not None and self.parent is not None:
            raise invalid_input(
                "MAX_LIMIT_EXCEEDED_FILTER",
                "You can specify only one filter parameter (ActionType or ParentHandshakeId).",
            )
        scope = f"{call.operation}:{call.identity.account_id}:{self.action}:{self.parent}"
        self.request = PageRequest.read(call.tokens, params, scope)

    def page(self, call: Call, items: Sequence[Handshake]) -> Output:
        now, action, parent = call.now, self.action, self.parent

        def show(h: Handshake) -> str | None:
            if (action is not None and h.action != action) or (parent is not None and h.parent_id != parent):
                return None
            return h.shown_state(now)

        unfiltered = action is None and parent is None
        found, states, token = self.request.page(
            call.tokens, items, _order_key, operator.methodcaller("shown_state", now) if unfiltered else show
        )
        return with_token({"Handshakes": list(zip(found, states))}, token)


_order_key = operator.attrgetter("order_key")
