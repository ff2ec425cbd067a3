/**
 * The replicas of one upstream service as the gateway balances them (docs/adr/0024): round robin
 * over the replicas whose readiness answered 200 at the last poll, the others left out until they
 * answer again; when none is ready, every replica is tried (a wrong "not ready" must not take a
 * service away). With one URL (a Kubernetes Service, which balances itself) it is a plain URL: no
 * polling, always that one.
 */
export class ReplicaSet {
  private next = 0;
  private readonly notReady = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly urls: readonly string[],
    /** Whether a replica can take work now; `undefined`: no answer (keep what we knew). */
    private readonly isReady: (url: string) => Promise<boolean | undefined>,
  ) {
    if (urls.length === 0) throw new Error(`${name}: no upstream URL`);
  }

  /** The replica for the next attempt: a ready one not tried yet by this request, else any not tried, else the next in turn. */
  pick(tried: ReadonlySet<string> = new Set()): string {
    const untried = this.urls.filter((u) => !tried.has(u));
    const ready = untried.filter((u) => !this.notReady.has(u));
    const from = ready.length > 0 ? ready : untried.length > 0 ? untried : this.urls;
    const url = from[this.next % from.length];
    this.next = (this.next + 1) % 1_000_000;
    return url;
  }

  /** A replica that refused or dropped a connection is left out until its readiness answers 200. */
  markDown(url: string): void {
    if (this.urls.length > 1) this.notReady.add(url);
  }

  isMarkedDown(url: string): boolean {
    return this.notReady.has(url);
  }

  /** One readiness poll of every replica (several replicas only). */
  async poll(): Promise<void> {
    if (this.urls.length < 2) return;
    await Promise.all(
      this.urls.map(async (url) => {
        const ready = await this.isReady(url).catch(() => false);
        if (ready === true) this.notReady.delete(url);
        else if (ready === false) this.notReady.add(url);
      }),
    );
  }

  start(everyMs: number): void {
    if (this.urls.length < 2 || this.timer) return;
    let polling = false;
    this.timer = setInterval(() => {
      if (polling) return;
      polling = true;
      void this.poll().finally(() => (polling = false));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
