export * from './party-org-ref.schema.js';
export * from './party-org-directory.js';
export * from './party-org-state.consumer.js';
export * from './party-orgs-read.module.js';
export * from './routing.js';
