"""While a simulation is active, clients built without explicit credentials get fake ones.

Real credentials are never read and the instance metadata service is never probed: the credential
chain finds static fake keys in the environment first, the shared config and credentials files point
at an empty file, and IMDS is switched off. Everything is put back on the last stop. (Sessions made
earlier keep the configuration they read; the transports keep their credential chains shut:
behaviour.md, "Identity (STS)".)
"""

from __future__ import annotations

import os
from typing import Final

#: The fake keys: they act as the default account, and nothing signed with them ever leaves the process.
FAKE_ACCESS_KEY_ID: Final = "ORGSIMFAKEACCESSKEY0"
FAKE_SECRET_ACCESS_KEY: Final = "orgsim-fake-secret-access-key-never-valid"

_SET: Final = {
    "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_REMOVE: Final = (
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)
_REGION: Final = "us-east-1"


class FakeEnvironment:
    """Applies and restores the fake credential environment."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] | None = None

    def apply(self) -> None:
        names = [*_SET, *_REMOVE, "AWS_DEFAULT_REGION"]
        self._saved = {name: os.environ.get(name) for name in names}
        os.environ.update(_SET)
        for name in _REMOVE:
            os.environ.pop(name, None)
        if not os.environ.get("AWS_DEFAULT_REGION") and not os.environ.get("AWS_REGION"):
            os.environ["AWS_DEFAULT_REGION"] = _REGION

    def restore(self) -> None:
        if self._saved is None:
            return
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved = None
