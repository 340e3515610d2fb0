"""The STS operations that establish who is calling: GetCallerIdentity, AssumeRole and
AssumeRoleWithWebIdentity (behaviour.md, "Identity (STS)" and "Web identities")."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from typing import Any

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
    return _session(call, params)


def assume_role_with_web_identity(call: Call, params: Params) -> Output:
    """Like AssumeRole, for whoever presents a token: the token is not verified, only read."""
    output = _session(call, params)
    claims = _claims(params["WebIdentityToken"])
    subject = claims.get("sub")
    output["SubjectFromWebIdentityToken"] = subject if 6 <= len(subject or "") <= 255 else _SUBJECT
    output["Provider"] = claims.get("iss") or params.get("ProviderId") or _PROVIDER
    output["Audience"] = claims.get("aud") or _AUDIENCE
    return output


#: What a response says when the token does not tell (it is not a JSON web token, or lacks the claim).
_SUBJECT = "orgsim-web-identity"
_PROVIDER = "orgsim.invalid"
_AUDIENCE = "sts.amazonaws.com"


def _claims(token: str) -> dict[str, str]:
    """The ``sub``, ``iss`` and ``aud`` claims of a JSON web token, those that are texts (the first
    audience of a list); none when the token does not decode as one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        decoded: Any = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        return {}
    if not isinstance(decoded, dict):
        return {}
    audience = decoded.get("aud")
    if isinstance(audience, list) and audience:
        decoded["aud"] = audience[0]
    return {name: decoded[name] for name in ("sub", "iss", "aud") if isinstance(decoded.get(name), str)}


def _session(call: Call, params: Params) -> Output:
    """Credentials that act as the role ARN's account."""
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
