// Types of org-owned.mjs for the TypeScript that imports it (its spec).
import type { Rule } from 'eslint';

export declare const orgOwned: Rule.RuleModule;
declare const plugin: { rules: { 'org-owned': Rule.RuleModule } };
export default plugin;
