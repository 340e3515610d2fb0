"""The simulation over HTTP, for clients outside the process: the AWS CLI, other SDKs, Terraform.

``app``: a WSGI application speaking each service's protocol as AWS does (Organizations' JSON 1.1,
STS's query protocol), over the same service facade the in-process adapter uses. ``auth``: who is
calling, from the SigV4 signature. ``encode``: response bodies from botocore's shapes. ``server``:
a threaded server for the application. ``environment``: the ``AWS_ENDPOINT_URL_*`` variables that
point child processes at it. ``orgsim.serving`` puts these together for ``Simulation.serve``.
"""
