import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { nextLink } from './pagination.js';

/**
 * Every list answers a `next` link (ADR 0007): a page built with `pageOf` without a URL gets `next`,
 * the request's path and query with `cursor` set. Pages that already carry a link pass unchanged.
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
        if (!Array.isArray(page.items) || !('nextCursor' in page) || typeof page.next === 'string') return body;
        return { ...page, next: typeof page.nextCursor === 'string' ? nextLink(url, page.nextCursor) : null };
      }),
    );
  }
}
