// Types of k8s-tools.mjs for the TypeScript tests.
export declare const helmEnv: Record<'HELM_CACHE_HOME' | 'HELM_CONFIG_HOME' | 'HELM_DATA_HOME', string>;
export declare function ensureK8sTools(options?: { log?: (m: string) => void }): Promise<{ helm: string; validate: string }>;
