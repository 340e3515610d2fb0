"""Transports: how requests reach the simulated service. One package per client library (``botocore``),
plus the process environment every simulation shares (``environment``). They know the client libraries
and nothing of the service's rules: each hands a route, the decoded parameters and the caller's access
key to ``SimulatedAWS.answer``."""
