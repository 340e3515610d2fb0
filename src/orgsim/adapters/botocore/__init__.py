"""botocore's clients, answered in-process at the ``before-call`` event.

Installed once per process and dormant while no simulation runs (``install``). Layers, so that
nothing leaves the process while a simulation runs:

1. ``BUILTIN_HANDLERS``: every botocore session created from now on carries the handlers.
2. A one-time wrapper around ``BaseClient._make_api_call`` gives clients built earlier
   (``boto3.DEFAULT_SESSION``'s, or a session without built-in handlers) the same handlers on first use,
   and remembers which clients were called while a simulation ran.
3. A backstop around ``Endpoint._send`` refuses every request that nothing in-process answered (orgsim,
   moto, a Stubber) while a simulation runs, whatever its service, except requests to the loopback
   interface; after a simulation, it keeps refusing the requests of clients called while it ran.
4. The credential chain stays shut while a simulation runs (``credentials``): no provider reads files,
   runs processes or calls a service, and credentials resolved earlier are not refreshed.

``answer`` is the handler: it finds the simulation answering the caller's context
(``orgsim.activation``), decodes the request as the service would (``wire``), reads the caller's
access key (``credentials``) and turns the outcome into what botocore expects (``response``).
aiobotocore's transport (``orgsim.adapters.aiobotocore``) builds on the same pieces.
"""

from .hooks import install, patch_client

__all__ = ["install", "patch_client"]
