// Types of local-infra.mjs: the parts of deploy/local/infra.mjs the outage test uses (see its README).

export interface InfraStatus {
  name: 'kafka' | 'ferretdb';
  pid: number | null;
  /** Started by this project (a pid file of ours exists). */
  running: boolean;
  /** true healthy, false something else answers, null nothing listens. */
  healthy: boolean | null;
  address: string;
  log: string;
}

export interface StopOptions {
  timeoutMs?: number;
  log?: (message: string) => void;
}

export function infraStatus(): Promise<InfraStatus[]>;
export function startKafka(opts?: {
  log?: (message: string) => void;
  readyTimeoutMs?: number;
}): Promise<{ kafkaBrokers: string; started: boolean; pid: number }>;
/** Resolves false when Kafka was not started by this project (an env or Docker broker). */
export function stopKafka(opts?: StopOptions): Promise<boolean>;
