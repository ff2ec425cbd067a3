import type { Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { Lease } from '@pb/persistence';

export interface PeriodicRunnerOptions {
  /** Interval between runs; 0 (or less) turns the timer off, and callers run it themselves (tests). */
  everyMs: number;
  /** When given, a run happens only on the replica holding it; stop() releases it. */
  lease?: Lease;
  /** The instant a timer run is for (the service's clock); the lease expiry counts from it. */
  now?: () => Date;
}

/**
 * Runs a task every `everyMs`: never two runs at once (a tick that finds one running is skipped, and
 * `run()` waits its turn), only while this replica holds the lease, a failing run logged and retried
 * at the next tick, and `stop()` waits for the run in flight before it releases the lease.
 * A plain interval: no scheduling library, because none waits for the run in flight on stop or
 * knows about the lease, and the rest is a few lines (issue 16).
 */
export class PeriodicRunner<R> {
  private timer?: NodeJS.Timeout;
  private tail: Promise<unknown> = Promise.resolve();
  private inFlight = 0;

  constructor(
    private readonly logger: Logger,
    private readonly task: (now: Date | undefined) => Promise<R>,
    private readonly options: PeriodicRunnerOptions,
  ) {}

  start(): void {
    if (this.options.everyMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.inFlight > 0) return;
      this.run().catch((err: unknown) => this.logger.error(`run failed: ${err instanceof Error ? err.message : String(err)}`));
    }, this.options.everyMs);
  }

  /** One run now, after the one in flight; undefined when another replica holds the lease. */
  run(now: Date | undefined = this.options.now?.()): Promise<R | undefined> {
    this.inFlight++;
    const run = this.tail.then(async () => {
      if (this.options.lease && !(await this.options.lease.acquire(now))) return undefined;
      return this.task(now);
    });
    this.tail = run.catch(() => undefined).finally(() => this.inFlight--);
    return run;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tail;
    await this.options.lease?.release().catch(() => undefined);
  }
}

/**
 * A job one replica runs at a time: its lease `name` on `connection` (three ticks long, a minute at
 * least, so a slow pass keeps it) and a runner every `everyMs` on the service's clock.
 */
export function leasedRunner<R>(
  logger: Logger,
  connection: Connection,
  name: string,
  everyMs: number,
  clock: { now(): Date },
  task: (now: Date) => Promise<R>,
): { lease: Lease; runner: PeriodicRunner<R> } {
  const lease = new Lease(connection, name, Math.max(everyMs * 3, 60_000));
  const runner = new PeriodicRunner(logger, (now) => task(now ?? clock.now()), { everyMs, lease, now: () => clock.now() });
  return { lease, runner };
}
