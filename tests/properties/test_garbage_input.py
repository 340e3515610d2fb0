"""Garbage input, with botocore's parameter validation turned off.

Every input member of every simulated operation (enumerated from ``routes.simulated()``: those the
installed botocore's model has, shapes from botocore's model, so new operations are covered when they are added) receives
wrong types, empty and oversized strings, unicode, nested junk and nulls. The answer must be what
the real service sends:

- Organizations (JSON protocol): ``SerializationException`` (unmodeled) for a value of the wrong
  JSON type; ``InvalidInputException`` with a ``Reason`` for a value of the right type that breaks
  a rule; otherwise the answer the same call gets with valid input;
- STS (query protocol): every value arrives as text; ``ValidationError`` for anything malformed;

never a Python exception from orgsim, and the world is unchanged.

Some junk never reaches orgsim because botocore's serializer raises first (that is botocore's
behaviour, not ours; ``test_what_botocore_refuses_before_sending`` pins it):

- a structure member given anything but a dict, ``None`` included: ``AttributeError``;
- a member name the shape does not have: ``KeyError``;
- a list member given something that is not iterable: ``TypeError`` (JSON: ``None`` too; the query
  protocol sends ``None`` as an empty list); a string is iterated character by character (a list of
  strings then receives one-letter strings);
- a timestamp member given something botocore cannot read as a time (a text that is no date, a
  container, NaN, a number too large): ``ValueError``, ``TypeError`` or ``RuntimeError``, since
  botocore converts it to a datetime itself;
- JSON protocol only: a value ``json.dumps`` cannot encode (bytes, sets, datetimes, objects) in a
  non-timestamp member: ``TypeError``. The query protocol turns nearly anything into text, but a
  lone surrogate cannot be encoded: ``UnicodeEncodeError`` when botocore prepares the request (orgsim
  steps aside for it, so the error is botocore's own; nothing is sent).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsim
from orgsim.domain.transfers import month_start
from orgsim.service.java_regex import java_pattern
from orgsim.service.routes import Route, simulated
from orgsim.service.simulated_aws import SimulatedAWS

ORGSIM_DIR = Path(orgsim.__file__).parent
MGMT, MEMBER, STANDALONE, INVITEE = "123456789012", "111111111111", "222222222222", "333333333333"
NO_VALIDATION = Config(parameter_validation=False)
SERIALIZATION = "SerializationException"

Path_ = tuple[str | int, ...]

# -- what every member receives ---------------------------------------------------------------------


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque object>"


def junk_for(shape: Shape) -> dict[str, Any]:
    """Junk values, by name. Lengths follow the member's own limits."""
    high = shape.metadata.get("max")
    over = (high + 1) if isinstance(high, int) else 100_001
    # botocore turns a string given to a list member into one element per character.
    huge = 5_000 if shape.type_name == "list" else 1_000_000
    if shape.type_name == "timestamp":
        # botocore's client parses a text given to a timestamp member (dateutil) before anything is
        # sent, in time that grows with the text: long texts would only measure that parser.
        over, huge = 1_001, 5_000
    return {
        "int": 7,
        "negative": -1,
        "huge-int": 10**30,
        "float": 1.5,
        "nan": math.nan,
        "bool": True,
        "list": ["h-0123456789"],
        "empty-list": [],
        "dict": {"a": 1},
        "nested": {"a": [None, {"b": [1, "two", {}]}], "c": {"d": None}},
        "null": None,
        "empty": "",
        "space": " ",
        "oversized": "a" * over,
        "huge": "b" * huge,
        "emoji": "\U0001f600" * 8,
        "rtl": "\u202eh-0123456789",
        "nul": "h-0123\x00456789",
        "surrogate": "\ud800",
        "combining": "e\u0301" * 6,
        "fullwidth-digits": "\uff11" * 12,
        "arabic-digits": "\u0661" * 12,
        "nbsp": "a\u00a0b@example.com",
        "newline": "h-0123456789\n",
        "injection": '"};-- DROP TABLE',
        "bytes": b"bytes",
        "set": {"x"},
        "datetime": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
        "object": _Opaque(),
    }


# -- the operations and their members, from the service's tables and botocore's model -------------

_session = boto3.session.Session(region_name="us-east-1")


def operation_model(service: str, operation: str) -> OperationModel:
    return _session._session.get_service_model(service).operation_model(operation)


# What the installed botocore has of the operations orgsim simulates (older models lack some).
SIMULATED = [(service, op) for service, ops in sorted(simulated().items()) for op in sorted(ops)]


def member_paths(shape: Shape, prefix: Path_ = ()) -> Iterator[tuple[Path_, Shape]]:
    assert isinstance(shape, StructureShape)
    for name, member in shape.members.items():
        path = (*prefix, name)
        yield path, member
        if member.type_name == "structure":
            yield from member_paths(member, path)
        elif member.type_name == "list":
            yield (*path, 0), member.member
            if member.member.type_name == "structure":
                yield from member_paths(member.member, (*path, 0))


def cases() -> list[Any]:
    found = []
    for service, op in SIMULATED:
        shape = operation_model(service, op).input_shape
        for path, _ in member_paths(shape) if shape is not None else ():
            found.append(pytest.param(service, op, path, id=f"{op}.{'.'.join(map(str, path))}"))
    return found


# A valid value for each shape: by name where the pattern needs one, else the first that fits.
_BY_NAME = {
    "HandshakePartyId": MEMBER,
    "HandshakePartyType": "ACCOUNT",
    "HandshakeId": "h-" + "0" * 32,
    "CreateAccountRequestId": "car-" + "0" * 32,
    "ResponsibilityTransferId": "rt-" + "0" * 8,
    "PolicyId": "p-FullAWSAccess",
    "RootId": "r-abcd",
}
_CANDIDATES = (
    "h-" + "0" * 32,
    MEMBER,
    "ou-abcd-abcdefgh",
    "someone@example.com",
    "arn:aws:iam::111111111111:role/Role",
    "name",
    "valid-value",
)


def valid_value(shape: Shape, include: list[Path_]) -> Any:
    """A valid value for ``shape`` with every required member, and the members leading to ``include``."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        wanted = list(shape.required_members) + [p[0] for p in include if p and p[0] not in shape.required_members]
        return {
            name: valid_value(shape.members[name], [p[1:] for p in include if p and p[0] == name])
            for name in dict.fromkeys(wanted)
        }
    if kind == "list":
        return [valid_value(shape.member, [p[1:] for p in include if p])]
    if kind in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        # A start date a billing transfer invitation takes (the first of the month after next), so
        # that junk elsewhere in the request is judged past the date rules.
        return month_start(dt.datetime.now(dt.timezone.utc), 2)
    if kind == "map":
        return {}
    if getattr(shape, "enum", None):
        return shape.enum[0]
    if shape.name in _BY_NAME:
        return _BY_NAME[shape.name]
    low = shape.metadata.get("min", 0)
    pattern = shape.metadata.get("pattern")
    for candidate in (*_CANDIDATES, "a" * max(low, 1)):
        if len(candidate) >= low and (pattern is None or java_pattern(pattern).fullmatch(candidate)):
            return candidate
    raise AssertionError(f"no valid sample for {shape.name}")


def put(params: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    params = copy.deepcopy(params)
    holder: Any = params
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return params


def drop(params: dict[str, Any], path: Path_) -> dict[str, Any]:
    params = copy.deepcopy(params)
    holder: Any = params
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]
    return params


def get(params: Any, path: Path_) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(params, list) or len(params) <= step:
                return _ABSENT
        elif not isinstance(params, dict) or step not in params:
            return _ABSENT
        params = params[step]
    return params


_ABSENT = object()

# -- the world, and watching orgsim ----------------------------------------------------------------


@dataclass
class World:
    sim: orgsim.Simulation
    received: list[dict[str, Any]] = field(default_factory=list)
    clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, account_id: str, service: str) -> Any:
        key = (account_id, service)
        if key not in self.clients:
            # Credentials that act as the account, from AssumeRole as the default identity: far
            # cheaper than a boto3 session per account.
            arn = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
            creds = _session.client("sts").assume_role(RoleArn=arn, RoleSessionName="garbage")["Credentials"]
            self.clients[key] = _session.client(
                service,
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                config=NO_VALIDATION,
            )
        return self.clients[key]

    def snapshot(self) -> str:
        # Every record of the world, generically (new fields and records are covered as they are
        # added); the id generator, the limits and the rules are not state.
        world = self.sim._aws.world  # type: ignore[union-attr]
        return repr({k: v for k, v in vars(world).items() if k not in ("ids", "limits", "rules")})


@pytest.fixture
def world(orgsim: orgsim.Simulation, monkeypatch: pytest.MonkeyPatch) -> World:
    w = World(orgsim)
    mgmt = w.client(MGMT, "organizations")
    mgmt.create_organization()
    for account_id in (MEMBER, STANDALONE, INVITEE):
        orgsim.seed_account(account_id)
    joined = mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})["Handshake"]["Id"]
    w.client(MEMBER, "organizations").accept_handshake(HandshakeId=joined)
    mgmt.invite_account_to_organization(Target={"Id": INVITEE, "Type": "ACCOUNT"}, Notes="pending")

    original = SimulatedAWS.answer

    def watched(self: SimulatedAWS, route: Route, params: Any, key: str | None) -> Any:
        w.received.append({"operation": route.operation, "params": copy.deepcopy(params)})
        return original(self, route, params, key)

    monkeypatch.setattr(SimulatedAWS, "answer", watched)
    return w


@dataclass(frozen=True)
class Answer:
    code: str | None  # None: success
    reason: str | None = None
    choked: str | None = None  # botocore's serializer raised this before orgsim saw the request


def ask(world: World, caller: str, service: str, operation: str, params: dict[str, Any]) -> Answer:
    """Call with validation off; any exception orgsim raised fails the test; the world must not change."""
    client = world.client(caller, service)
    before = world.snapshot()
    world.received.clear()
    try:
        getattr(client, xform_name(operation))(**params)
        answer = Answer(None)
    except ClientError as error:
        answer = Answer(error.response["Error"]["Code"], error.response.get("Reason"))
    except Exception as error:  # anything else: botocore's, or a defect of orgsim's
        frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).is_relative_to(ORGSIM_DIR)]
        ours = [f for f in frames if f.name != "_make_api_call"]  # the healing wrapper only passes through
        assert not ours and not world.received, f"orgsim raised {error!r} at {ours[-1] if ours else '?'}"
        return Answer(None, choked=type(error).__name__)
    assert world.snapshot() == before, f"{operation}({params!r}) by {caller} changed the world"
    return answer


def base_caller(world: World, service: str, operation: str, params: dict[str, Any]) -> tuple[str, Answer]:
    """A caller for whom the valid request changes nothing: the management account for reads (so
    tokens and filters are really parsed), else a member, else a standalone account."""
    readonly = operation.startswith(("List", "Describe", "Get"))
    for caller in ((MGMT,) if readonly else ()) + (MEMBER, STANDALONE):
        before = world.snapshot()
        client = world.client(caller, service)
        try:
            getattr(client, xform_name(operation))(**params)
            answer = Answer(None)
        except ClientError as error:
            answer = Answer(error.response["Error"]["Code"], error.response.get("Reason"))
        if world.snapshot() == before:
            return caller, answer
    raise AssertionError(f"no caller for which {operation} changes nothing")


# -- what the service should answer, judged from what reached it ------------------------------------

#: Stands for InvalidInputException with any Reason (patterns and business rules are the simulator's
#: to judge; the Reason is checked against the model's enum).
ANY_INVALID = Answer("InvalidInputException", "*")


def accepts(allowed: set[Answer], answer: Answer) -> bool:
    return answer in allowed or (ANY_INVALID in allowed and answer.code == "InvalidInputException")



#: Enums whose values the service refuses with a reason of their own (behaviour.md, "Input").
_ENUM_REASONS = {"PolicyType": "INVALID_ENUM_POLICY_TYPE", "EffectivePolicyType": "INVALID_ENUM_POLICY_TYPE"}


def expected(service: str, shape: Shape, received: Any, required: bool, in_list: bool, base: Answer) -> set[Answer]:
    """The acceptable answers for ``received`` (the value as the service decoded it) in ``shape``."""
    query = service == "sts"

    def invalid(reason: str) -> Answer:
        return Answer("ValidationError") if query else Answer("InvalidInputException", reason)

    if received is _ABSENT or received is None:
        if in_list:
            return {invalid("INVALID_LIST_MEMBER")}
        return {invalid("INPUT_REQUIRED")} if required else {base}
    kind = shape.type_name
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    wrong_type = Answer("ValidationError") if query else Answer(SERIALIZATION)
    if kind == "string":
        if not isinstance(received, str):
            return {wrong_type}
        if low is not None and len(received) < low:
            return {invalid("MIN_LENGTH_EXCEEDED")}
        if high is not None and len(received) > high:
            return {invalid("MAX_LENGTH_EXCEEDED")}
        if getattr(shape, "enum", None) and received not in shape.enum:
            return {invalid(_ENUM_REASONS.get(shape.name, "INVALID_ENUM"))}
        # Patterns and business rules: a reasoned refusal, or the same answer as valid input.
        return {base, Answer("ValidationError") if query else ANY_INVALID}
    if kind in ("integer", "long"):
        if isinstance(received, bool) or not isinstance(received, int):
            return {wrong_type}
        if low is not None and received < low:
            return {invalid("MIN_VALUE_EXCEEDED")}
        if high is not None and received > high:
            return {invalid("MAX_VALUE_EXCEEDED")}
        return {base}
    if kind == "list":
        if not isinstance(received, list):
            return {wrong_type}
        if low is not None and len(received) < low:
            return {invalid("MIN_LENGTH_EXCEEDED")}
        if high is not None and len(received) > high:
            return {invalid("MAX_LENGTH_EXCEEDED")}
        return {base, wrong_type, Answer("ValidationError") if query else ANY_INVALID}
    if kind == "structure":
        if not isinstance(received, dict):
            return {wrong_type}
        return {base, wrong_type, Answer("ValidationError") if query else ANY_INVALID}
    return {base, wrong_type, Answer("ValidationError") if query else ANY_INVALID}


def check(world: World, service: str, operation: str, path: Path_, value: Any, label: str) -> Answer:
    model = operation_model(service, operation)
    shape = dict(member_paths(model.input_shape))[path]
    base_params = valid_value(model.input_shape, [path])
    caller, base = base_caller(world, service, operation, base_params)
    params = put(base_params, path, value)
    answer = ask(world, caller, service, operation, params)
    if answer.choked is not None:
        return answer
    assert len(world.received) == 1, "the request reached orgsim"
    parent: Any = get(world.received[0]["params"], path[:-1])
    required = isinstance(path[-1], str) and path[-1] in _required(model.input_shape, path[:-1])
    got = get(world.received[0]["params"], path)
    if parent is _ABSENT:
        # The query protocol sends nothing for an empty list, so a list element's whole container
        # can vanish on the way: then it is as if the top-level member had not been sent.
        assert service == "sts", f"{path[:-1]} did not reach the service"
        top = (path[0],)
        answer_without = ask(world, caller, service, operation, drop(base_params, top))
        top_required = path[0] in _required(model.input_shape, ())
        assert answer == (Answer("ValidationError") if top_required else answer_without)
        return answer
    if (got is _ABSENT or got is None) and not required and isinstance(path[-1], str):
        # An optional member sent as null is as good as absent.
        base = ask(world, caller, service, operation, drop(base_params, path))
    allowed = expected(service, shape, got, required, isinstance(path[-1], int), base)
    assert accepts(allowed, answer), (
        f"{operation} {'.'.join(map(str, path))}={label} (received {_short(got)}) by {caller}: "
        f"answered {answer}, expected one of {allowed}"
    )
    if answer.code == "InvalidInputException":
        reasons = operation_model(service, operation).service_model.shape_for("InvalidInputExceptionReason").enum
        assert answer.reason in reasons
    return answer


def _required(shape: Shape, path: Path_) -> list[str]:
    for step in path:
        shape = shape.member if isinstance(step, int) else shape.members[step]  # type: ignore[attr-defined]
    return list(shape.required_members) if isinstance(shape, StructureShape) else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


# -- the tests --------------------------------------------------------------------------------------


def test_every_simulated_operation_has_members_or_is_listed() -> None:
    # The enumeration must not be empty: if the tables moved, this suite would test nothing.
    assert ("organizations", "InviteAccountToOrganization") in SIMULATED
    assert ("sts", "AssumeRole") in SIMULATED
    assert len(cases()) >= 30


@pytest.mark.parametrize(("service", "operation", "path"), cases())
def test_every_member_survives_every_kind_of_junk(
    world: World, service: str, operation: str, path: Path_
) -> None:
    shape = dict(member_paths(operation_model(service, operation).input_shape))[path]
    choked = {}
    for label, value in junk_for(shape).items():
        answer = check(world, service, operation, path, value, label)
        if answer.choked:
            choked[label] = answer.choked
    # Only values botocore cannot serialise, or that do not fit a container member, stop early.
    scalar = shape.type_name not in ("structure", "list")
    if shape.type_name == "timestamp":
        # botocore turns a timestamp member into a datetime itself before sending: whatever it cannot
        # read as one (texts that are no date, containers, NaN) stops there.
        assert set(choked.values()) <= {"ValueError", "TypeError", "RuntimeError"}, choked
        assert not {"int", "negative", "float", "datetime"} & set(choked), choked
    elif scalar and service == "organizations":
        assert set(choked) <= {"bytes", "set", "datetime", "object"}, choked
    if scalar and service == "sts":
        assert set(choked) <= {"surrogate"}, choked


# The world fixture is shared by the examples on purpose: no call may change it, and each checks so.
# 1.5 times the profile's budget (tests/conftest.py): 150 on CI.
@settings(
    max_examples=round(settings.default.max_examples * 1.5), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_nested_junk_anywhere(world: World, data: st.DataObject) -> None:
    service, operation, path = data.draw(st.sampled_from([c.values for c in cases()]))
    junk = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )
    value = data.draw(junk)
    check(world, service, operation, path, value, "random")


@pytest.mark.parametrize(
    ("service", "operation", "params", "raised"),
    [
        ("organizations", "InviteAccountToOrganization", {"Target": "111111111111"}, AttributeError),
        ("organizations", "InviteAccountToOrganization", {"Target": None}, AttributeError),
        ("organizations", "ListHandshakesForAccount", {"Filter": ["INVITE"]}, AttributeError),
        ("organizations", "DescribeHandshake", {"HandshakeId": "h-0123456789", "Bogus": 1}, KeyError),
        ("organizations", "InviteAccountToOrganization", {"Target": {"Id": MEMBER, "Type": "ACCOUNT"}, "Tags": 5}, TypeError),
        ("organizations", "InviteAccountToOrganization", {"Target": {"Id": MEMBER, "Type": "ACCOUNT"}, "Tags": "ab"}, AttributeError),
        ("organizations", "DescribeHandshake", {"HandshakeId": b"h-0123456789"}, TypeError),
        ("organizations", "ListAccounts", {"NextToken": {"set"}}, TypeError),
        ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "sess", "Tags": 5}, TypeError),
        ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "sess", "Bogus": 1}, KeyError),
        ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "\ud800"}, UnicodeEncodeError),
    ],
)
def test_what_botocore_refuses_before_sending(
    world: World, service: str, operation: str, params: dict[str, Any], raised: type[Exception]
) -> None:
    answer = ask(world, MEMBER, service, operation, params)
    assert answer.choked == raised.__name__
    assert world.received == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # The query protocol sends text: a number where text belongs is simply that text.
        ({"RoleSessionName": 12345}, Answer(None)),
        ({"RoleSessionName": None}, Answer(None)),  # botocore sends the text "None"
        ({"DurationSeconds": "3600"}, Answer(None)),
        ({"DurationSeconds": "an hour"}, Answer("ValidationError")),
        ({"DurationSeconds": 899}, Answer("ValidationError")),
        ({"RoleSessionName": "x" * 65}, Answer("ValidationError")),
        ({"RoleSessionName": "\u00e9t\u00e9"}, Answer("ValidationError")),
        ({"RoleArn": "arn:aws:iam::\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:role/R"}, Answer("ValidationError")),
    ],
)
def test_sts_judges_the_text_it_receives(world: World, params: dict[str, Any], expected: Answer) -> None:
    full = {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "session", **params}
    assert ask(world, MEMBER, "sts", "AssumeRole", full) == expected


@pytest.mark.parametrize(
    ("operation", "params", "reason"),
    [
        ("DescribeAccount", {"AccountId": "\u0661" * 12}, "INVALID_PATTERN"),
        ("DescribeAccount", {"AccountId": "\uff11" * 12}, "INVALID_PATTERN"),
        ("InviteAccountToOrganization", {"Target": {"Id": "\u0661" * 12, "Type": "ACCOUNT"}}, "INVALID_PATTERN"),
        ("InviteAccountToOrganization", {"Target": {"Id": "a\u2003b@example.com", "Type": "EMAIL"}}, None),
        ("ListAccounts", {"NextToken": "\ud800"}, "INVALID_NEXT_TOKEN"),
        ("ListAccounts", {"MaxResults": 21}, "MAX_VALUE_EXCEEDED"),
        ("ListHandshakesForOrganization", {"Filter": {"ActionType": "INVITE", "ParentHandshakeId": "h-0123456789"}}, "MAX_LIMIT_EXCEEDED_FILTER"),
    ],
)
def test_right_type_wrong_value_gets_a_reason(world: World, operation: str, params: dict[str, Any], reason: str | None) -> None:
    # Java's \\d and \\s are ASCII: Unicode digits are not an account id, but a Unicode space is a
    # character like any other in an email address (so that invitation is only refused as a member's).
    caller = MGMT if operation != "InviteAccountToOrganization" else MEMBER
    answer = ask(world, caller, "organizations", operation, params)
    if reason is None:
        assert answer == Answer("AccessDeniedException")
    else:
        assert answer == Answer("InvalidInputException", reason)


def test_json_numbers_that_are_not_integers_are_serialization_errors(world: World) -> None:
    assert ask(world, MGMT, "organizations", "ListAccounts", {"MaxResults": 5.0}) == Answer(SERIALIZATION)
    assert ask(world, MGMT, "organizations", "ListAccounts", {"MaxResults": True}) == Answer(SERIALIZATION)
    assert json.loads(json.dumps({"n": math.nan}))["n"] != 5  # NaN does reach the service, as JSON allows
    assert ask(world, MGMT, "organizations", "ListAccounts", {"MaxResults": math.nan}) == Answer(SERIALIZATION)


def test_a_long_text_given_to_a_list_of_texts_is_decoded_in_linear_time(world: World) -> None:
    # botocore sends one query parameter per character; decoding them used to take quadratic
    # time (this test then ran for hours). 50 is the member's limit.
    params = {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "sess", "TransitiveTagKeys": "k" * 200_000}
    assert ask(world, MEMBER, "sts", "AssumeRole", params) == Answer("ValidationError")
