import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// CI installs with `npm ci`, which refuses to run when package.json's workspaces and the lock file
// disagree. A workspace added without `npm install` passes every local run (node_modules is already
// there) and fails only on a fresh clone: this holds the lock file to the workspace folders.

const root = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; version?: string; resolved?: string; link?: boolean }>;
};

function workspaceFolders(): string[] {
  return pkg.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, parent, d.name, 'package.json')))
      .map((d) => `${parent}/${d.name}`);
  });
}

describe('package-lock.json', () => {
  it.each(workspaceFolders())('names the workspace %s with its package name and version, linked into node_modules', (folder) => {
    const own = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(lock.packages[folder]).toMatchObject({ name: own.name, version: own.version });
    expect(lock.packages[`node_modules/${own.name}`]).toMatchObject({ resolved: folder, link: true });
  });
});
