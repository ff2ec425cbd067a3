import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { SERVICE_NODE_FLAGS } from '../scripts/node-flags.mjs';

// No Docker engine on these machines: the one Dockerfile of every service is held to its promises by
// reading it (docs/adr/0023-kubernetes.md), and compose to using it.

const root = process.cwd();
const dockerfile = readFileSync(path.join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
const stages = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+AS\s+/i)[1] ?? '');
/** The instructions of one stage. */
function stage(name: string): string[] {
  const start = lines.findIndex((l) => new RegExp(`^FROM .* AS ${name}$`, 'i').test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
const SERVICES = ['gateway', 'org-registry', 'reporting', 'evaluation', 'training', 'notifications'];
const buildRefs = (
  JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { references: { path: string }[] }
).references.map((r) => r.path);

describe('deploy/docker/Dockerfile', () => {
  it('builds in stages on the slim Node 24 image, never latest', () => {
    expect(lines[0]).toMatch(/^ARG NODE_IMAGE=node:24-[a-z]+-slim$/);
    expect(stages).toEqual(expect.arrayContaining(['build', 'prune', 'runtime']));
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  it('runs as a numeric non-root user with the compiled output only', () => {
    const runtime = stage('runtime');
    expect(runtime).toContain('USER 1000:1000');
    expect(runtime.filter((l) => l.startsWith('COPY')).every((l) => l.includes('--from=prune') && l.includes('--chown=1000:1000'))).toBe(
      true,
    );
    expect(runtime.some((l) => /^RUN /.test(l))).toBe(false);
    expect(stage('prune').join('\n')).toMatch(/npm prune --omit=dev/);
  });

  it.each([...SERVICES, 'kafka-topics'])('has a target for %s that is built by tsconfig.build.json', (service) => {
    expect(stage(service)).toEqual([`ENV SERVICE=${service}`]);
    expect(buildRefs).toContain(`apps/${service}/tsconfig.app.json`);
    expect(existsSync(path.join(root, 'apps', service, 'src', 'main.ts'))).toBe(true);
  });

  it('ends with the generic target, the service chosen by build argument or at run time', () => {
    expect(stages.at(-1)).toBe('platform');
    expect(stage('platform')).toEqual(['ARG SERVICE=gateway', 'ENV SERVICE=${SERVICE}']);
    expect(stage('runtime').at(-1)).toMatch(/^CMD \["sh", "-c", "exec node (--[a-z-]+=\S+ )*apps\/\$SERVICE\/dist\/main\.js"\]$/);
  });

  it('runs node with the V8 flags the local runner gives every service (tools/scripts/node-flags.mjs)', () => {
    const flags = /exec node (.*) apps\//.exec(stage('runtime').at(-1) ?? '')?.[1]?.split(' ') ?? [];
    expect(flags).toEqual([...SERVICE_NODE_FLAGS]);
    expect(flags).toContain('--max-semi-space-size=4');
  });

  it('leaves the checkout local state out of the build context', () => {
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', '**/node_modules', '**/dist', '.local', '.git']));
  });
});

describe('docker-compose.yml uses the same Dockerfile', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { build?: { dockerfile?: string; target?: string }; environment?: Record<string, string>; read_only?: boolean }
    >;
  };

  it.each([...SERVICES, 'kafka-topics'])('builds %s from deploy/docker/Dockerfile, read-only', (service) => {
    const s = compose.services[service];
    expect(s?.build?.dockerfile).toBe('deploy/docker/Dockerfile');
    expect(stages).toContain(s?.build?.target);
    expect(s?.environment?.['SERVICE']).toBe(service);
    expect(s?.read_only).toBe(true);
  });
});
