"""Local servers that speak real engine protocols, for tests: nothing here touches the network.

Each server binds 127.0.0.1 on an ephemeral port, answers in a thread, records every request, and
misbehaves on demand (see :mod:`servers.behaviours`).  Tests import them as ``servers.*``
(``tests/`` is on ``sys.path`` through the root ``conftest.py``), or use the fixtures it exports.
"""
