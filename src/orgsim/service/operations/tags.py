"""TagResource, UntagResource and ListTagsForResource."""

from __future__ import annotations

from ...domain import tags
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest


def tag_resource(call: Call, params: Params) -> Output:
    tags.tag_resource(call.world, call.caller, params["ResourceId"], inputs.tags(params), call.now)
    return {}


def untag_resource(call: Call, params: Params) -> Output:
    tags.untag_resource(call.world, call.caller, params["ResourceId"], params["TagKeys"], call.now)
    return {}


def list_tags_for_resource(call: Call, params: Params) -> Output:
    resource_id = params["ResourceId"]
    # Every tag fits on one page (at most 50), so no token is ever sent, and any token is refused.
    PageRequest.read(call.tokens, params, f"ListTagsForResource:{call.identity.account_id}:{resource_id}")
    return {"Tags": render.tags(tags.list_tags(call.world, call.caller, resource_id, call.now))}
