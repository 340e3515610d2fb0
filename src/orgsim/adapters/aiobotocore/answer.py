"""The ``before-call`` handler of aiobotocore's clients: botocore's, with what must be awaited awaited."""

from __future__ import annotations

from typing import Any

from aiobotocore.awsrequest import AioAWSResponse
from botocore.model import OperationModel

from ..botocore.answer import request_for
from ..botocore.response import SimulatedResponse, to_botocore
from .credentials import access_key_id


class AioSimulatedResponse(SimulatedResponse, AioAWSResponse):  # type: ignore[misc]  # no types shipped
    """An answer orgsim made, as aiobotocore's clients expect responses: ``content`` and ``text`` are
    awaitables (of an empty body: the parsed answer is all there is)."""

    _content = b""


async def answer(
    model: OperationModel,
    params: dict[str, Any],
    request_signer: Any = None,
    context: dict[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[AioAWSResponse, dict[str, Any]] | None:
    """What ``orgsim.adapters.botocore.answer.answer`` does, for aiobotocore's emitters."""
    request = request_for(model, params)
    if request is None:
        return None
    key = await access_key_id(request_signer)
    outcome = request.active.aws.answer(request.route, request.params, key)
    return to_botocore(outcome, model.service_model, AioSimulatedResponse)
