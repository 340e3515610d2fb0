"""Tags: the rules they follow, given with a request (an invitation, a created account, an OU) or
through TagResource, UntagResource and ListTagsForResource (behaviour.md, "Tags" and "Tagging resources").

Which kinds of resource can be tagged, and where each keeps its tags, is composed in ``rules``
(``Rules.taggable``): a kind is the id's prefix (``r-``, ``ou-``, ``rt-``, ...), or ``account``.
"""

from __future__ import annotations

import datetime as dt

from collections.abc import Iterable, Sequence

from . import errors
from .ids import is_account_id
from .membership import administered_by, authorize
from .model import Account, Organization, Request
from .store import World

#: Tags one request may carry: the per-account tag quota (behaviour.md, "Tags").
MAX_TAGS = 50
#: The kind of an account id (twelve digits, no prefix).
ACCOUNT_KIND = "account"


def check_tags(tags: Sequence[tuple[str, str]]) -> None:
    """Refuse tags the service refuses beyond the model's own rules (behaviour.md, "Tags")."""
    check_new_tags(tags)
    if len(tags) > MAX_TAGS:
        raise _too_many()


def check_new_tags(tags: Sequence[tuple[str, str]]) -> None:
    """The same key twice, or a key reserved for AWS."""
    seen: set[str] = set()
    for key, _ in tags:
        if key in seen:
            raise errors.invalid_input("DUPLICATE_TAG_KEY", "You provided the same tag key more than once.")
        seen.add(key)
    check_keys(seen)


def check_keys(keys: Iterable[str]) -> None:
    """Keys that begin with ``aws:``, in any case, belong to AWS: they can be neither set nor removed."""
    for key in keys:
        if key[:4].lower() == "aws:":
            raise errors.invalid_input(
                "INVALID_SYSTEM_TAGS_PARAMETER", "Tag keys that begin with 'aws:' are reserved for system use."
            )


def _too_many() -> errors.Rejected:
    return errors.constraint("MAX_TAG_LIMIT_EXCEEDED", f"You can attach at most {MAX_TAGS} tags to a resource.")


def resource_kind(resource_id: str) -> str:
    """``account`` for an account id, else the id's prefix with its dash (``r-``, ``ou-``, ``p-``, ...)."""
    if is_account_id(resource_id):
        return ACCOUNT_KIND
    prefix, dash, _ = resource_id.partition("-")
    return prefix + dash


def _tags_of(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str]:
    """The tags of a resource of the caller's organization; ``TargetNotFoundException`` for any other
    id, and for kinds the simulation does not model."""
    find = world.rules.taggable.get(resource_kind(resource_id))
    found = None if find is None else find(world, org, resource_id, now)
    if found is None:
        raise errors.target_not_found()
    return found


def tag_resource(
    world: World, caller: Account, resource_id: str, tags: Sequence[tuple[str, str]], now: dt.datetime
) -> None:
    """TagResource: add the tags, replacing the values of keys the resource already has; all or nothing."""
    check_new_tags(tags)
    org = administered_by(world, caller, "TagResource")
    found = _tags_of(world, org, resource_id, now)
    authorize(world, org, caller, Request("TagResource", (resource_id,)))
    added = sum(1 for key, _ in tags if key not in found)
    if len(found) + added > MAX_TAGS:
        raise _too_many()
    found.update(tags)


def untag_resource(world: World, caller: Account, resource_id: str, keys: Sequence[str], now: dt.datetime) -> None:
    """UntagResource: remove the keys; keys the resource does not have are ignored."""
    check_keys(keys)
    org = administered_by(world, caller, "UntagResource")
    found = _tags_of(world, org, resource_id, now)
    authorize(world, org, caller, Request("UntagResource", (resource_id,)))
    for key in keys:
        found.pop(key, None)


def list_tags(world: World, caller: Account, resource_id: str, now: dt.datetime) -> list[tuple[str, str]]:
    """ListTagsForResource: the tags in the order they were first set."""
    org = administered_by(world, caller, "ListTagsForResource")
    return list(_tags_of(world, org, resource_id, now).items())
