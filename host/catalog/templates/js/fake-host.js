// A stand-in for the Plutanium host, for tests under Node: the functions of
// `plutanium:gateway/host@0.1.1` with the config you give, a clock you set,
// an in-memory store, and the log lines kept to look at. The connector gets
// it where the component gets the real host (see app.js).

export function fakeHost({ config = {}, now = 0 } = {}) {
  const store = new Map();
  const logs = [];
  class Kv {
    get(key) {
      return store.get(key);
    }
    set(key, value) {
      store.set(key, Uint8Array.from(value));
    }
    delete(key) {
      store.delete(key);
    }
    keys(prefix) {
      return [...store.keys()].filter((key) => key.startsWith(prefix)).sort();
    }
    compareAndSet(key, expected, value) {
      const current = store.get(key);
      const same =
        current === undefined || expected === undefined
          ? current === expected
          : current.length === expected.length && current.every((b, i) => b === expected[i]);
      if (!same) return false;
      if (value === undefined) store.delete(key);
      else store.set(key, Uint8Array.from(value));
      return true;
    }
  }
  return {
    config: () => Object.entries(config),
    // A WIT `u64` is a BigInt in JavaScript.
    now: () => BigInt(now),
    log: (level, message, fields) => logs.push({ level, message, fields: Object.fromEntries(fields) }),
    logTyped: (level, message, fields) =>
      logs.push({ level, message, fields: Object.fromEntries(fields.map(([key, value]) => [key, value.val])) }),
    Kv,
    // For the tests: what was logged and stored.
    logs,
    store,
  };
}
