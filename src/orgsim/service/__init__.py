"""The simulated API: one handler per operation, with identity, validation, errors and pagination.

Reads its rules (lengths, patterns, enums, output members) from the service models that ship with
botocore, at run time. Knows nothing of how a request reached it.
"""
