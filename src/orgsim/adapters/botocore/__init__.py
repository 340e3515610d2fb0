"""botocore's clients, answered in-process at the ``before-call`` event.

Installed once per process and dormant while no simulation runs (``install``). Three layers, so that
no request for a simulated service leaves the process while a simulation runs:

1. ``BUILTIN_HANDLERS``: every botocore session created from now on carries the handlers.
2. A one-time wrapper around ``BaseClient._make_api_call`` gives clients built earlier
   (``boto3.DEFAULT_SESSION``'s, or a session without built-in handlers) the same handlers on first use.
3. A backstop around ``Endpoint._send`` refuses anything for these services that still got that far.

``answer`` is the handler: it finds the simulation answering the caller's context
(``orgsim.activation``), decodes the request as the service would (``wire``), reads the caller's
access key (``credentials``) and turns the outcome into what botocore expects (``response``).
"""

from .hooks import install, patch_client

__all__ = ["install", "patch_client"]
