// Types of test-infra.mjs for the TypeScript tests.
export interface TestPair {
  tier: string;
  dir: string;
  ports: { kafka: number; controller: number; mongo: number };
  env: Record<string, string>;
}
export interface TierInfra {
  mode: 'env' | 'docker' | 'local';
  pair?: TestPair;
  env: Record<string, string>;
  stop: () => Promise<void>;
}
export declare const INFRA_TIERS: readonly string[];
export declare const TEST_STATE_ROOT: string;
export declare function testPair(tier: string, env?: Record<string, string | undefined>): TestPair;
export declare function removeTestPair(pair: TestPair, options?: { log?: (m: string) => void }): Promise<void>;
export declare function startTestPair(
  pair: TestPair,
  options?: { kafka?: boolean; mongo?: boolean; log?: (m: string) => void },
): Promise<{ kafkaBrokers?: string; mongodbUri?: string; env: Record<string, string> }>;
export declare function startTierInfra(tier: string, options?: { log?: (m: string) => void }): Promise<TierInfra>;
export declare function firstStart(): boolean;
