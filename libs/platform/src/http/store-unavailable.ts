import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import mongoose from 'mongoose';

/** Seconds a caller waits before retrying while the store is down or electing (a restart of the local store takes a few). */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * Server codes that say "not now" rather than "never": the node is not (or no longer) primary, is
 * shutting down or recovering, or cannot be reached (the driver's retryable-read codes).
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);
/** Driver errors by name where the class is not exported (the pool closed under a restart). */
const UNAVAILABLE_NAMES = new Set(['MongoPoolClosedError', 'MongoPoolClearedError', 'MongoPoolClearedOnNetworkError']);

/**
 * Whether an error (or one it wraps as `cause`) says the store is down, restarting or electing: a
 * network error (pool cleared included), no server selectable, a client not connected or closed, a
 * node that is not primary, or mongoose giving up on a buffered operation. Such a request may succeed
 * when retried, so it is a 503 with Retry-After, never a 500.
 */
export function isStoreUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (
      e instanceof MongoNetworkError ||
      e instanceof MongoServerSelectionError ||
      e instanceof MongoNotConnectedError ||
      e instanceof MongoTopologyClosedError ||
      e instanceof MongoServerClosedError ||
      e instanceof mongoose.Error.MongooseServerSelectionError ||
      UNAVAILABLE_NAMES.has(e.name)
    ) {
      return true;
    }
    if (e instanceof MongoError && (UNAVAILABLE_CODES.has(Number(e.code)) || e.hasErrorLabel('ResetPool'))) return true;
    if (e instanceof mongoose.Error && /buffering timed out/.test(e.message)) return true;
  }
  return false;
}
