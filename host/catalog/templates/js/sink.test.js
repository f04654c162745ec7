import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sinkFor } from '../connector.js';
import { fakeHost } from './fake-host.js';

const sms = (sender) => ({
  tag: 'sms',
  val: { id: '1', sender, recipient: '+420777000000', text: 'hi', receivedAt: 0n, modem: 'gsm0', meta: [] },
});

test('counts each sender in the store', () => {
  const host = fakeHost();
  const sink = sinkFor(host);
  sink.deliver(sms('+420777123456'));
  sink.deliver(sms('+420777123456'));
  sink.deliver(sms('+420777999999'));
  assert.equal(new TextDecoder().decode(host.store.get('count/+420777123456')), '2');
  assert.deepEqual(host.logs[1].fields, { sender: '+420777123456', count: 2n });
});

test('calls are left alone', () => {
  const host = fakeHost();
  sinkFor(host).deliver({ tag: 'call', val: { caller: undefined, modem: 'gsm0', at: 0n } });
  assert.equal(host.store.size, 0);
});
