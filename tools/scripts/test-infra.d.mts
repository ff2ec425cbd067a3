// Types of test-infra.mjs for the TypeScript tests.
import type { TestPair } from '../../deploy/local/infra.mjs';

export type { TestPair } from '../../deploy/local/infra.mjs';
export { INFRA_TIERS, TEST_STATE_ROOT, isolationProblems, testPair } from '../../deploy/local/infra.mjs';
export interface TierInfra {
  mode: 'env' | 'docker' | 'local';
  pair?: TestPair;
  env: Record<string, string>;
  stop: () => Promise<void>;
}
export declare function removeTestPair(pair: TestPair, options?: { log?: (m: string) => void }): Promise<void>;
export declare function startTestPair(
  pair: TestPair,
  options?: { kafka?: boolean; mongo?: boolean; log?: (m: string) => void },
): Promise<{ kafkaBrokers?: string; mongodbUri?: string; env: Record<string, string> }>;
export declare function startTierInfra(tier: string, options?: { log?: (m: string) => void; docker?: boolean }): Promise<TierInfra>;
export declare function useDocker(): Promise<boolean>;
export declare function firstStart(): boolean;
