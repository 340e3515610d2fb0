"""Tags given when something is requested (an invitation, a created account): the rules they follow."""

from __future__ import annotations

from collections.abc import Sequence

from . import errors

#: Tags one request may carry: the per-account tag quota (behaviour.md, "Tags").
MAX_TAGS = 50


def check_tags(tags: Sequence[tuple[str, str]]) -> None:
    """Refuse tags the service refuses beyond the model's own rules (behaviour.md, "Tags")."""
    seen: set[str] = set()
    for key, _ in tags:
        if key in seen:
            raise errors.invalid_input("DUPLICATE_TAG_KEY", "You provided the same tag key more than once.")
        seen.add(key)
        if key.lower().startswith("aws:"):
            raise errors.invalid_input(
                "INVALID_SYSTEM_TAGS_PARAMETER", "Tag keys that begin with 'aws:' are reserved for system use."
            )
    if len(tags) > MAX_TAGS:
        raise errors.constraint("MAX_TAG_LIMIT_EXCEEDED", f"You can attach at most {MAX_TAGS} tags to an account.")
