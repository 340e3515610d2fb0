"""Running a decorated function inside a simulation of its own, for each call."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Any


def decorate(func: Callable[..., Any], run: Callable[[], contextlib.AbstractContextManager[object]]) -> Callable[..., Any]:
    """``func``, with each call made inside ``run()`` (a fresh simulation, started and stopped)."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with run():
                return await func(*args, **kwargs)

        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with run():
            return func(*args, **kwargs)

    return wrapper
