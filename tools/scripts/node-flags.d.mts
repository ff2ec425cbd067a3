// Types of node-flags.mjs for the TypeScript tests.
export declare const SERVICE_NODE_FLAGS: readonly string[];
