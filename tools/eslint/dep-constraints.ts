import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The depConstraints of eslint.config.mjs: the one definition the lint run and its tests share. */
export async function loadDepConstraints(): Promise<unknown[]> {
  const config = (await import(pathToFileURL(path.join(process.cwd(), 'eslint.config.mjs')).href)) as { depConstraints: unknown[] };
  return config.depConstraints;
}
