"""The quotas and delays of the simulated service: one place for their names, defaults and meaning
(behaviour.md, "Quotas").

``orgsim.Options`` takes its defaults from here and hands the values back by the same names; the
quotas no user would plausibly change are not options and keep their defaults here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple


class PolicyTypeLimits(NamedTuple):
    """The quotas of one policy type (behaviour.md, "Policies")."""

    #: Policies of the type attached directly to one root, OU or account, at most and at least.
    max_per_target: int
    min_per_target: int
    #: Characters of a policy's content.
    max_content: int
    #: Customer policies of the type per organization.
    max_policies: int


_MANAGEMENT_TYPE: Final = PolicyTypeLimits(10, 0, 10_000, 1_000)
#: By policy type. A type not listed (one newer than this table) has ``DEFAULT_POLICY_TYPE_LIMITS``.
POLICY_TYPE_LIMITS: Final[Mapping[str, PolicyTypeLimits]] = {
    "SERVICE_CONTROL_POLICY": PolicyTypeLimits(10, 1, 10_240, 10_000),
    "RESOURCE_CONTROL_POLICY": PolicyTypeLimits(5, 1, 5_120, 2_000),
    "TAG_POLICY": _MANAGEMENT_TYPE,
    "BACKUP_POLICY": _MANAGEMENT_TYPE,
    "DECLARATIVE_POLICY_EC2": _MANAGEMENT_TYPE,
    "SECURITYHUB_POLICY": _MANAGEMENT_TYPE,
    "CHATBOT_POLICY": PolicyTypeLimits(5, 0, 10_000, 1_000),
    "AISERVICES_OPT_OUT_POLICY": PolicyTypeLimits(5, 0, 2_500, 1_000),
}
DEFAULT_POLICY_TYPE_LIMITS: Final = _MANAGEMENT_TYPE
#: Service control policies before AWS doubled their quotas on 15 May 2026 (``legacy_scp_limits``).
LEGACY_SCP_LIMITS: Final = PolicyTypeLimits(5, 1, 5_120, 10_000)
#: Delegated administrators per service: one, except where a service allows more.
DELEGATED_ADMINISTRATORS_PER_SERVICE: Final = 1
DELEGATED_ADMINISTRATORS_FOR: Final[Mapping[str, int]] = {"member.org.stacksets.cloudformation.amazonaws.com": 5}
#: Characters of the resource-based delegation policy (the model's own maximum).
MAX_RESOURCE_POLICY_CONTENT: Final = 40_000


@dataclass(frozen=True)
class Limits:
    #: Accounts per organization, the management account included; open invitations count.
    max_accounts: int = 10
    #: Invitations per organization in a rolling 24 hours; accepted ones do not count.
    max_invitations_per_day: int = 20
    #: Let InviteAccountToOrganization through while enable-all-features is pending (refused by default).
    allow_invites_during_enable_all_features: bool = False
    #: Seconds (on the clock) a CreateAccount request stays IN_PROGRESS before it succeeds or fails.
    create_account_delay_seconds: float = 5.0
    #: Days a created account must stay in its organization before it can leave or be removed.
    created_account_wait_days: float = 7.0
    #: Seconds (on the clock) a closed account stays PENDING_CLOSURE before it is CLOSED.
    close_account_delay_seconds: float = 5.0
    #: Days a closed account stays in its organization before it is gone for good.
    closed_account_retention_days: float = 90.0
    #: OUs per organization, and how deep they nest (an OU right under the root is at depth 1).
    max_organizational_units: int = 1000
    max_organizational_unit_depth: int = 5
    #: Closures an organization may have in progress (PENDING_CLOSURE) at once.
    max_closures_in_progress: int = 3
    #: Closures accepted in a rolling 30 days: ``closure_share`` of the members, at least
    #: ``min_closures_per_month`` and at most ``max_closures_per_month``.
    closure_share: float = 0.2
    min_closures_per_month: int = 250
    max_closures_per_month: int = 1000
    #: Billing transfers an organization's management account may have sent and not lost: open
    #: invitations and accepted transfers count (AWS's own default is 0, raised on request up to 1,000).
    max_inbound_transfers: int = 1000
    #: The longest chain of accepted billing transfers (A pays for B, which pays for C: 2). AWS allows 1
    #: by default and up to 2 on request.
    max_transfer_chain_length: int = 1
    #: Service control policies with the quotas they had before 15 May 2026: 5 per target, 5,120
    #: characters (instead of 10 and 10,240).
    legacy_scp_limits: bool = False
    #: Service principals trusted access and delegated administrators accept besides the known ones.
    extra_service_principals: tuple[str, ...] = ()

    def policy_type(self, policy_type: str) -> PolicyTypeLimits:
        """The quotas of ``policy_type``."""
        if self.legacy_scp_limits and policy_type == "SERVICE_CONTROL_POLICY":
            return LEGACY_SCP_LIMITS
        return POLICY_TYPE_LIMITS.get(policy_type, DEFAULT_POLICY_TYPE_LIMITS)

    def delegated_administrators(self, service_principal: str) -> int:
        """How many accounts may be delegated administrators for ``service_principal`` at once."""
        return DELEGATED_ADMINISTRATORS_FOR.get(service_principal, DELEGATED_ADMINISTRATORS_PER_SERVICE)

    @property
    def create_account_delay(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.create_account_delay_seconds)

    @property
    def created_account_wait(self) -> dt.timedelta:
        return dt.timedelta(days=self.created_account_wait_days)

    @property
    def close_account_delay(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.close_account_delay_seconds)

    @property
    def closed_account_retention(self) -> dt.timedelta:
        return dt.timedelta(days=self.closed_account_retention_days)
