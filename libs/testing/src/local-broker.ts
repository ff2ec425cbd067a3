import { infraStatus } from './local-infra.mjs';

/** The tier's own Kafka process, which a spec may freeze (SIGSTOP) and thaw (SIGCONT) as a broker outage. */
export interface LocalBroker {
  pid: number;
  pause(): void;
  resume(): void;
}

/**
 * The broker this project started for the tier (its pid file), or null when KAFKA_BROKERS names one
 * from outside (Docker, an operator's): that one cannot be paused, and the spec says so.
 */
export async function localBroker(): Promise<LocalBroker | null> {
  const kafka = (await infraStatus()).find((s) => s.name === 'kafka');
  if (!kafka?.pid || !(process.env['KAFKA_BROKERS'] ?? '').split(',').includes(kafka.address)) return null;
  const pid = kafka.pid;
  let paused = false;
  return {
    pid,
    pause() {
      process.kill(pid, 'SIGSTOP');
      paused = true;
    },
    resume() {
      if (paused) process.kill(pid, 'SIGCONT');
      paused = false;
    },
  };
}
