"""The ``before-call`` handler: answer a call from the simulation of the caller's context."""

from __future__ import annotations

from typing import Any, NamedTuple

from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel

from ... import activation
from ...exceptions import UnsimulatedOperation
from ...service.routes import Route, route
from .credentials import access_key_id
from .response import to_botocore
from .wire import api_params


class Request(NamedTuple):
    """A call the simulation answers: who answers, the route, and what the service would receive."""

    active: activation.Active
    route: Route
    params: dict[str, Any]


def request_for(model: OperationModel, params: dict[str, Any]) -> Request | None:
    """The call as the simulated service receives it, or None when botocore goes on as usual: no
    simulation runs, or the operation is left to others (``passthrough``). Shared by every
    botocore-based transport (botocore's clients, aiobotocore's)."""
    active = activation.answering()
    if active is None:
        return None
    service_model = model.service_model
    found = route(service_model.service_name, model.name)
    if found is None:
        if active.passthrough:
            return None
        raise UnsimulatedOperation(service_model.service_id, model.name)
    # What the service would receive: the serialised request, decoded as its protocol decodes it.
    try:
        received = api_params(model, params)
    except UnicodeEncodeError:
        # A query-string request that cannot be encoded (a lone surrogate) can never be sent:
        # botocore itself raises this when it prepares the request, right after this event,
        # before anything is sent (and the backstop would stop it if it ever did get that far).
        return None
    return Request(active, found, received)


def answer(
    model: OperationModel,
    params: dict[str, Any],
    request_signer: Any = None,
    context: dict[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Registered for ``before-call.organizations`` and ``before-call.sts``. Returns None (botocore
    goes on as usual) while no simulation runs, and for operations left to others (``passthrough``)."""
    request = request_for(model, params)
    if request is None:
        return None
    outcome = request.active.aws.answer(request.route, request.params, access_key_id(request_signer))
    return to_botocore(outcome, model.service_model)
