// Types of route-auth.mjs for the TypeScript that imports it (its spec).
import type { Rule } from 'eslint';

export declare const routeAuth: Rule.RuleModule;
declare const plugin: { rules: { 'route-auth': Rule.RuleModule } };
export default plugin;
