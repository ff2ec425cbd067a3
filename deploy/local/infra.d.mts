// Types of infra.mjs for the TypeScript tests and tools that import it.
export interface InfraResult {
  kafkaBrokers: string;
  mongodbUri: string;
  started: string[];
  mode: 'env' | 'docker' | 'local';
  stop?: () => Promise<void>;
}
export interface StartOptions {
  log?: (message: string) => void;
  readyTimeoutMs?: number;
}
export interface ServiceStatus {
  name: string;
  pid: number | null;
  running: boolean;
  healthy: boolean | null;
  address: string;
  log: string;
}
export const REPO_ROOT: string;
export const PATHS: Readonly<Record<string, string>>;
export interface Pair {
  dir: string;
  kafka: number;
  controller: number;
  mongo: number;
}
export const PAIRS: Readonly<Record<'platform' | 'bench' | 'test-integration' | 'test-e2e', Pair>>;
export function pairEnv(
  pair: Pair,
  offset?: number,
): Record<'LOCAL_INFRA_DIR' | 'LOCAL_KAFKA_PORT' | 'LOCAL_KAFKA_CONTROLLER_PORT' | 'LOCAL_MONGO_PORT', string>;
export interface TestPair {
  tier: string;
  dir: string;
  ports: { kafka: number; controller: number; mongo: number };
  env: Record<string, string>;
}
export const INFRA_TIERS: readonly string[];
export const TEST_STATE_ROOT: string;
export function testPair(tier: string, env?: Record<string, string | undefined>): TestPair;
export function isolationProblems(tier: string, env?: Record<string, string | undefined>): string[];
export function ensureInfra(options?: {
  kafka?: boolean;
  mongo?: boolean;
  log?: (m: string) => void;
  readyTimeoutMs?: number;
}): Promise<InfraResult>;
export function startWithTestcontainers(options?: { kafka?: boolean; mongo?: boolean }): Promise<InfraResult>;
export function stopInfra(names?: string[], options?: { log?: (m: string) => void }): Promise<string[]>;
export function stopProcess(name: string, options?: { timeoutMs?: number; log?: (m: string) => void }): Promise<boolean>;
export function startKafka(options?: StartOptions): Promise<{ kafkaBrokers: string; started: boolean; pid: number }>;
export function stopKafka(options?: { log?: (m: string) => void }): Promise<boolean>;
export function startFerretDB(options?: StartOptions): Promise<{ mongodbUri: string; started: boolean; pid: number }>;
export function stopFerretDB(options?: { log?: (m: string) => void }): Promise<boolean>;
export function infraStatus(): Promise<ServiceStatus[]>;
export function dockerAvailable(options?: { timeoutMs?: number }): Promise<boolean>;
export function probeKafka(host: string, port: number, timeoutMs?: number): Promise<boolean | null>;
export function probeMongo(host: string, port: number, timeoutMs?: number): Promise<boolean | null>;

/** The local broker's principals: admin (super user), one per service, analyst (docs/adr/0025). */
export const KAFKA_PRINCIPALS: readonly string[];
/** Their passwords, from the selected pair's state dir; null when that broker was never started. */
export function kafkaUsers(options?: { create?: boolean; stateDir?: string }): { mechanism: string; users: Record<string, string> } | null;
/** KAFKA_SASL_MECHANISM / _USERNAME / _PASSWORD of a local principal ({} without a users file). */
export function localKafkaAuthEnv(principal: string, options?: { stateDir?: string }): Record<string, string>;
/** Where the selected pair keeps its principals' passwords. */
export function kafkaUsersFile(stateDir?: string): string;
