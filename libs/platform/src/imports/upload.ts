import { Readable } from 'node:stream';
import { Routes, type RouteSpec } from '@pb/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problem } from '../http/problem.js';

/** Every media type a route of the table takes as a streamed upload (`upload` in its entry). */
export const UPLOAD_MEDIA_TYPES: readonly string[] = [
  ...new Set(Object.values(Routes as Record<string, RouteSpec>).flatMap((r) => r.upload?.mediaTypes ?? [])),
];

/**
 * Registers the upload media types on a Fastify instance without reading the body: the request's
 * body is its stream (docs/adr/0020), read by the one handler that wants it (the gateway forwarding
 * it, the owning service storing it). Called by `runService` for every app.
 */
export function acceptUploads(fastify: FastifyInstance): void {
  for (const type of UPLOAD_MEDIA_TYPES) {
    fastify.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }
}

const isStream = (body: unknown): body is Readable =>
  typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function' && typeof (body as Readable).on === 'function';

const tooLarge = (maxBytes: number) =>
  problem.fileTooLarge({
    zh: `文件不得超过 ${maxBytes} 字节，未导入任何数据`,
    en: `the file may have at most ${maxBytes} bytes; nothing was imported`,
  });

/**
 * Checks an upload route's request before its body is read: a declared media type (415 otherwise,
 * and for a streamed body sent to a route that takes JSON), and a Content-Length within the limit
 * (413 at once, without reading the body).
 */
export function checkUpload(spec: RouteSpec, req: FastifyRequest): void {
  const streamed = isStream(req.body);
  if (!spec.upload) {
    if (streamed) throw problem.unsupportedMediaType({ zh: '此操作只接受 JSON', en: 'this operation takes JSON only' });
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  // Fastify hands an empty body of the right type to no parser: an empty file.
  if (!streamed && spec.upload.mediaTypes.includes(type) && (req.body === undefined || req.body === null)) throw emptyFile();
  if (!streamed || !spec.upload.mediaTypes.includes(type)) {
    throw problem.unsupportedMediaType({
      zh: `请求内容类型应为 ${spec.upload.mediaTypes.join('、')}`,
      en: `the body must be ${spec.upload.mediaTypes.join(' or ')}`,
    });
  }
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > spec.upload.maxBytes) throw tooLarge(spec.upload.maxBytes);
}

/** The one problem of a file with no header or no data rows (422): nothing applied. */
export const emptyFile = () =>
  problem.emptyFile({ zh: '文件没有表头或数据行，未导入任何数据', en: 'the file has no header or no data rows; nothing was imported' });

/** The uploaded body of a request `checkUpload` passed: its stream. */
export function uploadStream(req: FastifyRequest): Readable {
  if (!isStream(req.body)) throw problem.unsupportedMediaType({ zh: '缺少上传的文件', en: 'no file was uploaded' });
  return req.body;
}

/** The bytes of a stream, refused with 413 as soon as they pass `maxBytes` (a body sent without Content-Length, or a lying one). */
export async function* limitBytes(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Buffer> {
  let seen = 0;
  // A request stream stays open when reading stops early: destroying it would reset the connection
  // before the client reads the 413.
  const chunks = source instanceof Readable ? (source.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) : source;
  for await (const chunk of chunks) {
    seen += chunk.byteLength;
    if (seen > maxBytes) {
      // The rest of the body is read and dropped: a client still sending gets the 413, not a stalled
      // connection (Node drops an unread body by itself only when none of it was read).
      if (source instanceof Readable) source.resume();
      throw tooLarge(maxBytes);
    }
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}
