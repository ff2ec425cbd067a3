/** What a readiness dependency (store, broker) answered to its last probes. */
export interface DependencyState {
  /** Whether this dependency lets the instance count as ready. */
  ready: boolean;
  /** Whether the last probe succeeded. */
  reachable: boolean;
  /** How long the dependency has gone without a successful probe (0 while reachable). */
  unreachableForMs: number;
  details: Record<string, unknown>;
}

export interface DependencyWatchOptions {
  name: string;
  /** One round trip to the dependency; resolves details, rejects when it is unreachable. */
  probe: () => Promise<Record<string, unknown>>;
  /** Pause between probes. */
  intervalMs: number;
  /** A probe that takes longer counts as failed. */
  timeoutMs: number;
  /**
   * How long the dependency may go without a successful probe before readiness fails;
   * `Infinity`: never (the dependency is reported, not judged).
   */
  failAfterMs: number;
  now?: () => number;
}

/**
 * Probes one dependency in the background and keeps its last answer, so `/health/ready` never waits
 * on a round trip (docs/adr/0024). A probe that is slow under load, or one failed probe, does not
 * fail readiness: only `failAfterMs` without any success does. Before the first success it is not
 * ready (a starting instance takes no traffic).
 */
export class DependencyWatch {
  private lastOkAt: number | undefined;
  private lastDetails: Record<string, unknown> = {};
  private lastError: string | undefined;
  private startedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: DependencyWatchOptions) {
    this.now = options.now ?? Date.now;
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = this.now();
    void this.probeOnce();
    this.timer = setInterval(() => void this.probeOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One probe now (concurrent callers share it); never rejects. */
  probeOnce(): Promise<void> {
    this.inflight ??= this.runProbe().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async runProbe(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      });
      this.lastDetails = await Promise.race([this.options.probe(), timeout]);
      this.lastOkAt = this.now();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The state readiness reports. Before the first answer it waits for the probe in flight. */
  async state(): Promise<DependencyState> {
    if (this.lastOkAt === undefined && this.lastError === undefined) await (this.inflight ?? this.probeOnce());
    return this.stateNow();
  }

  stateNow(): DependencyState {
    const now = this.now();
    if (this.lastOkAt === undefined) {
      return {
        ready: false,
        reachable: false,
        unreachableForMs: now - (this.startedAt ?? now),
        details: { message: this.lastError ?? 'not probed yet' },
      };
    }
    const reachable = this.lastError === undefined;
    const unreachableForMs = reachable ? 0 : now - this.lastOkAt;
    return {
      ready: unreachableForMs < this.options.failAfterMs,
      reachable,
      unreachableForMs,
      details: reachable ? this.lastDetails : { message: this.lastError, unreachableForMs },
    };
  }
}
