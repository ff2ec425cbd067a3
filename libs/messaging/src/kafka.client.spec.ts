import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isTransient, KafkaClient } from './kafka.client.js';

// "This server does not host this topic-partition" as the broker answers while a topic is being created.
/** A broker error as kafkajs builds it from an answer (its typings declare only an Error argument). */
const protocolError = (answer: { type: string; code: number; retriable: boolean; message: string }) =>
  new KafkaJSProtocolError(answer as unknown as Error);
const unknownTopic = () =>
  protocolError({
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition',
  });

describe('isTransient', () => {
  it('retries what kafkajs marks retriable, and retries given up on a retriable cause', () => {
    expect(isTransient(unknownTopic())).toBe(true);
    expect(isTransient(new KafkaJSNumberOfRetriesExceeded(unknownTopic(), { retryCount: 2, retryTime: 1000 }))).toBe(true);
  });
  it('does not retry an error that will not change', () => {
    const invalid = protocolError({ type: 'INVALID_TOPIC_EXCEPTION', code: 17, retriable: false, message: 'invalid topic' });
    expect(isTransient(invalid)).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });
});

describe('KafkaClient.ensureTopics', () => {
  const client = () => new KafkaClient({ service: 'unit', brokers: ['127.0.0.1:1'] });

  it('keeps trying while a new topic is briefly unknown to the broker, then creates only the missing ones', async () => {
    const createTopics = jest
      .fn<Admin['createTopics']>()
      .mockRejectedValueOnce(unknownTopic())
      .mockRejectedValueOnce(unknownTopic())
      .mockResolvedValue(true);
    const admin = { listTopics: jest.fn<Admin['listTopics']>().mockResolvedValue(['a']), createTopics } as unknown as Admin;
    const c = client();
    jest.spyOn(c, 'getAdmin').mockResolvedValue(admin);
    await c.ensureTopics([{ topic: 'a' }, { topic: 'b', compacted: true }]);
    expect(createTopics).toHaveBeenCalledTimes(3);
    expect(createTopics.mock.calls[2][0].topics.map((t) => t.topic)).toEqual(['b']);
    // Known now: no second round trip.
    await c.ensureTopics([{ topic: 'b' }]);
    expect(createTopics).toHaveBeenCalledTimes(3);
  });

  it('creates a state topic of the contracts compacted, whoever asks first (a consumer, a service starting, a test)', async () => {
    const createTopics = jest.fn<Admin['createTopics']>().mockResolvedValue(true);
    const admin = { listTopics: jest.fn<Admin['listTopics']>().mockResolvedValue([]), createTopics } as unknown as Admin;
    const c = client();
    jest.spyOn(c, 'getAdmin').mockResolvedValue(admin);
    await c.ensureTopics([{ topic: 'orgs.units.state.v1' }, { topic: 'orgs.units.v1' }, { topic: 'orgs.units.state.v1.dlq.g' }]);
    const made = createTopics.mock.calls[0][0].topics.map((t) => [t.topic, t.configEntries ?? []]);
    expect(made).toEqual([
      ['orgs.units.state.v1', [{ name: 'cleanup.policy', value: 'compact' }]],
      ['orgs.units.v1', []],
      ['orgs.units.state.v1.dlq.g', []],
    ]);
  });

  it('fails at once on an error that retrying cannot fix', async () => {
    const invalid = protocolError({ type: 'INVALID_TOPIC_EXCEPTION', code: 17, retriable: false, message: 'invalid topic' });
    const admin = {
      listTopics: jest.fn<Admin['listTopics']>().mockResolvedValue([]),
      createTopics: jest.fn<Admin['createTopics']>().mockRejectedValue(invalid),
    } as unknown as Admin;
    const c = client();
    jest.spyOn(c, 'getAdmin').mockResolvedValue(admin);
    await expect(c.ensureTopics([{ topic: 'bad topic' }])).rejects.toBe(invalid);
    expect(admin.createTopics).toHaveBeenCalledTimes(1);
  });
});

describe('KafkaClient client id', () => {
  /**
   * The client id a connection's requests name (request header v1: size, api key, api version,
   * correlation id, then the client id as an int16-length string), read by a listener that answers
   * every request "unsupported version" (error 35): kafkajs tries each ApiVersions version, then gives
   * up for good, so nothing keeps reconnecting after the test.
   */
  async function clientIdsSent(options: { service: string; clientId?: string }): Promise<Set<string>> {
    const ids = new Set<string>();
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          const request = buf.subarray(4, 4 + buf.readInt32BE(0));
          buf = buf.subarray(4 + request.length);
          ids.add(request.subarray(10, 10 + request.readInt16BE(8)).toString('utf8'));
          const answer = Buffer.alloc(10);
          answer.writeInt32BE(6, 0);
          answer.writeInt32BE(request.readInt32BE(4), 4); // the correlation id
          answer.writeInt16BE(35, 8); // UNSUPPORTED_VERSION
          socket.write(answer);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // kafkajs logs each refused version as an error; expected here.
    const quiet = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const client = new KafkaClient({ ...options, brokers: [`127.0.0.1:${(server.address() as AddressInfo).port}`] });
      const admin = client.kafka.admin();
      await expect(admin.connect()).rejects.toThrow(/API Versions not supported/);
      await admin.disconnect();
      return ids;
    } finally {
      quiet.mockRestore();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('names its connections by the clientId it was given (KAFKA_CLIENT_ID), else by the service', async () => {
    expect(await clientIdsSent({ service: 'reporting', clientId: 'gz-reporting' })).toEqual(new Set(['gz-reporting']));
    expect(await clientIdsSent({ service: 'reporting' })).toEqual(new Set(['reporting']));
  });
});
