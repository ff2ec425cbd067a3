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
/**
 * A socket the driver wrote to as the store went away, before it wrapped the failure in a network error
 * ("This socket has been ended by the other party", EPIPE): seen when a store stops under load.
 */
const LOST_SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTCONN']);
/** Driver errors by name where the class is not exported (the pool closed under a restart). */
const UNAVAILABLE_NAMES = new Set(['MongoPoolClosedError', 'MongoPoolClearedError', 'MongoPoolClearedOnNetworkError']);

/**
 * Whether an error (or one it wraps as `cause`) says the store is down, restarting or electing: a
 * network error (pool cleared included), no server selectable, a client not connected or closed, a
 * node that is not primary, mongoose giving up on a buffered operation, or the socket itself lost. Such a request may succeed
 * when retried, so it is a 503 with Retry-After, never a 500.
 */
export function isStoreUnavailable(err: unknown): boolean {
  let e: unknown = err;
  // Not `instanceof Error`: Node's own socket errors may come from another realm (a test's sandbox).
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    if (
      e instanceof MongoNetworkError ||
      e instanceof MongoServerSelectionError ||
      e instanceof MongoNotConnectedError ||
      e instanceof MongoTopologyClosedError ||
      e instanceof MongoServerClosedError ||
      e instanceof mongoose.Error.MongooseServerSelectionError ||
      UNAVAILABLE_NAMES.has(String((e as { name?: unknown }).name))
    ) {
      return true;
    }
    if (e instanceof MongoError && (UNAVAILABLE_CODES.has(Number(e.code)) || e.hasErrorLabel('ResetPool'))) return true;
    if (e instanceof mongoose.Error && /buffering timed out/.test(e.message)) return true;
    if (LOST_SOCKET_CODES.has(String((e as NodeJS.ErrnoException).code))) return true;
  }
  return false;
}
