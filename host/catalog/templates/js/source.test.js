import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sourceFor } from '../connector.js';
import { fakeHost } from './fake-host.js';

const DAY = 24 * 60 * 60 * 1000;

test('offers one message a day until it is acknowledged', () => {
  const host = fakeHost({ config: { to: '+420777123456', text: 'hello' }, now: 3 * DAY + 5 });
  const source = sourceFor(host);
  const [message] = source.poll(10);
  assert.equal(message.key, 'daily:3');
  assert.equal(message.text, 'hello');
  assert.equal(source.poll(10).length, 1, 'offered again until acknowledged');
  source.ack([message.key]);
  assert.deepEqual(source.poll(10), []);
});

test('without `to` it is a config error', () => {
  assert.throws(() => sourceFor(fakeHost()).poll(1), { tag: 'config' });
});
