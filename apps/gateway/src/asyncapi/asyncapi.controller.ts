import { Routes } from '@pb/contracts';
import { Controller, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { SERVED_ASYNCAPI, type ServedAsyncApi } from './asyncapi.document.js';

/** The HTML page loads nothing and runs nothing: styles inline, no scripts, no frames. */
const PAGE_SECURITY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The most specific range of `accept` that matches `type`: its q-value and how specific it is (2 exact, 1 a whole major type, 0 any type). */
function match(accept: string, type: string): { q: number; specificity: number } {
  const [major] = type.split('/');
  let best = { q: 0, specificity: -1 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    best = { q: q === undefined ? 1 : Number(q), specificity };
  }
  return best;
}

/** HTML when the caller prefers it to JSON (browsers do); JSON on a tie, for any-type Accept (curl) and without Accept. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = match(accept, 'text/html');
  const json = match(accept, 'application/json');
  return html.q > json.q || (html.q > 0 && html.q === json.q && html.specificity > json.specificity);
}

@Controller()
export class AsyncApiController {
  constructor(@Inject(SERVED_ASYNCAPI) private readonly asyncapi: ServedAsyncApi) {}

  @Handle(Routes.getAsyncapi)
  negotiated(@Call() call: RouteCall<typeof Routes.getAsyncapi>) {
    void call.reply.header('vary', 'Accept');
    return prefersHtml(call.request.headers.accept) ? this.page(call.reply) : this.document(call.reply);
  }

  @Handle(Routes.getAsyncapiJson)
  json(@Call() call: RouteCall<typeof Routes.getAsyncapiJson>) {
    return this.document(call.reply);
  }

  @Handle(Routes.getAsyncapiHtml)
  html(@Call() call: RouteCall<typeof Routes.getAsyncapiHtml>) {
    return this.page(call.reply);
  }

  private document(reply: FastifyReply): FastifyReply {
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(this.asyncapi.json);
  }

  private page(reply: FastifyReply): FastifyReply {
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('content-security-policy', PAGE_SECURITY)
      .header('x-content-type-options', 'nosniff')
      .send(this.asyncapi.html);
  }
}
