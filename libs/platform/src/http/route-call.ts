import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { RouteSpec } from '@pb/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import type { Identity } from '../auth/identity.js';
import { Scope } from '../scope/scope.js';
import { withEtag } from './etag.js';
import { requestHash, type IdempotencyRequest } from './idempotency.js';

type ParamsOf<R> = R extends { params: infer P } ? { readonly [K in keyof P]: string } : Record<string, never>;
type PageQueryOf<R> = R extends { paginated: object } ? { limit: number; cursor?: string } : unknown;
type QueryOf<R> = (R extends { query: infer Q extends Record<string, JSONSchema> }
  ? FromSchema<{ type: 'object'; properties: Q; required: R extends { requiredQuery: infer Req extends readonly string[] } ? Req : [] }>
  : unknown) &
  PageQueryOf<R>;
type BodyOf<R> = R extends { body: infer B extends JSONSchema } ? FromSchema<B> : undefined;

/**
 * What a handler bound to a route-table entry receives (`@Call() call: RouteCall<typeof Routes.x>`):
 * the entry's path parameters, query and body as the RouteValidationInterceptor validated them,
 * typed from the entry's schemas, and the call's context: the verified caller and its scope, the
 * request id, the precondition headers, and the reply for headers such as ETag.
 */
export class RouteCall<R extends RouteSpec> {
  constructor(
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
  ) {}

  get params(): ParamsOf<R> {
    return this.request.params as ParamsOf<R>;
  }

  get query(): QueryOf<R> {
    return this.request.query as QueryOf<R>;
  }

  get body(): BodyOf<R> {
    return this.request.body as BodyOf<R>;
  }

  /** The verified caller (authenticated routes only). */
  get identity(): Identity {
    const identity = (this.request as AuthenticatedRequest).identity;
    if (!identity) throw new UnauthorizedException();
    return identity;
  }

  /** What the caller may reach: its own unit's subtree. */
  get scope(): Scope {
    return Scope.of(this.identity);
  }

  /** The correlation id of the request (also the audit records' and events'). */
  get requestId(): string {
    return this.request.id;
  }

  get ifMatch(): string | undefined {
    return this.header('if-match');
  }

  get idempotencyKey(): string | undefined {
    return this.header('idempotency-key');
  }

  /** The Idempotency-Key (checked by the route's validation) with the hash of the body's canonical JSON. */
  get idempotency(): IdempotencyRequest | undefined {
    const key = this.idempotencyKey;
    return key === undefined ? undefined : { key, requestHash: requestHash(this.request.body ?? null) };
  }

  get acceptLanguage(): string | undefined {
    return this.header('accept-language');
  }

  /** Answers a versioned resource with its ETag. */
  versioned<T extends { version: number }>(resource: T): T {
    return withEtag(this.reply, resource);
  }

  private header(name: string): string | undefined {
    const v = this.request.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }
}

/** The handler's `RouteCall` (see there). */
export const Call = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): unknown => new RouteCall(ctx.switchToHttp().getRequest(), ctx.switchToHttp().getResponse()),
);
