import { type DynamicModule, type ForwardReference, Module, type Provider, type Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { scopedModelProvider } from '../scope/scoped-model.provider.js';
import {
  IMPORT_FILE_CHUNK_MODEL,
  IMPORT_JOB_MODEL,
  IMPORT_JOB_OWNERSHIP,
  IMPORT_ROW_ERROR_MODEL,
  ImportFileChunkSchema,
  ImportJobSchema,
  ImportRowErrorSchema,
} from './import-job.schema.js';
import { ImportJobs, ROW_IMPORTERS, type RowImporter } from './import-jobs.service.js';

/**
 * Bulk import for a service (docs/adr/0020): its import jobs, row errors and stored files, and
 * `ImportJobs` running its importers. The service binds its own routes (upload, job, errors) to
 * `ImportJobs`; it needs the org-unit read model (`OrgUnitsReadModule`) for the units' paths.
 */
@Module({})
export class ImportJobsModule {
  static register(options: {
    importers: Type<RowImporter>[];
    /** What the importers need: the modules of the services they call, and providers of their ports. */
    imports?: (Type | DynamicModule | ForwardReference)[];
    providers?: Provider[];
  }): DynamicModule {
    return {
      module: ImportJobsModule,
      imports: [
        MongooseModule.forFeature([
          { name: IMPORT_JOB_MODEL, schema: ImportJobSchema },
          { name: IMPORT_ROW_ERROR_MODEL, schema: ImportRowErrorSchema },
          { name: IMPORT_FILE_CHUNK_MODEL, schema: ImportFileChunkSchema },
        ]),
        ...(options.imports ?? []),
      ],
      providers: [
        scopedModelProvider(IMPORT_JOB_MODEL, IMPORT_JOB_OWNERSHIP),
        ...(options.providers ?? []),
        ...options.importers,
        { provide: ROW_IMPORTERS, useFactory: (...importers: RowImporter[]) => importers, inject: options.importers },
        ImportJobs,
      ],
      exports: [ImportJobs],
    };
  }
}
