"""Shared test setup. The tests are sorted by layer: ``domain/`` (pure, no boto3), ``service/`` (the
facade and its parts, no boto3 client), ``api/`` (through boto3, one area per file), ``entry_points/``
(interception, the simulation object, the plugin, the commands), ``properties/`` (state machine,
garbage input, the shape contract itself) and ``server/`` (server mode: the HTTP adapter, real
sockets, the AWS CLI). Helpers live in ``support/``.

- Every simulated response, in every test, is checked against botocore's service model (the
  shape contract, ``support/shape_contract.py``). A violation raises at the call and fails the test
  at teardown even if the code under test swallowed the exception.
- No test may reach the network: pytest-socket blocks sockets (``--disable-socket`` in addopts) and
  an autouse guard refuses botocore's (and aiobotocore's) HTTP send, so a leak fails loudly and is
  recorded.
- Every test runs with a HOME like a developer's laptop's (``support/laptop.py``): SSO,
  ``credential_process`` and assume-role profiles, and no AWS_* variables.
- Hypothesis profiles: ``ci`` (derandomized, so a failure reproduces from the test alone, and with
  the full example budget) is chosen when ``CI`` is set; ``dev`` (a smaller budget) otherwise;
  ``HYPOTHESIS_PROFILE`` overrides, and ``HYPOTHESIS_MAX_EXAMPLES`` sets the state machine's count.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import handlers
from botocore.httpsession import URLLib3Session
from hypothesis import HealthCheck, settings

from support import laptop
from support.shape_contract import check_shape, take_violations

try:  # optional: the async transport's tests run where aiobotocore is installed
    from aiobotocore.httpsession import AIOHTTPSession
except ImportError:  # pragma: no cover - depends on the environment
    AIOHTTPSession = None

# -- hypothesis profiles --------------------------------------------------------------------------

# ``max_examples`` is each profile's budget; the property tests scale theirs from it (the state
# machine runs 2.5 times as many, its freezegun twin 0.6 times). ``ci`` is thorough and derandomized;
# ``dev`` runs 40 per cent of that with a different draw each run, so a run on 2 cores takes about
# a minute and repeated runs together still cover more than one CI run.
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
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


# -- a developer's machine ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _laptop(tmp_path_factory: pytest.TempPathFactory) -> laptop.Laptop:
    return laptop.make_laptop(tmp_path_factory.mktemp("laptop"), expires_in=dt.timedelta(hours=12))


@pytest.fixture(autouse=True)
def _on_a_laptop(_laptop: laptop.Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs as on a developer's laptop: a HOME whose ~/.aws has SSO, credential_process
    and assume-role profiles (``support.laptop``), and no AWS_* variables, whatever the machine has."""
    laptop.use(_laptop, monkeypatch)


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
    if AIOHTTPSession is not None:

        async def refuse_async(self: Any, request: Any) -> Any:
            return refuse(self, request)

        monkeypatch.setattr(AIOHTTPSession, "send", refuse_async)
    yield attempts
    # A test that expects an attempt asserts on it and clears the record; anything left is a leak,
    # even when the code under test swallowed the exception.
    assert not attempts, f"requests that reached botocore's HTTP layer: {attempts}"
