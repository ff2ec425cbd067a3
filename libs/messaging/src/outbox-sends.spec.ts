import { describe, expect, it } from '@jest/globals';
import { sendsOf } from './outbox-relay.js';

const msg = (topic: string, key: string, value: string) => ({ topic, message: { key, value, headers: { ce_id: key } } });
/** The messages of the sends, in the order they go out: topic/key. */
const order = (sends: ReturnType<typeof sendsOf>) =>
  sends.map((send) => send.flatMap((t) => t.messages.map((m) => `${t.topic}/${String(m.key)}`)));

describe('sendsOf (the relay splits a read into sends under the broker limit)', () => {
  it('keeps the order and cuts where the next message would pass the limit, counting UTF-8 bytes', () => {
    // Each message: key 2 + value + header name 5 + value 2 bytes; '党' is 3 bytes in UTF-8.
    const messages = [
      msg('a', 'k1', '党'.repeat(10)),
      msg('b', 'k2', '党'.repeat(10)),
      msg('a', 'k3', '党'.repeat(10)),
      msg('a', 'k4', 'x'),
    ];
    const sends = sendsOf(messages, 80);
    expect(order(sends)).toEqual([
      ['a/k1', 'b/k2'],
      ['a/k3', 'a/k4'],
    ]);
    // Counting characters (10 each) instead of bytes (30 each) would have put the first three in one send.
    expect(sendsOf(messages, 1_000).length).toBe(1);
  });

  it('sends a message larger than the limit alone rather than never', () => {
    const sends = sendsOf([msg('a', 'k1', 'y'.repeat(500)), msg('a', 'k2', 'z')], 100);
    expect(order(sends)).toEqual([['a/k1'], ['a/k2']]);
  });
});
