"""The STS operations that establish who is calling: GetCallerIdentity and AssumeRole
(behaviour.md, "Identity (STS)")."""

from __future__ import annotations

import datetime as dt
import re

from ...domain.errors import Rejected
from ..context import Call, Output, Params

# arn:<partition>:iam::<account>:role/<optional path/>name
_ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:[\x21-\x7e]*/)?([a-zA-Z0-9_+=,.@-]{1,64})")


def _validation_error(message: str) -> Rejected:
    # STS answers malformed input with the unmodeled ValidationError code.
    return Rejected("ValidationError", message)


def get_caller_identity(call: Call, params: Params) -> Output:
    identity = call.identity
    return {"UserId": identity.user_id, "Account": identity.account_id, "Arn": identity.arn}


def assume_role(call: Call, params: Params) -> Output:
    role_arn = params["RoleArn"]
    match = _ROLE_ARN.fullmatch(role_arn)
    if match is None:
        raise _validation_error(f"{role_arn} is invalid")
    partition, account_id, role_name = match.groups()
    session_name = params["RoleSessionName"]
    duration = params.get("DurationSeconds") or 3600
    expiration = (call.now + dt.timedelta(seconds=duration)).replace(microsecond=0)
    creds = call.identities.issue_role(partition, account_id, role_name, session_name)
    return {
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
            "Expiration": expiration,
        },
        "AssumedRoleUser": {"AssumedRoleId": creds.identity.user_id, "Arn": creds.identity.arn},
    }
