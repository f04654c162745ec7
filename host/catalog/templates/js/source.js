// A Plutanium source in JavaScript: sends the configured `text` to `to` once a
// day. The logic takes the host as an argument, so test/connector.test.js runs
// it under Node against a fake host; app.js gives it the real one.

const DAY_MS = 24n * 60n * 60n * 1000n;

export function sourceFor(host) {
  const sentDay = (kv, key) => kv.set('sent-day', new TextEncoder().encode(key.replace(/^daily:/, '')));
  return {
    poll(max) {
      const config = new Map(host.config());
      if (!config.has('to')) throw { tag: 'config', val: 'missing config key `to`' };
      const day = String(host.now() / DAY_MS);
      const stored = new host.Kv().get('sent-day');
      if (max === 0 || (stored !== undefined && new TextDecoder().decode(stored) === day)) return [];
      const options = { encoding: 'auto', statusReport: false, flash: false, validityMinutes: undefined, modem: undefined };
      // The key names the day, so a repeated poll never sends twice.
      return [{ to: config.get('to'), text: config.get('text') ?? 'Good morning!', key: `daily:${day}`, options }];
    },
    ack(keys) {
      const kv = new host.Kv();
      for (const key of keys) sentDay(kv, key);
    },
    reject(refused) {
      // Refused (by the daemon's policy, say): not offered again today.
      const kv = new host.Kv();
      for (const [key, reason] of refused) {
        host.log('warn', 'refused', [['key', key], ['reason', reason]]);
        sentDay(kv, key);
      }
    },
  };
}
