"""The pytest fixture and marker, exercised in a separate pytest run through ``pytester``."""

from __future__ import annotations

import pytest

# In-process pytester runs put sys.modules back as they found it: import orgsim's entry points here,
# so that every run shares one copy of them (the plugin's lazy imports otherwise make a second).
import orgsim.simulation  # noqa: F401

# pytester is enabled for the whole suite in pyproject.toml (addopts "-p pytester").


def _run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=source)
    return pytester.runpytest("--strict-markers", "-p", "no:cacheprovider", *args)


def test_fixture_gives_an_active_fresh_simulation_per_test(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import boto3
        import orgsim as orgsim_module

        def _client():
            return boto3.client("organizations", region_name="us-east-1")

        def test_one(orgsim):
            assert isinstance(orgsim, orgsim_module.Simulation)
            assert orgsim.active and orgsim_module.current() is orgsim
            assert orgsim.default_account_id == "123456789012"
            _client().create_organization()

        def test_two(orgsim):
            client = _client()
            try:
                client.describe_organization()
            except client.exceptions.AWSOrganizationsNotInUseException:
                pass
            else:
                raise AssertionError("the organization of test_one leaked into test_two")

        def test_three_without_simulation():
            try:
                orgsim_module.current()
            except orgsim_module.NoActiveSimulation:
                pass
            else:
                raise AssertionError("a simulation outlived its test")
        """,
        "-p",
        "no:randomly",
    )
    result.assert_outcomes(passed=3)


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.orgsim(**options)*"])


def test_marker_options_reach_the_simulation(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest

        @pytest.mark.orgsim(default_account_id="000011112222", max_accounts=2, max_invitations_per_day=5)
        def test_options(orgsim):
            assert orgsim.default_account_id == "000011112222"
            assert orgsim.options.max_accounts == 2
            assert orgsim.options.max_invitations_per_day == 5
            client = orgsim.session("000011112222").client("organizations")
            client.create_organization()
            client.invite_account_to_organization(Target={"Id": "111111111111", "Type": "ACCOUNT"})
            try:
                client.invite_account_to_organization(Target={"Id": "222222222222", "Type": "ACCOUNT"})
            except client.exceptions.HandshakeConstraintViolationException as e:
                assert e.response["Reason"] == "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
            else:
                raise AssertionError("max_accounts=2 was not applied")
        """,
    )
    result.assert_outcomes(passed=1)


def test_marked_test_gets_the_simulation_without_asking(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import boto3
        import pytest
        import orgsim

        @pytest.mark.orgsim(default_account_id="000011112222")
        def test_marked():
            sim = orgsim.current()
            assert sim.default_account_id == "000011112222"
            sts = boto3.client("sts", region_name="us-east-1")
            assert sts.get_caller_identity()["Account"] == "000011112222"

        @pytest.mark.orgsim
        class TestClass:
            def test_method(self):
                assert orgsim.current().active
        """,
    )
    result.assert_outcomes(passed=2)


def test_module_level_marker(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest
        import orgsim

        pytestmark = pytest.mark.orgsim(max_accounts=4)

        def test_a():
            assert orgsim.current().options.max_accounts == 4

        @pytest.mark.orgsim(max_accounts=7)
        def test_closest_marker_wins(orgsim):
            assert orgsim.options.max_accounts == 7
        """,
    )
    result.assert_outcomes(passed=2)


def test_positional_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest

        @pytest.mark.orgsim(5)
        def test_positional(orgsim):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*TypeError: the orgsim marker takes keyword options only*"])


def test_unknown_marker_options_are_refused(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest

        @pytest.mark.orgsim(max_acounts=3)
        def test_typo():
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown orgsim option: max_acounts*"])


def test_fixture_ids_are_reproducible_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import pathlib

        def test_ids(orgsim):
            org = orgsim.session("123456789012").client("organizations").create_organization()
            with pathlib.Path("ids.txt").open("a") as out:
                out.write(org["Organization"]["Id"] + "\\n")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest().assert_outcomes(passed=1)
    ids = (pytester.path / "ids.txt").read_text().split()
    assert len(ids) == 2 and ids[0] == ids[1]


def test_marker_on_unittest_test_cases(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import unittest
        import pytest
        import orgsim

        class TestMethodMarked(unittest.TestCase):
            @pytest.mark.orgsim(max_accounts=4)
            def test_a(self):
                self.assertEqual(orgsim.current().options.max_accounts, 4)

        @pytest.mark.orgsim(max_accounts=5)
        class TestClassMarked(unittest.TestCase):
            def test_b(self):
                self.assertEqual(orgsim.current().options.max_accounts, 5)
        """,
    )
    result.assert_outcomes(passed=2)


def test_a_simulation_a_test_leaves_running_is_stopped_and_fails_that_test(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import boto3
        import orgsim

        def test_leaks():
            orgsim.simulate(default_account_id="000011112222").start()

        def test_after_it():
            try:
                orgsim.current()
            except orgsim.NoActiveSimulation:
                pass
            else:
                raise AssertionError("the leaked simulation answers this test")
        """,
        "-p",
        "no:randomly",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_leaks*", "*left 1 orgsim simulation running*"])


def test_a_simulation_of_a_wider_fixture_may_outlive_each_test(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        import pytest
        import orgsim

        @pytest.fixture(scope="module")
        def shared():
            with orgsim.simulate() as sim:
                yield sim

        @pytest.fixture
        def leaky():
            return orgsim.simulate().start()

        def test_one(shared):
            assert shared.active

        def test_two(shared):
            assert orgsim.current() is shared

        def test_a_function_fixture_that_leaks(shared, leaky):
            assert orgsim.current() is leaky

        def test_three(shared):
            assert orgsim.current() is shared
        """,
        "-p",
        "no:randomly",
    )
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_a_function_fixture_that_leaks*"])
