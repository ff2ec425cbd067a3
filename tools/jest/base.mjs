// Shared jest settings: native ESM (NestJS 12 ships ES modules only), TypeScript through swc with
// legacy decorators and their metadata, workspace libs mapped to their sources. See docs/adr/0002.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** swc options for the project's TypeScript (also used by test child processes, libs/messaging/src/test). */
export const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export const common = {
  rootDir: ROOT,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@pb/infra$': '<rootDir>/deploy/local/infra.mjs',
    '^@pb/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.local/'],
  injectGlobals: false,
};

/** Every Nx project with sources: apps/*, libs/*, tools. */
export function projects() {
  const list = [];
  for (const dir of ['apps', 'libs']) {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      if (existsSync(path.join(ROOT, dir, name, 'project.json'))) list.push({ name, root: `${dir}/${name}` });
    }
  }
  list.push({ name: 'tools', root: 'tools' });
  return list;
}

/** One jest project per Nx project, matching files ending in `suffix`. */
export function tier(suffix, extra = {}) {
  return projects().map((p) => ({
    ...common,
    ...extra,
    displayName: p.name,
    roots: [`<rootDir>/${p.root}`],
    testMatch: [`**/*${suffix}`],
  }));
}
