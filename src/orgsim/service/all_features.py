"""EnableAllFeatures. Answers to its handshakes go through Accept/Decline/CancelHandshake."""

from __future__ import annotations

from ..domain import all_features
from . import render
from .call import Call, Params
from .organizations import OPERATIONS, operation

__all__ = ["OPERATIONS"]


@operation("EnableAllFeatures")
def enable_all_features(call: Call, params: Params) -> render.OneHandshake:
    parent = all_features.enable_all_features(call.world, call.caller, call.now)
    return render.one_handshake(parent, call.now)
