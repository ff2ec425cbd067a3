import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { ProblemException } from '@pb/platform';

interface IdempotencyRecord {
  _id: string;
  requestHash: string;
  state: 'in-progress' | 'done';
  status?: number;
  response?: unknown;
  startedAt: Date;
}

/** How long an interrupted request's key stays claimed before a retry may run it again. */
const STALE_CLAIM_MS = 60_000;

/**
 * `Idempotency-Key` on unsafe requests: the first request with a key runs; a retry with the same key
 * and the same body gets the first result; the same key with another body is refused (422).
 * Keys are per account, kept in the service's database.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get keys(): Collection<IdempotencyRecord> {
    return this.connection.collection<IdempotencyRecord>('idempotency_keys');
  }

  async run<T>(scope: string, key: string, request: unknown, work: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T; replayed: boolean }> {
    if (!/^[A-Za-z0-9._:-]{8,128}$/.test(key)) {
      throw new ProblemException(400, 'https://partybuilding.edu.cn/problems/validation', { zh: 'Idempotency-Key 格式無效', en: 'Invalid Idempotency-Key' }, undefined, [
        { pointer: '/headers/idempotency-key', rule: 'pattern', message: { zh: '應為 8-128 個字母、數字或 ._:-', en: 'must be 8-128 letters, digits or ._:-' } },
      ]);
    }
    const _id = `${scope}/${key}`;
    const requestHash = createHash('sha256').update(JSON.stringify(request ?? null)).digest('hex');
    const now = new Date();
    try {
      await this.keys.insertOne({ _id, requestHash, state: 'in-progress', startedAt: now });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const existing = await this.keys.findOne({ _id });
      if (!existing) throw err;
      if (existing.requestHash !== requestHash) {
        throw new ProblemException(422, 'https://partybuilding.edu.cn/problems/idempotency-key-reused', {
          zh: '此 Idempotency-Key 已用於另一個請求',
          en: 'This Idempotency-Key was used for a different request',
        });
      }
      if (existing.state === 'done') return { status: existing.status ?? 200, body: existing.response as T, replayed: true };
      const stale = now.getTime() - existing.startedAt.getTime() > STALE_CLAIM_MS;
      const reclaimed = stale && (await this.keys.updateOne({ _id, state: 'in-progress', startedAt: existing.startedAt }, { $set: { startedAt: now } })).modifiedCount === 1;
      if (!reclaimed) {
        throw new ProblemException(409, 'https://partybuilding.edu.cn/problems/request-in-progress', {
          zh: '相同的請求正在處理，請稍後重試',
          en: 'The same request is in progress; retry shortly',
        });
      }
    }
    try {
      const result = await work();
      await this.keys.updateOne({ _id }, { $set: { state: 'done', status: result.status, response: result.body } });
      return { ...result, replayed: false };
    } catch (err) {
      // A refused request may be retried with the same key once its cause is fixed.
      await this.keys.deleteOne({ _id, state: 'in-progress' });
      throw err;
    }
  }
}
