"""The shape contract (support/shape_contract.py) must fail a test whose simulated responses break botocore's model.

The cases run as one small suite in a subprocess, with this suite's conftest and handlers that break
the contract on purpose.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import INNER_ARGS
from support.shape_contract import shape_problems

from orgsim.service.botocore_model import service_model

TESTS = Path(__file__).resolve().parents[1]
CONFTEST = (TESTS / "conftest.py").read_text()

_INNER = '''
import pytest
from botocore.exceptions import ClientError
import orgsim.adapters.botocore.answer as adapter
from orgsim.domain.errors import Rejected
from orgsim.service.routes import route


def answer_with(monkeypatch, operation, answer):
    def handler(call, params):
        if isinstance(answer, Exception):
            raise answer
        return answer

    def patched(service, name):
        found = route(service, name)
        return found._replace(handler=handler) if name == operation else found

    monkeypatch.setattr(adapter, "route", patched)


def describe_org(sim):
    return sim.session(sim.default_account_id).client("organizations").describe_organization()


def describe_handshake(sim):
    client = sim.session(sim.default_account_id).client("organizations")
    return client.describe_handshake(HandshakeId="h-0123456789")


def test_good(orgsim):
    client = orgsim.session(orgsim.default_account_id).client("organizations")
    client.create_organization()
    assert client.describe_organization()["Organization"]["FeatureSet"] == "ALL"


@pytest.mark.parametrize("answer", [
    {"Organization": {"Id": 5}},
    {"Organization": {"FeatureSet": "HALF"}},
    {"Organization": {"Id": "org-1"}},
    {"Organisation": {}},
    {"Organization": {"Id": "o-" + "a" * 40}},
], ids=["wrong_type", "not_in_enum", "breaks_pattern", "unknown_member", "too_long"])
def test_bad_output(orgsim, monkeypatch, answer):
    answer_with(monkeypatch, "DescribeOrganization", answer)
    describe_org(orgsim)


def test_swallowed(orgsim, monkeypatch):
    answer_with(monkeypatch, "DescribeOrganization", {"Organization": {"Id": 5}})
    try:
        describe_org(orgsim)
    except Exception:
        pass


@pytest.mark.parametrize("error", [
    Rejected("InvalidInputException", "bad"),
    Rejected("InvalidInputException", "bad", "NOT_A_REASON"),
    Rejected("DuplicateHandshakeException", "bad"),
    Rejected("ServiceException", ""),
], ids=["reason_missing", "reason_not_in_enum", "undeclared", "empty_message"])
def test_bad_error(orgsim, monkeypatch, error):
    answer_with(monkeypatch, "DescribeHandshake", error)
    with pytest.raises(ClientError):
        describe_handshake(orgsim)


def test_good_error(orgsim, monkeypatch):
    answer_with(monkeypatch, "DescribeHandshake", Rejected("InvalidInputException", "bad", "INVALID_PATTERN"))
    with pytest.raises(ClientError):
        describe_handshake(orgsim)
'''


@dataclass
class InnerRun:
    ret: int
    stdout: pytest.LineMatcher
    text: str

    def section(self, title: str) -> str:
        """The report of one failing test: from its ``___ title ___`` header to the next header."""
        match = re.search(rf"^_{{3,}} {re.escape(title)} _{{3,}}$(.*?)(?=^_{{3,}} \S.* _{{3,}}$|^={{3,}} )", self.text, re.M | re.S)
        assert match is not None, f"no report for {title}"
        return match.group(1)


@pytest.fixture(scope="module")
def inner(tmp_path_factory: pytest.TempPathFactory) -> InnerRun:
    # One subprocess run serves every check in this module (pytester is function-scoped).
    where = tmp_path_factory.mktemp("shape_contract")
    (where / "conftest.py").write_text(CONFTEST)
    (where / "test_inner.py").write_text(_INNER)
    shutil.copytree(TESTS / "support", where / "support")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *INNER_ARGS, "-rA", "-p", "no:xdist", "--rootdir", str(where), str(where)],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "400"},
    )
    return InnerRun(done.returncode, pytest.LineMatcher(done.stdout.splitlines()), done.stdout)


def test_well_formed_answers_pass(inner: InnerRun) -> None:
    inner.stdout.fnmatch_lines(["PASSED test_inner.py::test_good", "PASSED test_inner.py::test_good_error"])


@pytest.mark.parametrize("case", ["wrong_type", "not_in_enum", "breaks_pattern", "unknown_member", "too_long"])
def test_a_bad_output_fails_the_test(inner: InnerRun, case: str) -> None:
    inner.stdout.fnmatch_lines([f"FAILED test_inner.py::test_bad_output[[]{case}[]] - *ShapeViolation*"])
    assert "organizations.DescribeOrganization: " in inner.section(f"test_bad_output[{case}]")


def test_a_swallowed_violation_still_fails_the_test(inner: InnerRun) -> None:
    # The body passes (it swallowed the exception); the contract fails the test at teardown.
    inner.stdout.fnmatch_lines(["PASSED test_inner.py::test_swallowed"])
    inner.stdout.fnmatch_lines(["ERROR test_inner.py::test_swallowed - Failed: responses that do not fit botocore's model*"])
    assert "Organization.Id" in inner.section("ERROR at teardown of test_swallowed")


@pytest.mark.parametrize(
    ("case", "complaint"),
    [
        ("reason_missing", "without its Reason"),
        ("reason_not_in_enum", "NOT_A_REASON"),
        ("undeclared", "DuplicateHandshakeException is not an error this operation declares"),
        ("empty_message", "needs a Code and a Message"),
    ],
)
def test_a_bad_error_fails_the_test(inner: InnerRun, case: str, complaint: str) -> None:
    inner.stdout.fnmatch_lines([f"FAILED test_inner.py::test_bad_error[[]{case}[]] - *ShapeViolation*"])
    assert complaint in inner.section(f"test_bad_error[{case}]")


def test_the_inner_run_failed_exactly_the_broken_tests(inner: InnerRun) -> None:
    assert inner.ret == 1
    inner.stdout.fnmatch_lines(["=* 9 failed, 3 passed, 1 error in *"])


# -- the checks themselves, on hand-made answers --------------------------------------------------


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status


def _meta(status: int) -> dict[str, object]:
    return {"RequestId": "r-1", "HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0}


def _op(name: str, service: str = "organizations") -> Any:
    return service_model(service).operation_model(name)


def test_unmodeled_code_is_allowed_only_for_its_protocol() -> None:
    serialization = {"Error": {"Code": "SerializationException", "Message": "m"}, "ResponseMetadata": _meta(400)}
    validation = {"Error": {"Code": "ValidationError", "Message": "m", "Type": "Sender"}, "ResponseMetadata": _meta(400)}
    assert shape_problems(_Http(400), serialization, _op("DescribeOrganization")) == []
    assert shape_problems(_Http(400), validation, _op("AssumeRole", "sts")) == []
    assert shape_problems(_Http(400), validation, _op("DescribeOrganization"))
    assert shape_problems(_Http(400), serialization, _op("AssumeRole", "sts"))


def test_unmodeled_code_carries_no_members() -> None:
    parsed = {"Error": {"Code": "SerializationException", "Message": "m"}, "Reason": "X", "ResponseMetadata": _meta(400)}
    assert any("carries members" in p for p in shape_problems(_Http(400), parsed, _op("DescribeOrganization")))


def test_status_must_match_the_error() -> None:
    parsed = {"Error": {"Code": "AccessDeniedException", "Message": "m"}, "Message": "m", "ResponseMetadata": _meta(500)}
    assert any("status 500" in p for p in shape_problems(_Http(500), parsed, _op("DescribeOrganization")))


def test_top_level_message_must_echo_the_error_message() -> None:
    parsed = {"Error": {"Code": "AccessDeniedException", "Message": "m"}, "Message": "x", "ResponseMetadata": _meta(400)}
    assert any("top-level Message" in p for p in shape_problems(_Http(400), parsed, _op("DescribeOrganization")))


def test_naive_timestamps_are_refused() -> None:
    naive = {"Handshake": {"Id": "h-12345678", "RequestedTimestamp": dt.datetime(2030, 1, 1)}}
    assert any(
        "timezone-aware" in p
        for p in shape_problems(_Http(200), {**naive, "ResponseMetadata": _meta(200)}, _op("DescribeHandshake"))
    )
    aware = {"Handshake": {"Id": "h-12345678", "RequestedTimestamp": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)}}
    assert shape_problems(_Http(200), {**aware, "ResponseMetadata": _meta(200)}, _op("DescribeHandshake")) == []


def test_reasons_newer_models_add_pass_and_others_do_not() -> None:
    from botocore.model import StringShape

    from support.shape_contract import LATER_ENUM_VALUES, _problems

    for name, values in LATER_ENUM_VALUES.items():
        older = StringShape(name, {"type": "string", "enum": ["SOMETHING_ELSE"]})
        for value in values:
            assert _problems(value, older, name) == []
        assert _problems("NO_SUCH_REASON", older, name)
    other = StringShape("ActionType", {"type": "string", "enum": ["INVITE"]})
    assert _problems("TRANSFER_RESPONSIBILITY_UPDATE_NOT_ALLOWED", other, "ActionType")


def test_the_reasons_allowed_are_real_ones() -> None:
    from support.shape_contract import LATER_ENUM_VALUES

    model = service_model("organizations")
    if not all(values <= set(model.shape_for(name).enum) for name, values in LATER_ENUM_VALUES.items()):
        pytest.skip("the installed botocore is older than the models that list these reasons")
    for name, values in LATER_ENUM_VALUES.items():
        assert values <= set(model.shape_for(name).enum)
