import { test } from 'node:test';
import assert from 'node:assert/strict';

import { processorFor } from '../connector.js';
import { fakeHost } from './fake-host.js';

const sms = (text) => ({
  tag: 'sms',
  val: { id: '1', sender: '+420777123456', recipient: '+420777000000', text, receivedAt: 0n, modem: 'gsm0', meta: [] },
});

test('answers with the prefix and logs the sender', () => {
  const host = fakeHost({ config: { prefix: 'Echo: ' } });
  assert.deepEqual(processorFor(host).handle(sms('hello')), [{ tag: 'reply', val: 'Echo: hello' }]);
  assert.deepEqual(host.logs[0].fields, { sender: '+420777123456' });
});

test('an empty message is a permanent error', () => {
  assert.throws(() => processorFor(fakeHost()).handle(sms('  ')), { tag: 'permanent', val: 'empty message' });
});

test('calls pass on unchanged', () => {
  const call = { tag: 'call', val: { caller: undefined, modem: 'gsm0', at: 0n } };
  assert.deepEqual(processorFor(fakeHost()).handle(call), []);
});
