"""EnableAllFeatures. Answers to its handshakes go through Accept/Decline/CancelHandshake."""

from __future__ import annotations

from typing import Any

from ..domain import all_features
from . import render
from .call import Call, Params
from .organizations import OPERATIONS, operation

__all__ = ["OPERATIONS"]


@operation("EnableAllFeatures")
def enable_all_features(call: Call, params: Params) -> dict[str, Any]:
    parent = all_features.enable_all_features(call.world, call.caller, call.now)
    return {"Handshake": render.handshake(parent, call.now)}
