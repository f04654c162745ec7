"""Runs the built component with wasmtime-py and a small fake host.

    python test_component.py autoreply.wasm

Needs `pip install wasmtime` (any recent version with the component API; 50.0.1
was used). This checks the Python side only; the Rust integration tests load
the component in Plutanium's own runtime.
"""

import sys

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record, ResourceHost, ResourceType, Variant

config: list[tuple[str, str]] = [("reply.HELP", "Text STOP to stop. Message {count}."), ("reply.ping", "pong")]
store_kv: dict[str, bytes] = {}
logs: list[tuple] = []
KV_TYPE = 1  # any number naming the host's `kv` resource type


def build(path: str):
    """Compiles the component, links the fake host, returns `handle`."""
    engine = Engine()
    linker = Linker(engine)
    linker.add_wasip2()
    linker.add_wasi_http()
    with linker.root() as root:
        with root.add_instance("plutanium:gateway/types@0.1.0"):
            pass  # types only, nothing to define
        with root.add_instance("plutanium:gateway/host@0.1.0") as host:
            host.add_func("log", lambda _s, level, msg, fields: logs.append((level, msg, fields)))
            host.add_func("config", lambda _s: list(config))
            host.add_func("now", lambda _s: 1767225600000)
            host.add_resource("kv", ResourceType.host(KV_TYPE), lambda _s, _rep: None)
            host.add_func("[constructor]kv", lambda _s: ResourceHost.own(0, KV_TYPE))

            # Methods get `self` as a borrowed handle, which must be dropped
            # before returning. wasmtime-py picks a result's case by the
            # Python type, so a plain value (or None) is `ok`.
            def get(s, this, key):
                this.drop(s)
                return store_kv.get(key)

            def set_(s, this, key, value):
                this.drop(s)
                store_kv[key] = bytes(value)

            def delete(s, this, key):
                this.drop(s)
                store_kv.pop(key, None)

            def keys(s, this, prefix):
                this.drop(s)
                return sorted(k for k in store_kv if k.startswith(prefix))

            host.add_func("[method]kv.get", get)
            host.add_func("[method]kv.set", set_)
            host.add_func("[method]kv.delete", delete)
            host.add_func("[method]kv.keys", keys)

    store = Store(engine)
    store.set_wasi(WasiConfig())
    store.set_wasi_http()
    instance = linker.instantiate(store, Component.from_file(engine, path))
    processor = instance.get_export_index(store, "plutanium:gateway/processor@0.1.0")
    func = instance.get_func(store, instance.get_export_index(store, "handle", processor))

    def handle(event):
        result = func(store, event)
        func.post_return(store)
        return result

    return handle


def sms(sender: str, text: str) -> Variant:
    record = Record()
    fields = {"id": "1", "sender": sender, "recipient": "+420777000000", "text": text,
              "received-at": 1767225600000, "modem": "gsm0", "meta": []}
    for name, value in fields.items():
        setattr(record, name, value)
    return Variant("sms", record)


def main() -> None:
    handle = build(sys.argv[1] if len(sys.argv) > 1 else "autoreply.wasm")
    # `reply(string)` comes back as a plain str (the action variant's cases
    # have distinct Python types); the `error` variant as a tagged Variant.
    checks = [
        ("keyword, any case", sms("+420111", "help me"), ["Text STOP to stop. Message 1."]),
        ("counter goes up", sms("+420111", "HeLp"), ["Text STOP to stop. Message 2."]),
        ("other keyword", sms("+420222", "PING"), ["pong"]),
        ("no default: nothing", sms("+420222", "hello"), []),
        ("empty text", sms("+420222", "  "), Variant("permanent", "empty message")),
    ]
    call = Record()
    call.caller, call.modem, call.at = "+420111", "gsm0", 0
    checks.append(("a call: nothing", Variant("call", call), []))

    passed = failed = 0
    for name, event, want in checks:
        got = handle(event)
        ok = got == want
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {got!r}")

    config.append(("default", "Sorry? ({count})"))
    got = handle(sms("+420222", "hello"))
    ok = got == ["Sorry? (3)"] and store_kv == {"count/+420111": b"2", "count/+420222": b"3"}
    passed, failed = passed + ok, failed + (not ok)
    print(f"{'ok  ' if ok else 'FAIL'} default reply and kv: {got!r} {store_kv!r}")
    ok = logs[0] == ("info", "replied", [("sender", "+420111"), ("keyword", "help")])
    passed, failed = passed + ok, failed + (not ok)
    print(f"{'ok  ' if ok else 'FAIL'} log line: {logs[0]!r}")

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
