"""The simulated AWS: accounts, organizations, handshakes and their rules.

Pure Python. Every operation takes the caller's account id and ``now``; nothing
here reads a clock or knows about botocore.
"""
