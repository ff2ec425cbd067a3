#!/usr/bin/env node
// `npm run asyncapi`: writes docs/asyncapi/asyncapi.json from the event contracts (libs/contracts).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24, ROOT } from '../scripts/node24.mjs';

ensureNode24(new URL(import.meta.url).pathname);

const { loadContracts } = await import('./contracts-dist.mjs');
const { EventContracts, buildAsyncApi, asyncApiJson, ASYNCAPI_DOCUMENT_PATH, version } = await loadContracts();
const file = path.join(ROOT, ASYNCAPI_DOCUMENT_PATH);
const text = asyncApiJson(buildAsyncApi(EventContracts, { version }));
if (existsSync(file) && readFileSync(file, 'utf8') === text) {
  process.stdout.write(`${ASYNCAPI_DOCUMENT_PATH} is up to date\n`);
} else {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${ASYNCAPI_DOCUMENT_PATH} (${EventContracts.length} event types)\n`);
}
