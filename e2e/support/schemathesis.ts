// schemathesis (PyPI) in a virtualenv under .local/, installed from tools/schemathesis/requirements.txt
// (every package pinned) and reused while that file is unchanged.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Conformance, type OpenApiDocument } from './openapi-conformance.js';

const ROOT = process.cwd();
const REQUIREMENTS = path.join(ROOT, 'tools', 'schemathesis', 'requirements.txt');
export const SCHEMATHESIS_CONFIG = path.join(ROOT, 'tools', 'schemathesis', 'schemathesis.toml');
const VENV = path.join(ROOT, '.local', 'venv-schemathesis');
const STAMP = path.join(VENV, 'requirements.sha256');

function run(command: string, args: string[]) {
  const res = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.error) throw new Error(`${command} could not run (python3 with venv is needed): ${res.error.message}`);
  if (res.status !== 0) {
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${command} ${args.join(' ')} failed (exit ${String(res.status)}): ${tail}`);
  }
}

/** The schemathesis executable, installed first when the venv is missing or its requirements changed. */
export function ensureSchemathesis(): string {
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  const bin = path.join(VENV, 'bin', 'schemathesis');
  if (existsSync(bin) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return bin;
  run(process.env['PYTHON'] ?? 'python3', ['-m', 'venv', '--clear', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', REQUIREMENTS]);
  writeFileSync(STAMP, wanted);
  return bin;
}

/** The operations of `doc` (`METHOD /path`) that answered a request of a HAR file with a status `counts`. */
export function operationsAnswered(harFile: string, doc: OpenApiDocument, counts: (status: number) => boolean): string[] {
  const har = JSON.parse(readFileSync(harFile, 'utf8')) as {
    log: { entries: { request: { method: string; url: string }; response: { status: number } }[] };
  };
  const conformance = new Conformance(doc);
  const found = new Set<string>();
  for (const { request, response } of har.log.entries) {
    const op = conformance.operationOf(request.method, new URL(request.url).pathname);
    if (op && counts(response.status)) found.add(`${op.method.toUpperCase()} ${op.path}`);
  }
  return [...found].sort();
}
