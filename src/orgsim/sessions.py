"""boto3 sessions whose clients act as an account of the simulation."""

from __future__ import annotations

import functools

import boto3
import botocore.loaders
import botocore.session

from .service.identity import IssuedCredentials

REGION = "us-east-1"


def session_for(credentials: IssuedCredentials) -> boto3.Session:
    """A boto3 session signing with ``credentials``, in the region every simulated service lives in."""
    return boto3.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        region_name=REGION,
        botocore_session=_botocore_session(),
    )


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


def _botocore_session() -> botocore.session.Session:
    """A fresh botocore session that shares one model loader with every other session handed out.

    Each new session otherwise reads and parses the service models again (tens of milliseconds per
    client); a loader caches what it has read, and boto3 already shares one between the clients of a
    session, so sharing it between sessions is no different.
    """
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader())
    return session
