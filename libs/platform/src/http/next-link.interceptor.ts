import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { nextLink } from './pagination.js';

/**
 * Every list answers a `next` link (ADR 0007): a page a service builds as `{ items, nextCursor }`
 * (its own keyset cursor) gets `next`, the request's path and query with `cursor` set, beside it.
 * Pages that already carry `next` (`paginate`) pass unchanged.
 */
@Injectable()
export class NextLinkInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const url = context.switchToHttp().getRequest<{ url: string }>().url;
    return next.handle().pipe(
      map((body: unknown) => {
        if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
        const page = body as { items?: unknown; nextCursor?: unknown; next?: unknown };
        if (!Array.isArray(page.items) || !('nextCursor' in page) || 'next' in page) return body;
        return { ...page, next: typeof page.nextCursor === 'string' ? nextLink(url, page.nextCursor) : null };
      }),
    );
  }
}
