import { applyDecorators, Catch, type ExceptionFilter, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import type { EventContract } from '@pb/contracts';

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
