"""aiobotocore's clients (and so aioboto3's), answered in-process exactly like botocore's.

aiobotocore builds on botocore: its sessions copy ``BUILTIN_HANDLERS`` like botocore's, so they carry
orgsim's handlers, and the request decoding, identity and responses are botocore's transport's
(``orgsim.adapters.botocore``). What aiobotocore overrides gets the same layers of its own:

1. aiobotocore maps botocore handlers to async ones when it registers them; orgsim adds its
   ``before-call`` handler to that mapping, so aiobotocore's emitters run ``answer.answer``, which
   awaits what must be awaited (deferred credentials the test built) and returns an awaitable response.
2. ``AioBaseClient._make_api_call`` heals clients built before orgsim was installed and remembers
   which ones a simulation saw, as botocore's wrapper does.
3. ``AioEndpoint._send`` is behind the same backstop as ``Endpoint._send``.
4. aiobotocore's credential chain (``AioCredentialResolver``, ``AioRefreshableCredentials``) stays shut
   while a simulation runs, as botocore's does.

Installed when a simulation starts in a process that has imported aiobotocore (``orgsim.adapters``).
"""

from .hooks import install, patch_client

__all__ = ["install", "patch_client"]
