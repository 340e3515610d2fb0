"""The caller's access key id, as the request signer holds it."""

from __future__ import annotations

from typing import Any

from botocore.credentials import RefreshableCredentials


def access_key_id(request_signer: Any) -> str | None:
    """The caller's access key id. Keys already held are read without a refresh (which could reach a
    real provider, or fail under a frozen clock); an expired key still names the same principal
    (behaviour.md, "Identity (STS)")."""
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return None
    if isinstance(credentials, RefreshableCredentials):
        key = credentials._access_key
        if key is None:
            # Deferred credentials (botocore's assume-role provider builds these) hold no key until
            # first used. Signing would fetch it at this point of a real call, so fetch it here;
            # without it every such caller would pass for the default account.
            key = credentials.get_frozen_credentials().access_key
    else:
        key = getattr(credentials, "access_key", None)
    return key if isinstance(key, str) else None
