export * from './persistence.module.js';
export * from './mongo.health.js';
export * from './lease.js';
