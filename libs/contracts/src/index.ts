export * from './topics.js';
export * from './cloudevents.js';
export * from './event-contract.js';
export * from './registry.js';
export * from './events/orgs/org-unit.v1.js';
export * from './api/org-units.js';
