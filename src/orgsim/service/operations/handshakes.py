"""Invitations, answers to handshakes, describing and listing them, and EnableAllFeatures."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

from ...domain import all_features, handshakes, invitations, membership
from ...domain.errors import invalid_input
from ...domain.model import Account, Handshake, from_list_position, in_list_order, list_position
from ...domain.sorted_list import SortedList
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
    caller, world = call.caller, call.world
    if listing.parent is not None:
        # A parent's children, of which the caller sees the ones addressed to it.
        return listing.page(call, [world.children.get(listing.parent, [])], addressed_to=caller)
    return listing.page(call, world.received_by(caller, listing.action))


def list_handshakes_for_organization(call: Call, params: Params) -> Output:
    listing = _Listing(call, params)
    world = call.world
    org = membership.administered_by(world, call.caller, call.operation)
    items: list[Handshake] | SortedList[Handshake]
    if listing.parent is not None:
        items = world.children.get(listing.parent, [])
        if items and items[0].org_id != org.id:  # children come from their parent's organization
            items = []
    elif listing.action is not None:
        items = world.sent_by_action.get((org.id, listing.action), [])
    else:
        items = org.handshakes
    return listing.page(call, [items])


class _Listing:
    """A ListHandshakesFor* request with its input validated: the filter and the page. Each filter
    has its own index, so the lists it pages through hold only what the filter selects (behaviour.md,
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

    def page(
        self,
        call: Call,
        lists: Sequence[list[Handshake] | SortedList[Handshake]],
        addressed_to: Account | None = None,
    ) -> Output:
        now = call.now
        show: Callable[[Handshake], str | None]
        if addressed_to is None:
            show = operator.methodcaller("shown_state", now)
        else:

            def show(h: Handshake) -> str | None:
                return h.shown_state(now) if h.is_addressed_to(addressed_to) else None

        request = self.request
        sources = [request.rest(items, in_list_order, from_list_position) for items in lists]
        # Each handshake with the state it shows: what an output holds (see ``render``).
        shown, token = request.page(call.tokens, sources, in_list_order, list_position, show)
        return with_token({"Handshakes": shown}, token)
