// Types of supervisor.mjs for the TypeScript tests.
import type { ChildProcess } from 'node:child_process';

export interface SupervisedHandle {
  service: string;
  child?: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export interface Backoff {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}
export declare const DEFAULT_BACKOFF: Readonly<Backoff>;
export declare function backoffMs(streak: number, backoff?: Pick<Backoff, 'initialMs' | 'maxMs'>): number;
export declare function supervise<H extends SupervisedHandle>(
  handles: H[],
  options: {
    respawn: (service: string) => H;
    stopHandles: (handles: H[]) => Promise<void>;
    log?: (message: string) => void;
    backoff?: Backoff;
    now?: () => number;
    onRestart?: (service: string, handle: H) => void;
  },
): { current: () => H[]; restarts: (service: string) => number; stop: () => Promise<void> };
