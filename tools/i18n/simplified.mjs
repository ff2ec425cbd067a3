#!/usr/bin/env node
// Users read Simplified Chinese (zh-Hans). This finds, and with --write converts, Traditional-only
// characters in every text file git tracks, with OpenCC's tables (opencc-js, Traditional -> mainland).
// A text is Simplified when converting it changes nothing.
// `node tools/i18n/simplified.mjs [--write]`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OpenCC from 'opencc-js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TEXT = /\.(ts|mts|mjs|cjs|js|json|md|ya?ml|go|html|css|txt|toml|tpl|hbs|csv)$/;
/** Generated or frozen outside our hands: the lock file. */
const SKIP = [/^package-lock\.json$/];
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;

const convert = OpenCC.Converter({ from: 't', to: 'cn' });

/** The Simplified form of every run of CJK characters in `text`. */
export function toSimplified(text) {
  return text.replace(CJK_RUN, (run) => convert(run));
}

/** Tracked text files, relative to the repository root. */
export function trackedTextFiles(root = ROOT) {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter((f) => f && TEXT.test(f) && !SKIP.some((re) => re.test(f)));
}

/** Each line holding a Traditional-only character: { file, line, text, simplified }. */
export function findTraditional(root = ROOT) {
  const found = [];
  for (const file of trackedTextFiles(root)) {
    let text;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    if (!/[\u3400-\u9fff\uf900-\ufaff]/.test(text)) continue;
    text.split('\n').forEach((line, i) => {
      const simplified = toSimplified(line);
      if (simplified !== line) found.push({ file, line: i + 1, text: line.trim(), simplified: simplified.trim() });
    });
  }
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  const found = findTraditional();
  if (write) {
    const files = new Set(found.map((f) => f.file));
    for (const file of files) {
      const full = path.join(ROOT, file);
      writeFileSync(full, toSimplified(readFileSync(full, 'utf8')));
    }
    process.stdout.write(`converted ${found.length} line(s) in ${files.size} file(s)\n`);
  } else {
    for (const f of found) process.stdout.write(`${f.file}:${f.line}: ${f.text}\n`);
    process.stdout.write(`${found.length} line(s) hold Traditional-only characters\n`);
    process.exitCode = found.length > 0 ? 1 : 0;
  }
}
