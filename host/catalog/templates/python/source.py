"""A Plutanium source in Python: sends the configured `text` to `to` once a day.

The logic is in `due`, a plain function, so `test_app.py` tests it without
wasm; the class below is the glue to the host.
"""
from typing import List, Optional

DAY_MS = 24 * 60 * 60 * 1000


def due(now_ms: int, sent_day: Optional[bytes]) -> Optional[int]:
    """Today's day number if today's message is not sent yet, else None."""
    day = now_ms // DAY_MS
    return None if sent_day == str(day).encode() else day


try:
    from componentize_py_types import Err
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Source(exports.Source):
        def poll(self, max: int) -> List[types.Outbound]:
            config = dict(host.config())
            if "to" not in config:
                raise Err(types.Error_Config("missing config key `to`"))
            with host.Kv() as kv:
                day = due(host.now(), kv.get("sent-day"))
            if day is None or max == 0:
                return []
            options = types.SendOptions(types.Encoding.AUTO, False, False, None, None)
            # The key names the day, so a repeated poll never sends twice.
            return [types.Outbound(config["to"], config.get("text", "Good morning!"), f"daily:{day}", options)]

        def ack(self, keys: List[str]) -> None:
            with host.Kv() as kv:
                for key in keys:
                    kv.set("sent-day", key.removeprefix("daily:").encode())

        def reject(self, refused: List[tuple]) -> None:
            # Refused (by the daemon's policy, say): do not offer it again today.
            with host.Kv() as kv:
                for key, reason in refused:
                    host.log(host.LogLevel.WARN, "refused", [("key", key), ("reason", reason)])
                    kv.set("sent-day", key.removeprefix("daily:").encode())
