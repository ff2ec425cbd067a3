export * from './org-unit-view.schema.js';
export * from './org-unit-directory.js';
export * from './org-unit-state.consumer.js';
export * from './org-units-read.module.js';
