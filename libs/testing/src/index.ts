// Test support for the services' integration specs (STYLE.md: factories and harness in libs/testing).
// Only specs import it: it is not built and no service depends on it at run time.
export * from './service-harness.js';
export * from './local-broker.js';
