"""botocore's service models as orgsim reads them: shapes, members, and the names of operations.

Everything the service knows about shapes, patterns, enums and limits is read from the installed
botocore at run time, so a newer botocore brings its newer rules (and members) with it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from botocore.loaders import Loader
from botocore.model import ServiceModel, StructureShape
from botocore import xform_name


@functools.cache
def service_model(name: str) -> ServiceModel:
    loader = Loader()
    return ServiceModel(loader.load_service_model(name, "service-2"), service_name=name)


@functools.cache
def member_names(service: str, shape_name: str) -> frozenset[str]:
    """The members a structure has in the installed botocore (older versions lack newer ones)."""
    shape = service_model(service).shape_for(shape_name)
    assert isinstance(shape, StructureShape)
    return frozenset(shape.members)


@functools.cache
def has_operation(service: str, operation: str) -> bool:
    """Whether the installed botocore's model has this operation (newer ones add operations)."""
    return operation in service_model(service).operation_names


@functools.cache
def _api_names(services: tuple[str, ...]) -> Mapping[str, str]:
    """boto3's method names and the API names themselves, each to its API name."""
    names: dict[str, str] = {}
    for service in services:
        for operation in service_model(service).operation_names:
            names[operation] = operation
            names[xform_name(operation)] = operation
    return names


def api_name(name: str, services: Iterable[str]) -> str | None:
    """The API name for ``accept_handshake`` or ``AcceptHandshake`` among the operations of
    ``services``, as botocore's model names them; None when none of them has it."""
    return _api_names(tuple(services)).get(name)


@functools.cache
def policy_types() -> tuple[str, ...]:
    """The policy types of the installed Organizations model."""
    return tuple(service_model("organizations").shape_for("PolicyType").enum)
