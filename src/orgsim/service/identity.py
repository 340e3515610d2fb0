"""Who is calling: credentials the simulation issued map to an account, everything else to the default
(behaviour.md, "Identity (STS)")."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.ids import IdGenerator


@dataclass(frozen=True)
class Identity:
    """A principal, as GetCallerIdentity describes it."""

    account_id: str
    arn: str
    user_id: str


@dataclass(frozen=True)
class IssuedCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    identity: Identity


def root_identity(account_id: str, partition: str = "aws") -> Identity:
    return Identity(account_id, f"arn:{partition}:iam::{account_id}:root", account_id)


class Identities:
    """The credentials one simulation has issued."""

    def __init__(self, ids: IdGenerator, default_account_id: str) -> None:
        self._ids = ids
        self._issued: dict[str, IssuedCredentials] = {}
        self._roots: dict[str, IssuedCredentials] = {}
        self.default = root_identity(default_account_id)

    def issue_root(self, account_id: str) -> IssuedCredentials:
        """Long-term keys of the account's root user (what ``Simulation.session`` and
        ``Simulation.credentials`` hand out): one pair per account, the same at every ask."""
        creds = self._roots.get(account_id)
        if creds is None:
            creds = IssuedCredentials(
                self._ids.access_key_id("AKIA"), self._ids.secret(), None, root_identity(account_id)
            )
            self._issued[creds.access_key_id] = creds
            self._roots[account_id] = creds
        return creds

    def issue_role(
        self,
        partition: str,
        account_id: str,
        role_name: str,
        session_name: str,
    ) -> IssuedCredentials:
        role_id = "AROA" + self._ids.access_key_id("")[:17]
        identity = Identity(
            account_id,
            f"arn:{partition}:sts::{account_id}:assumed-role/{role_name}/{session_name}",
            f"{role_id}:{session_name}",
        )
        creds = IssuedCredentials(
            self._ids.access_key_id("ASIA"), self._ids.secret(), "FwoGZXIvYXdzE" + self._ids.secret(200), identity
        )
        self._issued[creds.access_key_id] = creds
        return creds

    def issued(self, access_key_id: str) -> IssuedCredentials | None:
        """The credentials this simulation issued under ``access_key_id`` (secret and session token
        included, for a transport that verifies signatures), or None when it issued no such key."""
        return self._issued.get(access_key_id)

    def resolve(self, access_key_id: str | None) -> Identity:
        if access_key_id is not None:
            creds = self._issued.get(access_key_id)
            if creds is not None:
                return creds.identity
        return self.default
