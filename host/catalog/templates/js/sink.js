// A Plutanium sink in JavaScript: counts the SMS each sender sent, in the
// connector's own store, and logs each one. The logic takes the host as an
// argument, so test/connector.test.js runs it under Node against a fake host;
// app.js gives it the real one.

export function sinkFor(host) {
  return {
    deliver(event) {
      if (event.tag !== 'sms') return;
      const key = `count/${event.val.sender}`;
      const kv = new host.Kv();
      const stored = kv.get(key);
      const count = (stored === undefined ? 0 : Number(new TextDecoder().decode(stored))) + 1;
      kv.set(key, new TextEncoder().encode(String(count)));
      // A WIT `s64` is a BigInt in JavaScript.
      host.logTyped('info', 'received', [
        ['sender', { tag: 'text', val: event.val.sender }],
        ['count', { tag: 'integer', val: BigInt(count) }],
      ]);
    },
  };
}
