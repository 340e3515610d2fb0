"""A plain boto3 program, run in a child process by ``test_server.py`` against ``sim.serve()``: it
knows only an endpoint URL and two key pairs, and prints what it saw as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from botocore.exceptions import ClientError

given = json.loads(sys.argv[1])
url = given["endpoint_url"]


def client(service: str, key: str, secret: str, token: str | None = None) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )


def error_of(call: Any) -> list[Any]:
    try:
        call()
    except ClientError as error:
        return [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
    raise AssertionError("expected an error")


mgmt = client("organizations", *given["mgmt"])
member = client("organizations", *given["member"])
mgmt.create_organization()
invitation = mgmt.invite_account_to_organization(Target={"Id": "222222222222", "Type": "ACCOUNT"})["Handshake"]
for account in ("333333333333", "444444444444"):
    mgmt.invite_account_to_organization(Target={"Id": account, "Type": "ACCOUNT"})
pending = member.list_handshakes_for_account()["Handshakes"]
assert [h["Id"] for h in pending] == [invitation["Id"]], pending
member.accept_handshake(HandshakeId=invitation["Id"])
pages = mgmt.get_paginator("list_handshakes_for_organization").paginate(PaginationConfig={"PageSize": 1})
paginated = sum(len(page["Handshakes"]) for page in pages)

sts = client("sts", *given["mgmt"])
assumed = sts.assume_role(
    RoleArn="arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", RoleSessionName="child"
)["Credentials"]
temporary = (assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"])
as_member = client("organizations", *temporary)

print(
    json.dumps(
        {
            "accounts": sorted(a["Id"] for a in mgmt.list_accounts()["Accounts"]),
            "member_identity": client("sts", *given["member"]).get_caller_identity()["Account"],
            "assumed_identity": client("sts", *temporary).get_caller_identity()["Arn"],
            "assumed_handshakes": len(as_member.list_handshakes_for_account()["Handshakes"]),
            "paginated": paginated,
            "errors": {
                "wrong_secret": error_of(lambda: client("organizations", given["mgmt"][0], "wrong").list_accounts()),
                "wrong_secret_sts": error_of(lambda: client("sts", given["mgmt"][0], "wrong").get_caller_identity()),
                "no_token": error_of(lambda: client("organizations", *temporary[:2]).list_accounts()),
                "duplicate": error_of(
                    lambda: mgmt.invite_account_to_organization(Target={"Id": "333333333333", "Type": "ACCOUNT"})
                ),
                "unsimulated": error_of(lambda: mgmt.create_gov_cloud_account(Email="gov@example.com", AccountName="Gov")),
            },
            "orgsim_imported": "orgsim" in sys.modules,
        }
    )
)
