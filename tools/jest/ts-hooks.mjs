// Runs the project's TypeScript in a plain Node 24 process, the way the jest tiers compile it (swc,
// legacy decorators with metadata; @pb/* mapped to the libs' sources), for the processes the
// integration tests spawn and kill, and for benchmarks: `node --import tools/jest/ts-hooks.mjs x.ts`.
import { existsSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';
import { ROOT, swc } from './base.mjs';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const lib = /^@pb\/([a-z-]+)$/.exec(specifier);
    if (lib) return { url: pathToFileURL(path.join(ROOT, 'libs', lib[1], 'src', 'index.ts')).href, shortCircuit: true };
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
    const filename = fileURLToPath(url);
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swc, filename });
    return { format: 'module', source: code, shortCircuit: true };
  },
});
