// js-autoreply: a Plutanium processor connector written in JavaScript.
//
// It answers inbound SMS by keyword. The operator's config says what to answer:
//
//     reply.HELP:  "Text STOP to unsubscribe."
//     reply.COUNT: "You have written to us {count} times."
//     default:     "Sorry, we did not understand. Text HELP."   (optional)
//
// The first word of the SMS picks the `reply.<KEYWORD>` entry (case-insensitive);
// anything else gets `default`, or no answer at all when there is none.
// `{count}` in a reply becomes the number of messages this sender has sent,
// counted in the connector's own durable key-value store.
//
// componentize-js turns this file into a WebAssembly component; see README.md.

// What the host offers, by its WIT interface name. Functions are camelCase
// (`log-typed` is `logTyped`); the `kv` resource is the class `Kv`.
import { config, logTyped, Kv } from 'plutanium:gateway/host@0.1.1';

// A WIT variant is `{ tag, val }` in JavaScript: `{ tag: 'reply', val: text }`
// is the action `reply(text)`. A function that returns `result<T, E>` returns
// its `T`, and throws its `E` (`{ tag: 'permanent', val: why }`).
function fail(kind, why) {
  return { tag: kind, val: why };
}

/** The config: keyword (lower case) -> reply text, and the default. */
function replyRules() {
  const replies = new Map();
  let fallback;
  // `config()` is a list of [key, value] pairs.
  for (const [key, value] of config()) {
    if (key.startsWith('reply.')) {
      replies.set(key.slice('reply.'.length).toLowerCase(), value);
    } else if (key === 'default') {
      fallback = value;
    }
  }
  return { replies, fallback };
}

/** Adds one to the sender's message counter in the KV store; returns it. */
function bumpCount(sender) {
  const key = `count/${sender}`;
  let kv;
  try {
    // The resource's WIT constructor opens this connector's store.
    kv = new Kv();
    // A `Uint8Array`, or `undefined` when the key is missing.
    const stored = kv.get(key);
    const before = stored === undefined ? 0 : Number(new TextDecoder().decode(stored));
    // Not a number (written by hand?): start again.
    const count = Number.isInteger(before) ? before + 1 : 1;
    kv.set(key, new TextEncoder().encode(String(count)));
    return count;
  } catch (e) {
    // A host function's error arrives as a thrown `ComponentError` whose
    // `payload` is the WIT `kv-error` variant.
    const error = e.payload ?? { tag: 'unavailable', val: String(e) };
    if (error.tag === 'too-large') {
      throw fail('permanent', `kv: value too large (${error.val} bytes allowed)`);
    }
    // The store being unavailable is a passing problem: retry later.
    throw fail('transient', `kv: ${error.val}`);
  } finally {
    // Resources are freed when dropped; do it now rather than at GC.
    kv?.[Symbol.dispose]?.();
  }
}

// The export: an object named after the interface (`processor`).
export const processor = {
  handle(event) {
    // An event is `{ tag: 'sms' | 'call' | 'status', val }`. This connector
    // only answers SMS: an empty list passes the others on unchanged.
    if (event.tag !== 'sms') {
      return [];
    }
    const sms = event.val;
    const words = sms.text.split(/\s+/).filter((word) => word.length > 0);
    if (words.length === 0) {
      // The error `permanent(string)`: recorded as failed, not retried.
      throw fail('permanent', 'empty message');
    }
    const count = bumpCount(sms.sender);
    const { replies, fallback } = replyRules();
    let keyword = words[0].toLowerCase();
    let text = replies.get(keyword);
    if (text === undefined) {
      if (fallback === undefined) {
        return []; // unknown keyword and no default: no action
      }
      text = fallback;
      keyword = 'default';
    }
    // `log-typed` (contract 0.1.1): the count stays a number in the JSON log.
    // A WIT `s64` is a BigInt in JavaScript.
    logTyped('info', 'replied', [
      ['sender', { tag: 'text', val: sms.sender }],
      ['keyword', { tag: 'text', val: keyword }],
      ['count', { tag: 'integer', val: BigInt(count) }],
    ]);
    return [{ tag: 'reply', val: text.replaceAll('{count}', String(count)) }];
  },
};
