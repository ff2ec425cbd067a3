export * from './persistence.module.js';
export * from './mongo.health.js';
export * from './lease.js';
export * from './insert-new.js';
export * from './document.js';
export * from './by-ids.js';
