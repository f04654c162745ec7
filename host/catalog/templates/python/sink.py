"""A Plutanium sink in Python: counts the events it receives, in its key-value store.

The logic is in `next_count`, a plain function, so `test_app.py` tests it
without wasm; the class below is the glue to the host.
"""
from typing import Optional


def next_count(stored: Optional[bytes]) -> bytes:
    """The stored counter plus one."""
    return str(int(stored or b"0") + 1).encode()


try:
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Sink(exports.Sink):
        def deliver(self, event: types.Event) -> None:
            kind = type(event).__name__.removeprefix("Event_").lower()
            with host.Kv() as kv:
                kv.set(f"count/{kind}", next_count(kv.get(f"count/{kind}")))
