import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { backoffMs, DEFAULT_BACKOFF, supervise, type SupervisedHandle } from './supervisor.mjs';

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A child that exits when the test says so. */
function fakeChild(service: string) {
  let exit!: (e: Exit) => void;
  const exited = new Promise<Exit>((resolve) => (exit = resolve));
  return { service, exited, exit };
}
type Fake = ReturnType<typeof fakeChild>;

const fast = { initialMs: 5, maxMs: 40, resetAfterMs: 60_000 };

async function until(what: string, probe: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the local runner restarts a service that exits, as Kubernetes would', () => {
  it('waits 1 s, 2 s, 4 s ... at most 30 s between restarts in a row', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(DEFAULT_BACKOFF.resetAfterMs).toBe(60_000);
  });

  it.each([
    ['killed (SIGKILL)', { code: null, signal: 'SIGKILL' as const }, /reporting killed by SIGKILL/],
    ['a clean exit 0', { code: 0, signal: null }, /reporting exited with code 0/],
    ['a crash (exit 1)', { code: 1, signal: null }, /reporting exited with code 1/],
  ])('restarts the service after %s, logs it, and leaves the others alone', async (_what, exit, logged) => {
    const reporting = fakeChild('reporting');
    const gateway = fakeChild('gateway');
    const spawned: Fake[] = [];
    const lines: string[] = [];
    const sup = supervise<Fake>([reporting, gateway], {
      respawn: (service) => {
        const next = fakeChild(service);
        spawned.push(next);
        return next;
      },
      stopHandles: async () => {},
      log: (m) => lines.push(m),
      backoff: fast,
    });
    reporting.exit(exit);
    await until('the restart', () => spawned.length === 1);
    expect(spawned[0].service).toBe('reporting');
    expect(sup.restarts('reporting')).toBe(1);
    expect(sup.restarts('gateway')).toBe(0);
    expect(
      sup
        .current()
        .map((h) => h.service)
        .sort(),
    ).toEqual(['gateway', 'reporting']);
    expect(sup.current()).toContain(spawned[0]);
    expect(sup.current()).toContain(gateway);
    expect(lines[0]).toMatch(logged);
    expect(lines[0]).toMatch(/restarting in 0\.0 s \(restart 1 in a row\)/);
    await sup.stop();
  });

  it('doubles the pause while the service keeps failing at once, and goes back to the first pause once it ran long enough', async () => {
    let clock = 0;
    const first = fakeChild('training');
    const spawned: Fake[] = [];
    const lines: string[] = [];
    const sup = supervise<Fake>([first], {
      respawn: (service) => {
        const next = fakeChild(service);
        spawned.push(next);
        return next;
      },
      stopHandles: async () => {},
      log: (m) => lines.push(m),
      backoff: { initialMs: 100, maxMs: 300, resetAfterMs: 1_000 },
      now: () => clock,
    });
    first.exit({ code: 1, signal: null });
    await until('restart 1', () => spawned.length === 1);
    spawned[0].exit({ code: 1, signal: null });
    await until('restart 2', () => spawned.length === 2);
    spawned[1].exit({ code: 1, signal: null });
    await until('restart 3', () => spawned.length === 3);
    clock += 5_000; // this one ran long enough
    spawned[2].exit({ code: 1, signal: null });
    await until('restart 4', () => spawned.length === 4);
    expect(lines.map((l) => l.match(/restart (\d+) in a row/)?.[1])).toEqual(['1', '2', '3', '1']);
    expect(lines.map((l) => l.match(/restarting in ([\d.]+) s/)?.[1])).toEqual(['0.1', '0.2', '0.3', '0.1']);
    await sup.stop();
  });

  it('after stop() (Ctrl-C) stops every live service and restarts nothing', async () => {
    const a = fakeChild('org-registry');
    const b = fakeChild('notifications');
    const spawned: Fake[] = [];
    const stopped: string[] = [];
    const sup = supervise<Fake>([a, b], {
      respawn: (service) => {
        const next = fakeChild(service);
        spawned.push(next);
        return next;
      },
      stopHandles: (live) => {
        for (const h of live) {
          stopped.push(h.service);
          h.exit({ code: 0, signal: null });
        }
        return Promise.resolve();
      },
      backoff: fast,
    });
    await sup.stop();
    await new Promise((r) => setTimeout(r, 50)); // longer than any pause of `fast`
    expect(stopped.sort()).toEqual(['notifications', 'org-registry']);
    expect(spawned).toEqual([]);
  });

  it('a real process killed with SIGKILL is started again', async () => {
    const start = (service: string): SupervisedHandle => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      return { service, child, exited };
    };
    const first = start('evaluation');
    const sup = supervise([first], {
      respawn: start,
      stopHandles: async (live) => {
        for (const h of live) {
          h.child?.kill('SIGTERM');
          await h.exited;
        }
      },
      backoff: fast,
    });
    try {
      first.child!.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await until('a new process', () => sup.restarts('evaluation') === 1);
      const [again] = sup.current();
      expect(again.child!.pid).not.toBe(first.child!.pid);
      expect(again.child!.exitCode).toBeNull();
    } finally {
      await sup.stop();
    }
    expect(sup.current()[0].child!.signalCode).toBe('SIGTERM');
  });
});
