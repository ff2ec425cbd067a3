import { spawn } from 'node:child_process';
import { gatewayEnv, serviceEnv } from '@pb/platform';

/** The service's variables come only from `env`, never from the test runner's own environment. */
const serviceVariables = { ...serviceEnv, ...gatewayEnv };

/** A built service (`apps/<service>/dist/main.js`) started by a test with exactly `env`, its output kept. */
export function startService(service: string, env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in serviceVariables) && !k.startsWith('OTEL_')));
  const child = spawn(process.execPath, [`apps/${service}/dist/main.js`], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}

export type StartedService = ReturnType<typeof startService>;
