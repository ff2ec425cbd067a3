import { tier } from './tools/jest/base.mjs';

/** Unit tier: `*.spec.ts` beside the code; may mock; needs no broker or store. */
export default { projects: tier('.spec.ts') };
