"""The one exception the domain raises (a refusal the real service would send), and its common forms."""

from __future__ import annotations

from collections.abc import Mapping


class Rejected(Exception):
    """An operation was refused with a modeled AWS error.

    ``code`` is the error shape name (``HandshakeNotFoundException``); ``reason`` is the ``Reason``
    member for the error shapes that have one; ``members`` holds any other members of the error
    shape (``Type`` of ``TooManyRequestsException``).
    """

    def __init__(
        self, code: str, message: str, reason: str | None = None, members: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}" + (f" ({reason})" if reason else ""))
        self.code = code
        self.message = message
        self.reason = reason
        self.members = members


# Messages: the real ones where they are known, otherwise paraphrases of the model's descriptions
# (behaviour.md, "Input").
NOT_IN_USE = "Your account is not a member of an organization."
ACCESS_DENIED = "You don't have permissions to access this resource."
HANDSHAKE_NOT_FOUND = "We can't find a handshake with the HandshakeId that you specified."
ACCOUNT_NOT_FOUND = "You specified an account that doesn't exist."
PATTERN_MISMATCH = "You provided a value that does not match the required pattern."


def not_in_use() -> Rejected:
    return Rejected("AWSOrganizationsNotInUseException", NOT_IN_USE)


def access_denied() -> Rejected:
    return Rejected("AccessDeniedException", ACCESS_DENIED)


def handshake_not_found() -> Rejected:
    return Rejected("HandshakeNotFoundException", HANDSHAKE_NOT_FOUND)


def account_not_found() -> Rejected:
    return Rejected("AccountNotFoundException", ACCOUNT_NOT_FOUND)


def account_limit_exceeded() -> Rejected:
    """The organization has no room for another account (behaviour.md, "Quotas")."""
    return handshake_constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You have exceeded the allowed number of AWS accounts.")


def handshake_constraint(reason: str, message: str) -> Rejected:
    return Rejected("HandshakeConstraintViolationException", message, reason)


def constraint(reason: str, message: str) -> Rejected:
    return Rejected("ConstraintViolationException", message, reason)


def invalid_input(reason: str, message: str) -> Rejected:
    return Rejected("InvalidInputException", message, reason)


# -- the organization tree, tags and closing accounts ------------------------------------------------


def parent_not_found() -> Rejected:
    return Rejected("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")


def organizational_unit_not_found() -> Rejected:
    return Rejected(
        "OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified."
    )


def child_not_found() -> Rejected:
    return Rejected("ChildNotFoundException", "We can't find an OU or account with the ChildId that you specified.")


def target_not_found() -> Rejected:
    return Rejected(
        "TargetNotFoundException", "We can't find a root, OU, account, or policy with the ResourceId that you specified."
    )


def duplicate_organizational_unit() -> Rejected:
    return Rejected("DuplicateOrganizationalUnitException", "An OU with the same name already exists under this parent.")


# -- policies, trusted access and delegated administrators ------------------------------------------


def policy_not_found() -> Rejected:
    return Rejected("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")


def policy_target_not_found() -> Rejected:
    return Rejected("TargetNotFoundException", "We can't find a root, OU, or account with the TargetId that you specified.")


def root_not_found() -> Rejected:
    return Rejected("RootNotFoundException", "We can't find a root with the RootId that you specified.")


def not_in_all_features_mode() -> Rejected:
    return constraint(
        "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", "You can perform this operation only if the organization has enabled all features."
    )


def policy_type_not_available() -> Rejected:
    return Rejected(
        "PolicyTypeNotAvailableForOrganizationException",
        "You can use policies only after you enable all features in the organization.",
    )


def unrecognized_service_principal() -> Rejected:
    return invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal.")


def invalid_policy_type() -> Rejected:
    return invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type.")
