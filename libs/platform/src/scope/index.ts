export * from './scope.js';
export * from './scoped-model.js';
export * from './scoped-model.provider.js';
