"""A Plutanium processor in Python: answers every SMS with a prefix and its text.

The logic is in `answer`, a plain function, so `test_app.py` tests it
without wasm; the class below is the glue to the host.
"""
from typing import List, Optional


def answer(text: str, prefix: str) -> Optional[str]:
    """The reply to an SMS, or None for no reply."""
    if not text.strip():
        return None
    return prefix + text


try:
    from componentize_py_types import Err
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Processor(exports.Processor):
        def handle(self, event: types.Event) -> List[types.Action]:
            if not isinstance(event, types.Event_Sms):
                return []
            config = dict(host.config())
            reply = answer(event.value.text, config.get("prefix", "You said: "))
            if reply is None:
                raise Err(types.Error_Permanent("empty message"))
            host.log(host.LogLevel.INFO, "answering", [("sender", event.value.sender)])
            return [types.Action_Reply(reply)]
