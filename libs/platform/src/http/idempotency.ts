import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { createHash, randomUUID } from 'node:crypto';
import { problem } from './problem.js';

/**
 * Idempotency-Key, done one way for every service (docs/adr/0016). A request carries its key and a
 * hash of what it asks (`requestHash`: the canonical JSON of its body, so the same body with its keys
 * in another order is the same request). The owner of the resource records the key with the change it
 * made, in the same write; the answer the first request got is kept aside (`IdempotentAnswers`), so a
 * retry gets exactly that answer (status, ETag, body), not the resource as it is now.
 */
export interface IdempotencyRequest {
  key: string;
  requestHash: string;
}

/**
 * JSON with every object's keys in code-point order and no insignificant whitespace: two bodies that
 * differ only in key order (or in whitespace) have the same canonical JSON. Arrays keep their order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, sorted(obj[k])]),
  );
}

/** SHA-256 of the canonical JSON of a request body. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The answer of the first request with a key: what a retry with the same key gets again. */
export interface IdempotentAnswer {
  status: number;
  /** The ETag the first answer carried, if any. */
  etag?: string;
  /** The body, as the JSON the first request got. */
  body: unknown;
}

interface StoredAnswer extends IdempotentAnswer {
  _id: string;
  at: Date;
}

/** 422: the key was used before for a different request. */
export function idempotencyKeyReused() {
  return problem.idempotencyKeyReused({
    zh: '此 Idempotency-Key 已用于另一个请求',
    en: 'This Idempotency-Key was used for a different request',
  });
}

/** How long a first answer is kept for its retries. */
export const IDEMPOTENT_ANSWER_TTL_SECONDS = 7 * 86_400;

/**
 * The first answers of idempotent operations, by an id the owner records with its change (collection
 * `idempotent_answers`, swept after a week). Saved *before* the change is written: an answer whose
 * change never got written is never found (no record in the resource names it) and is swept; one whose
 * change was written is there for every retry. Reached only through the id a scoped read of the
 * resource gave, so it needs no scope of its own.
 */
@Injectable()
export class IdempotentAnswers implements OnModuleInit {
  private readonly answers: Collection<StoredAnswer>;
  private sweptAt = 0;

  constructor(@InjectConnection() connection: Connection) {
    this.answers = connection.collection<StoredAnswer>('idempotent_answers');
  }

  async onModuleInit() {
    // Serves: the sweep of answers older than the TTL (the local store has no TTL indexes, docs/adr/0003).
    await this.answers.createIndex({ at: 1 });
  }

  /** Keeps an answer (as plain JSON: what the caller would read) and returns the id to record with the change. */
  async save(answer: IdempotentAnswer, id: string = randomUUID(), now = new Date()): Promise<string> {
    const body = JSON.parse(JSON.stringify(answer.body ?? null)) as unknown;
    await this.answers.insertOne({ _id: id, at: now, status: answer.status, ...(answer.etag ? { etag: answer.etag } : {}), body });
    await this.sweep(now);
    return id;
  }

  /** Drops answers older than the TTL, at most once an hour per replica (one indexed delete). */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.sweptAt < 3_600_000) return;
    this.sweptAt = now.getTime();
    await this.answers.deleteMany({ at: { $lt: new Date(now.getTime() - IDEMPOTENT_ANSWER_TTL_SECONDS * 1000) } });
  }

  async find(id: string): Promise<IdempotentAnswer | null> {
    const found = await this.answers.findOne({ _id: id });
    if (!found) return null;
    return { status: found.status, ...(found.etag ? { etag: found.etag } : {}), body: found.body };
  }

  /** Drops an answer whose change was not written (a concurrent write won). */
  async discard(id: string): Promise<void> {
    await this.answers.deleteOne({ _id: id });
  }
}

/** Sends a first answer again: its status, its ETag, its body, marked `Idempotent-Replayed: true`. */
export function replayAnswer<T>(
  reply: { header(name: string, value: string): unknown; status(code: number): unknown },
  answer: IdempotentAnswer,
): T {
  void reply.header('idempotent-replayed', 'true');
  if (answer.etag) void reply.header('etag', answer.etag);
  void reply.status(answer.status);
  return answer.body as T;
}
