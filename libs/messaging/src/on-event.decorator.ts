import { applyDecorators, Catch, type ExceptionFilter, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import type { CloudEventAttributes, EventContract } from '@pb/contracts';

/**
 * How a handler is kept from applying one event twice (redelivery, offset replay, relay re-send):
 * - `ledger` (default): the transport skips an event whose id is in the consumer group's ledger and
 *   records the id after the handler succeeds. Suits any effect; a crash between the effect and
 *   the record re-applies that one event once.
 * - `effect`: the handler's own write is idempotent and records the event in the same write
 *   (`applyOnce`, `insertOnce`); the transport skips the ledger round trips.
 */
export type Idempotency = 'ledger' | 'effect';

export interface OnEventOptions {
  idempotency?: Idempotency;
}

/** Key of the handler's settings in the Nest pattern extras the transport reads. */
export const ON_EVENT_EXTRAS = 'pb.onEvent';

export interface OnEventExtras {
  contract: EventContract;
  idempotency: Idempotency;
  /** Set by `@OnEventBatch`: the handler takes a run of consecutive records at once. */
  batch?: { contracts: readonly EventContract[]; maxRecords: number };
}

/**
 * Hands a handler's exception to the transport as it was thrown. Without it Nest's RPC exception
 * handler turns any error into `{ status: 'error', message: 'Internal server error' }`, and the
 * dead-letter record would not say what failed.
 */
@Catch()
export class RethrowToTransport implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Declares the handler of one event type and version. The hybrid app's Kafka transport subscribes
 * to the contract's topic, validates each record against the contract, retries a failing handler,
 * dead-letters what keeps failing, and applies each event once (`options.idempotency`).
 */
export function OnEvent(contract: EventContract, options: OnEventOptions = {}): MethodDecorator {
  const extras: OnEventExtras = { contract, idempotency: options.idempotency ?? 'ledger' };
  return applyDecorators(EventPattern<string>(contract.type, { [ON_EVENT_EXTRAS]: extras }), UseFilters(RethrowToTransport));
}

/** One record of a run handed to an `@OnEventBatch` handler: its data, CloudEvent attributes and position. */
export interface EventBatchItem<D = unknown> {
  data: D;
  event: CloudEventAttributes;
  /** Where the record sits: all items of one call come from one partition, in offset order. */
  record: { topic: string; partition: number; offset: string; key: string | null };
}

export interface OnEventBatchOptions {
  /** The most records in one call (500; the ledger asks the store for their ids at once). */
  maxRecords?: number;
}

/**
 * Declares a handler that folds runs of records into fewer writes (read-model counters): the
 * transport collects the consecutive records of one partition whose types are among `contracts`,
 * validates each (an invalid one is dead-lettered alone), drops those the group's ledger already
 * holds, and calls the handler once with the rest (`EventBatchItem[]`), then records them all in
 * the ledger. A run that keeps failing is retried record by record, so only the failing record is
 * dead-lettered.
 *
 * A crash between the handler's writes and the ledger record hands the same records (same
 * partition and offsets) to the handler again: its writes must skip the positions they already
 * applied, for example by keeping the last applied offset per partition in each document they
 * change, in the same single-document write.
 */
export function OnEventBatch(contracts: readonly EventContract[], options: OnEventBatchOptions = {}): MethodDecorator {
  if (contracts.length === 0) throw new Error('@OnEventBatch needs at least one event contract');
  const extras: OnEventExtras = {
    contract: contracts[0],
    idempotency: 'ledger',
    batch: { contracts, maxRecords: options.maxRecords ?? 500 },
  };
  return applyDecorators(
    EventPattern<string[]>(
      contracts.map((c) => c.type),
      { [ON_EVENT_EXTRAS]: extras },
    ),
    UseFilters(RethrowToTransport),
  );
}
