export * from './csv-decoding.js';
export * from './csv-records.js';
export * from './upload.js';
export * from './import-job.schema.js';
export * from './import-jobs.service.js';
export * from './import-limits.js';
export * from './import-jobs.module.js';
