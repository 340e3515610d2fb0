"""Timestamp members as the service reads them: epoch seconds on the wire, to the millisecond."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from orgsim.domain.errors import Rejected
from orgsim.service.inputs import timestamp

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1706745600, dt.datetime(2024, 2, 1, tzinfo=UTC)),
        (1709251199.999, dt.datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=UTC)),
        (1709251199.9999, dt.datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=UTC)),  # later digits dropped
        (1706745600.000001, dt.datetime(2024, 2, 1, tzinfo=UTC)),
        (-1, dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("1706745600", dt.datetime(2024, 2, 1, tzinfo=UTC)),
        ("2024-02-01T00:00:00Z", dt.datetime(2024, 2, 1, tzinfo=UTC)),
        (dt.datetime(2024, 2, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), dt.datetime(2024, 2, 1, tzinfo=UTC)),
        (dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 1, tzinfo=UTC)),
    ],
)
def test_what_a_timestamp_reads_as(value: object, expected: dt.datetime) -> None:
    assert timestamp(value, "StartTimestamp") == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, 10**30, -(10**30), "soon", "NaN", True, None, [], {}])
def test_what_is_no_timestamp(value: object) -> None:
    with pytest.raises(Rejected) as refused:
        timestamp(value, "StartTimestamp")
    assert refused.value.code == "SerializationException"
    assert "StartTimestamp" in refused.value.message
