import { Logger } from '@nestjs/common';

/**
 * Runs `pass` every `intervalMs`, never two at once; `stop()` waits for the pass in flight. The
 * scheduler and the worker use it; tests leave it off (interval 0) and call their tick() instead.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly logger: Logger,
    private readonly pass: () => Promise<unknown>,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass()
        .catch((err: unknown) => this.logger.error(`pass failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (this.running = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
