"""Shared test setup. The tests are sorted by layer: ``domain/`` (pure, no boto3), ``service/`` (the
facade and its parts, no boto3 client), ``api/`` (through boto3, one area per file), ``entry_points/``
(interception, the simulation object, the plugin, the commands), ``properties/`` (state machine,
garbage input, the shape contract itself) and ``server/`` (server mode: the HTTP adapter, real
sockets, the AWS CLI). Helpers live in ``support/``.

- Every simulated response, in every test, is checked against botocore's service model (the
  shape contract, ``support/shape_contract.py``). A violation raises at the call and fails the test
  at teardown even if the code under test swallowed the exception.
- No test may reach the network: pytest-socket blocks sockets (``--disable-socket`` in addopts) and
  an autouse guard refuses botocore's HTTP send, so a leak fails loudly and is recorded.
- Hypothesis profiles: ``ci`` (derandomized, so a failure reproduces from the test alone) is chosen
  when ``CI`` is set; ``dev`` otherwise; ``HYPOTHESIS_PROFILE`` overrides.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import handlers
from botocore.httpsession import URLLib3Session
from hypothesis import HealthCheck, settings

from support.shape_contract import check_shape, take_violations

# -- hypothesis profiles --------------------------------------------------------------------------

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

def pytest_configure(config: pytest.Config) -> None:
    # Sessions copy BUILTIN_HANDLERS when they are created, so every client the tests build has it.
    for service in ("organizations", "sts"):
        entry = (f"after-call.{service}", check_shape)
        if entry not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(entry)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if call.when == "call":
        item.stash[_CALL_FAILED] = bool(outcome.get_result().failed)  # type: ignore[attr-defined]


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _shape_contract(request: pytest.FixtureRequest) -> Iterator[None]:
    take_violations()
    yield
    found = take_violations()
    # A violation raises at the call; fail here too in case the code under test swallowed it
    # (once is enough when the test already failed).
    if found and not request.node.stash.get(_CALL_FAILED, False):
        pytest.fail("responses that do not fit botocore's model:\n" + "\n".join(found), pytrace=False)


# -- no network -----------------------------------------------------------------------------------


class NetworkAttempt(AssertionError):
    """botocore tried to send a request over HTTP during a test."""


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse and record every HTTP request botocore would send. Yields the record."""
    attempts: list[str] = []

    def refuse(self: URLLib3Session, request: Any) -> Any:
        attempts.append(f"{request.method} {request.url}")
        raise NetworkAttempt(f"a test tried to reach the network: {request.method} {request.url}")

    monkeypatch.setattr(URLLib3Session, "send", refuse)
    yield attempts
    # A test that expects an attempt asserts on it and clears the record; anything left is a leak,
    # even when the code under test swallowed the exception.
    assert not attempts, f"requests that reached botocore's HTTP layer: {attempts}"
