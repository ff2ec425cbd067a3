import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { problem } from './problem.js';

/**
 * Refuses query parameters an operation does not declare in the OpenAPI document, with the same 400
 * as an unknown body field (pointer `/<name>`). One rule for every route, including the ones the
 * gateway only forwards, so a misspelt `?untit=` is never silently ignored (docs/adr/0007).
 */
@Injectable()
export class DeclaredQueryInterceptor implements NestInterceptor {
  private declared = new Map<string, Set<string>>();

  /** Reads the declared query parameters of each operation (call once the document is built). */
  load(doc: OpenAPIObject): void {
    const map = new Map<string, Set<string>>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { parameters?: { in?: string; name?: string }[] }>)) {
        if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
        const names = (op.parameters ?? []).filter((p) => p.in === 'query' && p.name).map((p) => p.name!);
        map.set(`${method.toUpperCase()} ${path}`, new Set(names));
      }
    }
    this.declared = map;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    // Fastify's `/a/:id` is OpenAPI's `/a/{id}`; routes the document leaves out (health, metrics) are not checked.
    const route = (req.routeOptions.url ?? '').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const allowed = this.declared.get(`${req.method} ${route}`);
    if (allowed) {
      const unknown = Object.keys((req.query ?? {}) as Record<string, unknown>).filter((name) => !allowed.has(name));
      if (unknown.length > 0) {
        throw problem.validation(
          { zh: `${unknown.length} 个栏位无效`, en: `${unknown.length} invalid field(s)` },
          unknown.map((name) => ({
            pointer: `/${name}`,
            rule: 'additionalProperties',
            message: { zh: `不允许的栏位 ${name}`, en: `unknown field ${name}` },
          })),
        );
      }
    }
    return next.handle();
  }
}
