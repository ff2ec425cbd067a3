import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsyncApiPage } from './asyncapi.page.js';

/** The committed AsyncAPI document as the gateway serves it: its JSON text, parsed, and as an HTML page. */
export interface ServedAsyncApi {
  json: string;
  html: string;
}

export const SERVED_ASYNCAPI = Symbol('SERVED_ASYNCAPI');

/**
 * docs/asyncapi/asyncapi.json of the repository: four levels above this file both in src/ (tests) and
 * in dist/ (the build, also inside the Docker image, whose WORKDIR is the repository root).
 */
export function defaultAsyncApiPath(): string {
  return fileURLToPath(new URL('../../../../docs/asyncapi/asyncapi.json', import.meta.url));
}

/** Reads the document once at boot; a missing or malformed file stops the boot, naming the path. */
export function loadAsyncApi(file: string): ServedAsyncApi {
  let json: string;
  let doc: unknown;
  try {
    json = readFileSync(file, 'utf8');
    doc = JSON.parse(json);
  } catch (err) {
    throw new Error(`ASYNCAPI_DOCUMENT: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if ((doc as { asyncapi?: unknown } | null)?.asyncapi !== '3.0.0') {
    throw new Error(`ASYNCAPI_DOCUMENT: ${file} is not an AsyncAPI 3.0.0 document`);
  }
  return { json, html: renderAsyncApiPage(doc as Record<string, unknown>) };
}
