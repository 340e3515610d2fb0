"""Running a decorated function inside a simulation of its own, for each call.

Functions and coroutine functions run inside it for the call; generator and async generator functions
keep it active from their first step until they finish or are closed, paused between steps included.
A decorated class has each of its methods whose name starts with ``test`` (inherited ones included)
decorated, as ``unittest.mock.patch`` does: the set-up methods and fixtures run outside.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

Run = Callable[[], contextlib.AbstractContextManager[object]]

#: What a decorated class has decorated: its methods whose name starts with this.
TEST_PREFIX = "test"


def decorate(func: Any, run: Run) -> Any:
    """``func``, with each call made inside ``run()`` (a fresh simulation, started and stopped)."""
    if isinstance(func, type):
        return _decorate_class(func, run)
    if inspect.isasyncgenfunction(func):
        return _async_generator(func, run)
    if inspect.isgeneratorfunction(func):
        return _generator(func, run)
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with run():
                return await func(*args, **kwargs)

        return async_wrapper
    if not callable(func):
        raise TypeError(f"orgsim.simulate() decorates functions and classes, not {func!r}")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with run():
            return func(*args, **kwargs)

    return wrapper


def _generator(func: Callable[..., Generator[Any, Any, Any]], run: Run) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        with run():
            return (yield from func(*args, **kwargs))

    return wrapper


def _async_generator(func: Callable[..., AsyncGenerator[Any, Any]], run: Run) -> Callable[..., Any]:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        with run():
            inner = func(*args, **kwargs)
            try:
                value = await inner.__anext__()
                while True:
                    try:
                        sent = yield value
                    except GeneratorExit:
                        raise
                    except BaseException as thrown:
                        value = await inner.athrow(thrown)
                    else:
                        value = await inner.asend(sent)
            except StopAsyncIteration:
                return
            finally:
                await inner.aclose()

    return wrapper


def _decorate_class(cls: type, run: Run) -> type:
    for name in dir(cls):
        if not name.startswith(TEST_PREFIX):
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, staticmethod):
            setattr(cls, name, staticmethod(decorate(raw.__func__, run)))
        elif isinstance(raw, classmethod):
            setattr(cls, name, classmethod(decorate(raw.__func__, run)))
        elif inspect.isfunction(raw):
            setattr(cls, name, decorate(raw, run))
    return cls
