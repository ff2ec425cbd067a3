export * from './scope.js';
export * from './ownership.js';
export * from './scoped-model.js';
export * from './scoped-model.provider.js';
export * from './scoped-collection.js';
