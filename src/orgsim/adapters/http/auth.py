"""Who sent a request: the SigV4 signature, read from the ``Authorization`` header or the query string
(a presigned request), and checked against the credentials the simulation issued.

A key the simulation issued acts as its account, so its signature is recomputed with botocore's own
signer from what was received (method, path, query, the headers the client signed, the body) and
compared; a temporary key must come with its own session token. Any other key acts as the default
account, as in-process, and is not checked: orgsim does not know its secret. The signing time is
never judged, because the simulated clock may be anywhere (behaviour.md, "Server mode").
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import ReadOnlyCredentials

from ...service.identity import Identities

ALGORITHM: Final = "AWS4-HMAC-SHA256"
_TIMESTAMP: Final = "%Y%m%dT%H%M%SZ"
_PART = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")


@dataclass(frozen=True)
class Received:
    """The parts of an HTTP request a signature covers, as they arrived."""

    method: str
    host: str
    path: str
    #: The query string's pairs, decoded.
    query: Sequence[tuple[str, str]]
    #: Every header, by lower-case name (repeated headers joined with commas).
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Signature:
    """A SigV4 signature as a request carries it."""

    access_key_id: str
    #: The credential scope: date (YYYYMMDD), region and service the client signed for.
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    #: The signing time (X-Amz-Date, or the Date header), in SigV4's form; None when absent.
    timestamp: str | None
    session_token: str | None
    #: True for a presigned request (the signature is in the query string).
    presigned: bool


class Refused(Exception):
    """A request whose signature the service refuses. ``kind`` is one of ``MISSING``, ``INCOMPLETE``,
    ``MISMATCH`` and ``BAD_TOKEN`` (``app`` words it in the request's protocol)."""

    def __init__(self, kind: str, message: str, access_key_id: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        #: The key the request claimed, if it named one (its account is recorded as the caller).
        self.access_key_id = access_key_id


MISSING: Final = "missing"
INCOMPLETE: Final = "incomplete"
MISMATCH: Final = "mismatch"
BAD_TOKEN: Final = "bad-token"


def read_signature(received: Received) -> Signature | None:
    """The request's signature, None when it carries none. ``Refused`` (``INCOMPLETE``) when it
    carries one that cannot be read."""
    header = received.headers.get("authorization")
    query = dict(reversed(received.query))  # a repeated key: the first one counts
    if header is not None:
        return _from_header(header, received.headers)
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        return _from_query(query)
    return None


def _from_header(header: str, headers: Mapping[str, str]) -> Signature:
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise Refused(INCOMPLETE, f"Unsupported AWS 'algorithm': '{algorithm}'. Sign requests with {ALGORITHM}.")
    parts: dict[str, str] = {}
    for piece in rest.split(","):
        found = _PART.fullmatch(piece)
        if found is not None:
            parts.setdefault(found.group(1), found.group(2))
    return _signature(
        parts.get("Credential"),
        parts.get("SignedHeaders"),
        parts.get("Signature"),
        headers.get("x-amz-date") or _from_http_date(headers.get("date")),
        headers.get("x-amz-security-token"),
        presigned=False,
        where="Authorization header",
    )


def _from_query(query: Mapping[str, str]) -> Signature:
    algorithm = query.get("X-Amz-Algorithm")
    if algorithm != ALGORITHM:
        raise Refused(INCOMPLETE, f"Unsupported AWS 'algorithm': '{algorithm}'. Sign requests with {ALGORITHM}.")
    return _signature(
        query.get("X-Amz-Credential"),
        query.get("X-Amz-SignedHeaders"),
        query.get("X-Amz-Signature"),
        query.get("X-Amz-Date"),
        query.get("X-Amz-Security-Token"),
        presigned=True,
        where="query string",
    )


def _signature(
    credential: str | None,
    signed_headers: str | None,
    signature: str | None,
    timestamp: str | None,
    token: str | None,
    *,
    presigned: bool,
    where: str,
) -> Signature:
    for name, value in (("Credential", credential), ("SignedHeaders", signed_headers), ("Signature", signature)):
        if not value:
            raise Refused(INCOMPLETE, f"The {where} requires a '{name}' parameter.")
    assert credential is not None and signed_headers is not None and signature is not None
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not scope[0]:
        raise Refused(
            INCOMPLETE,
            f"Credential should be '<access key id>/<date>/<region>/<service>/aws4_request', not '{credential}'.",
        )
    access_key_id, scope_date, region, service, _ = scope
    return Signature(
        access_key_id,
        scope_date,
        region,
        service,
        tuple(name.strip().lower() for name in signed_headers.split(";") if name.strip()),
        signature.lower(),
        timestamp,
        token,
        presigned,
    )


def _from_http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime(_TIMESTAMP)


def authenticate(received: Received, identities: Identities, *, unsigned_allowed: bool) -> str | None:
    """The access key id the request acts with (None: an unsigned call the operation allows).
    ``Refused`` for a request the service would not accept. Call with the simulation's lock held
    (it reads the issued credentials)."""
    signature = read_signature(received)
    if signature is None:
        if unsigned_allowed:
            return None
        raise Refused(MISSING, "Missing Authentication Token")
    issued = identities.issued(signature.access_key_id)
    if issued is None:
        return signature.access_key_id  # not ours: the default account, unchecked
    if signature.session_token != issued.session_token:
        # Without its session token, with another one, or a token beside long-term keys.
        raise Refused(BAD_TOKEN, "The security token included in the request is invalid.", signature.access_key_id)
    if signature.timestamp is None:
        raise Refused(
            INCOMPLETE,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
            signature.access_key_id,
        )
    credentials = ReadOnlyCredentials(issued.access_key_id, issued.secret_access_key, issued.session_token)
    expected = recompute(received, signature, credentials)
    if not hmac.compare_digest(expected, signature.signature):
        raise Refused(
            MISMATCH,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            signature.access_key_id,
        )
    return signature.access_key_id


class _Recomputing(SigV4Auth):  # type: ignore[misc]  # botocore ships no types
    """botocore's SigV4 signer, signing exactly the headers the client said it signed (botocore
    itself leaves some out, ``user-agent`` among them, which other SDKs sign)."""

    def __init__(self, credentials: ReadOnlyCredentials, service: str, region: str, signed: Sequence[str]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            value = request.headers.get(name)
            if value is not None:
                chosen[name] = value
        return chosen


def recompute(received: Received, signature: Signature, credentials: ReadOnlyCredentials) -> str:
    """The signature ``credentials`` give the received request, computed by botocore's signer."""
    headers = HTTPHeaders()
    for name, value in received.headers.items():
        headers[name] = value
    headers["host"] = received.host
    query: list[tuple[str, str]] = list(received.query)
    if signature.presigned:
        query = [(key, value) for key, value in query if key != "X-Amz-Signature"]
    request = AWSRequest(
        method=received.method,
        url=f"http://{received.host}{received.path}",
        headers=headers,
        data=received.body,
        params=query,
    )
    request.context["timestamp"] = signature.timestamp
    signer = _Recomputing(credentials, signature.service, signature.region, signature.signed_headers)
    canonical: str = signer.canonical_request(request)
    string_to_sign: str = signer.string_to_sign(request, canonical)
    computed: str = signer.signature(string_to_sign, request)
    return computed
