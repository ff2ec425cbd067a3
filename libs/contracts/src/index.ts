export * from './topics.js';
export * from './cloudevents.js';
export * from './event-contract.js';
export * from './registry.js';
export * from './events/orgs/org-unit.v1.js';
export * from './api/org-units.js';
export * from './events/reporting/half-month-report.v1.js';
export * from './api/half-month-reports.js';
