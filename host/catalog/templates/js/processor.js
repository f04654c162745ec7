// A Plutanium processor in JavaScript: answers every SMS with a prefix and its
// text. The logic takes the host as an argument, so test/connector.test.js
// runs it under Node against a fake host; app.js gives it the real one.

// A WIT variant is `{ tag, val }` in JavaScript; a `result` error is thrown.
export function processorFor(host) {
  return {
    handle(event) {
      // Calls and delivery statuses pass on unchanged.
      if (event.tag !== 'sms') return [];
      const sms = event.val;
      if (sms.text.trim() === '') {
        // Recorded as failed, not retried.
        throw { tag: 'permanent', val: 'empty message' };
      }
      const config = new Map(host.config());
      host.logTyped('info', 'answering', [['sender', { tag: 'text', val: sms.sender }]]);
      return [{ tag: 'reply', val: (config.get('prefix') ?? 'You said: ') + sms.text }];
    },
  };
}
