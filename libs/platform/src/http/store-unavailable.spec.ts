import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { MongoNetworkError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import mongoose from 'mongoose';
import { problemTypeUrl } from '@pb/contracts';
import { ProblemDetailsFilter } from './problem.js';
import { isStoreUnavailable } from './store-unavailable.js';

// The driver's own classes, built as the driver builds them (not exported from the package root, so not typed).
const internal = (path: string) => import(`mongodb/lib/${path}.js`);
const { PoolClearedError } = (await internal('cmap/errors')) as {
  PoolClearedError: new (pool: { address: string; serverError?: Error }) => Error;
};
const { TopologyDescription } = (await internal('sdam/topology_description')) as {
  TopologyDescription: new (type: string) => unknown;
};

/** What the filter answered: status, headers and body, through a stand-in Fastify reply. */
function answer(error: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = { headers: {} };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ headers: { 'accept-language': 'en' }, url: '/api/v1/x', id: 'req-1' }),
      getResponse: () => reply,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(error, host);
  return sent;
}

const unavailable: [string, Error][] = [
  ['MongoNetworkError', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
  [
    'MongoServerSelectionError',
    new MongoServerSelectionError('Server selection timed out after 30000 ms', new TopologyDescription('Unknown') as never),
  ],
  ['pool cleared', new PoolClearedError({ address: '127.0.0.1:27017', serverError: new MongoNetworkError('reset') })],
  ['not primary', new MongoServerError({ message: 'not primary', code: 10107, codeName: 'NotWritablePrimary' })],
  ['shutting down', new MongoServerError({ message: 'interrupted at shutdown', code: 11600 })],
  ['client not connected', new MongoNotConnectedError('Client must be connected before running operations')],
  ['topology closed', new MongoTopologyClosedError()],
  ['MongooseServerSelectionError', new mongoose.Error.MongooseServerSelectionError('Could not connect to any servers')],
  ['mongoose buffering', new mongoose.Error('Operation `reports.findOne()` buffering timed out after 10000ms')],
  ['socket ended under a write', Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' })],
  ['wrapped as cause', new Error('read failed', { cause: new MongoNetworkError('socket hang up') })],
];

describe('a store that is down or restarting', () => {
  it.each(unavailable)('%s is a 503 problem+json with Retry-After, never a 500 about:blank', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
    const sent = answer(error);
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toMatch(/^\d+$/);
    expect(sent.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(sent.body).toMatchObject({ type: problemTypeUrl('storeUnavailable'), status: 503, correlationId: 'req-1' });
  });

  it('leaves other store errors alone: a duplicate key or a bad query is still the server error it was', () => {
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    expect(isStoreUnavailable(duplicate)).toBe(false);
    expect(isStoreUnavailable(new Error('boom'))).toBe(false);
    const sent = answer(duplicate);
    expect(sent.status).toBe(500);
    expect(sent.headers['retry-after']).toBeUndefined();
  });
});
