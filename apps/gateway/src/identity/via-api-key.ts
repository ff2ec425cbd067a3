import type { Identity } from '@pb/platform';

/** Whether a caller reached the gateway with an API key (keys may not manage keys or accounts). */
export const viaApiKey = (caller: Identity) => caller.sub.startsWith('api-key:');
