import { type DynamicModule, Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller.js';
import { loadAsyncApi, SERVED_ASYNCAPI } from './asyncapi.document.js';

/** Serves the committed AsyncAPI document at /asyncapi (JSON or HTML), /asyncapi.json and /asyncapi.html. */
@Module({})
export class AsyncApiModule {
  static register(file: string): DynamicModule {
    return {
      module: AsyncApiModule,
      controllers: [AsyncApiController],
      providers: [{ provide: SERVED_ASYNCAPI, useValue: loadAsyncApi(file) }],
    };
  }
}
