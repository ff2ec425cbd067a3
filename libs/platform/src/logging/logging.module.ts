import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { traceLogFields, tracingSettings } from '../tracing/tracing.js';

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation id of a request: the caller's if it sent a sane one, else a new one. */
export function correlationIdOf(req: IncomingMessage): string {
  const sent = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value && VALID_ID.test(value) ? value : randomUUID();
}

/** pino JSON logs; every request line carries `correlationId` (and `traceId`/`spanId` with tracing on); credentials are redacted. */
@Module({})
export class LoggingModule {
  static forRoot(options: { service: string; level: string }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            messageKey: 'msg',
            // With tracing on, each line inside a request or a consumed record names its trace and span.
            ...(tracingSettings(options.service).enabled ? { mixin: traceLogFields } : {}),
            // Fastify already chose the id (bootstrap.ts) and put it on the raw request.
            genReqId: (req: IncomingMessage & { id?: string }) => req.id ?? correlationIdOf(req),
            customAttributeKeys: { reqId: 'correlationId' },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-pb-identity"]', 'req.headers["x-api-key"]'],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
