import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { InternalTopics, Topics } from '@pb/contracts';
import { ensureK8sTools, helmEnv } from './k8s-tools.mjs';

// The Helm chart (deploy/helm/party-building, docs/adr/0023-kubernetes.md), checked with tools the
// project builds itself (tools/k8s/k8s-tools.mjs): helm lint --strict, helm template with the default
// values and the two-city example, every rendered object decoded strictly against the Kubernetes API
// types plus the platform's policy (tools/k8s/validate), and what each city's release must contain.

const root = process.cwd();
const chart = path.join(root, 'deploy', 'helm', 'party-building');
const examplesDir = path.join(root, 'deploy', 'helm', 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => path.join(examplesDir, f));
const SERVICES = ['gateway', 'org-registry', 'reporting', 'evaluation', 'training', 'notifications'];

let tools: { helm: string; validate: string };

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', input, env: { ...process.env, ...helmEnv }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function template(release: string, values: string[] = [], extra: string[] = []) {
  return run(tools.helm, ['template', release, chart, '--namespace', release, ...values.flatMap((v) => ['-f', v]), ...extra]);
}

function objectsOf(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function rendered(release: string, values: string[] = [], extra: string[] = []): K8sObject[] {
  const r = template(release, values, extra);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return objectsOf(r.stdout);
}

const named = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);

beforeAll(async () => {
  // A cold Go cache builds Helm from source: minutes on two cores (seconds once built).
  tools = await ensureK8sTools({ log: () => {} });
}, 1_200_000);

describe('the Helm chart', () => {
  it('passes helm lint --strict with the default values', () => {
    const r = run(tools.helm, ['lint', '--strict', chart]);
    expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.status).toBe(0);
  });

  it.each(examples.map((f) => [path.basename(f), f]))('passes helm lint --strict with the example %s', (_name, file) => {
    const r = run(tools.helm, ['lint', '--strict', chart, '-f', file]);
    expect(r.stdout).toMatch(/0 chart\(s\) failed/);
    expect(r.status).toBe(0);
  });

  it.each([['default values', [] as string[]], ...examples.map((f) => [path.basename(f), [f]] as [string, string[]])])(
    'renders with %s into objects that decode strictly against the Kubernetes API types and keep the policy',
    (_name, values) => {
      const r = template('pb-check', values);
      expect(r.status).toBe(0);
      const v = run(tools.validate, ['-policy'], r.stdout);
      expect(v.stdout).toMatch(/^ok: \d+ objects\n$/);
      expect(v.status).toBe(0);
    },
  );

  it('gives every service a Deployment, Service, ServiceAccount, PodDisruptionBudget and NetworkPolicy; an HPA to the gateway and reporting; an Ingress to the gateway alone', () => {
    const objects = rendered('pb-demo');
    const names = SERVICES.map((s) => `pb-demo-${s}`);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) expect(named(objects, kind).sort()).toEqual([...names].sort());
    expect(named(objects, 'ServiceAccount').sort()).toEqual([...names, 'pb-demo-kafka-topics'].sort());
    expect(named(objects, 'NetworkPolicy').sort()).toEqual([...names, 'pb-demo-default-deny', 'pb-demo-kafka-topics'].sort());
    expect(named(objects, 'HorizontalPodAutoscaler').sort()).toEqual(['pb-demo-gateway', 'pb-demo-reporting']);
    expect(named(objects, 'Ingress')).toEqual(['pb-demo-gateway']);
    expect(named(objects, 'Secret')).toEqual([]);
  });

  it('probes the health routes: startup and liveness on /health/live, readiness on /health/ready', () => {
    for (const d of rendered('pb-demo').filter((o) => o.kind === 'Deployment')) {
      const c = (d.spec as { template: { spec: { containers: Record<string, { httpGet: { path: string } }>[] } } }).template.spec
        .containers[0];
      expect([c['startupProbe']?.httpGet.path, c['livenessProbe']?.httpGet.path, c['readinessProbe']?.httpGet.path]).toEqual([
        '/health/live',
        '/health/live',
        '/health/ready',
      ]);
    }
  });

  it("sizes V8's old generation from each container's memory limit (NODE_OPTIONS; docs/adr/0027)", () => {
    type Container = { env: { name: string; value?: string }[]; resources: { limits: { memory: string } } };
    const containerOf = (o: K8sObject) => (o.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
    const oldSpaceOf = (c: Container) => c.env.find((e) => e.name === 'NODE_OPTIONS')?.value;
    const objects = rendered(
      'pb-demo',
      [],
      ['--set', 'services.gateway.resources.limits.memory=1.5Gi', '--set', 'services.training.resources.limits.memory=200M'],
    );
    const byName = new Map(
      objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => [o.metadata.name, containerOf(o)]),
    );
    // The limit less 128 MiB, at least half of it: 1.5Gi = 1536 MiB; 200M = 190 MiB; the defaults 384Mi and 320Mi.
    expect(oldSpaceOf(byName.get('pb-demo-gateway')!)).toBe('--max-old-space-size=1408');
    expect(oldSpaceOf(byName.get('pb-demo-training')!)).toBe('--max-old-space-size=95');
    expect(oldSpaceOf(byName.get('pb-demo-org-registry')!)).toBe('--max-old-space-size=256');
    expect(oldSpaceOf(byName.get('pb-demo-evaluation')!)).toBe('--max-old-space-size=192');
    expect(byName.get('pb-demo-kafka-topics')).toBeDefined();
    for (const [name, c] of byName) expect([name, oldSpaceOf(c)]).toEqual([name, expect.stringMatching(/^--max-old-space-size=\d+$/)]);
    // A service's own NODE_OPTIONS (services.<name>.env) replaces the derived one rather than doubling the variable.
    const own = rendered('pb-demo', [], ['--set', 'services.reporting.env.NODE_OPTIONS=--max-old-space-size=300']);
    const reporting = containerOf(own.find((o) => o.kind === 'Deployment' && o.metadata.name === 'pb-demo-reporting')!);
    expect(reporting.env.filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value)).toEqual(['--max-old-space-size=300']);
  });

  it('lets only the gateway take outside traffic; the services accept the gateway and the metrics scrape only', () => {
    const policies = rendered('pb-demo').filter((o) => o.kind === 'NetworkPolicy');
    type Rule = { from?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown }[] };
    for (const p of policies.filter((o) => SERVICES.some((s) => o.metadata.name === `pb-demo-${s}`))) {
      const rules = (p.spec as { ingress?: Rule[] }).ingress ?? [];
      if (p.metadata.name === 'pb-demo-gateway') {
        expect(rules.some((r) => r.from === undefined)).toBe(true);
        continue;
      }
      // Every rule names its sources: the gateway's pods, or the scrapers (another namespace).
      expect(rules.every((r) => Array.isArray(r.from) && r.from.length > 0)).toBe(true);
      const sources = rules.flatMap((r) => r.from ?? []);
      expect(sources).toContainEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'pb-demo' } },
      });
      for (const s of sources) expect(s.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? 'scraper').toMatch(/^(gateway|scraper)$/);
    }
    const deny = policies.find((p) => p.metadata.name === 'pb-demo-default-deny');
    expect(deny?.spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'] });
  });

  it('sends egress of a domain service only to Kafka, the store and DNS', () => {
    const policy = rendered('pb-demo').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pb-demo-reporting');
    const ports = ((policy?.spec as { egress: { ports: { port: number }[] }[] }).egress ?? []).map((e) => e.ports.map((p) => p.port));
    expect(ports).toEqual([[9093], [27017], [53, 53]]);
  });

  it('renders two cities apart: their own names, city label, time zone and principals', () => {
    const [a, b] = examples.map((f) => rendered(path.basename(f, '.yaml'), [f]));
    const envOf = (objects: K8sObject[], service: string) => {
      const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === service);
      const env = (d?.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec
        .containers[0].env;
      return Object.fromEntries(env.map((e) => [e.name, e.value]));
    };
    const cityA = envOf(a, 'reporting');
    const cityB = envOf(b, 'reporting');
    expect(cityA['CITY_CODE']).not.toBe(cityB['CITY_CODE']);
    expect(cityA['KAFKA_SASL_USERNAME']).toBe(`${cityA['CITY_CODE']}-reporting`);
    expect(cityA['CITY_TIME_ZONE']).toBe('Asia/Shanghai');
    expect(cityA['REPORTING_CALENDAR_H1_DUE_DAY']).not.toBe(cityB['REPORTING_CALENDAR_H1_DUE_DAY']);
    expect(new Set([...a, ...b].map((o) => `${o.kind}/${o.metadata.name}`)).size).toBe(a.length + b.length);
  });

  it('passes otel.endpoint to every service as OTEL_EXPORTER_OTLP_ENDPOINT, with egress to it; nothing OTEL_* without it (docs/adr/0026)', () => {
    const envsOf = (objects: K8sObject[]) =>
      objects
        .filter((o) => o.kind === 'Deployment')
        .map((d) => {
          const env = (d.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec
            .containers[0].env;
          return Object.fromEntries(env.filter((e) => e.name.startsWith('OTEL_')).map((e) => [e.name, e.value]));
        });
    expect(envsOf(rendered('pb-demo')).every((env) => Object.keys(env).length === 0)).toBe(true);
    const traced = rendered('pb-demo', [], ['--set', 'otel.endpoint=http://otel-collector.monitoring:4318']);
    expect(envsOf(traced).sort((a, b) => String(a['OTEL_SERVICE_NAME']).localeCompare(String(b['OTEL_SERVICE_NAME'])))).toEqual(
      [...SERVICES].sort().map((service) => ({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring:4318',
        OTEL_SERVICE_NAME: service,
      })),
    );
    const policy = traced.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pb-demo-reporting');
    const ports = ((policy?.spec as { egress: { ports: { port: number }[] }[] }).egress ?? []).map((e) => e.ports.map((p) => p.port));
    expect(ports).toEqual([[9093], [27017], [53, 53], [4318]]);
  });

  it('creates the topics in a pre-install/pre-upgrade Job running the kafka-topics entry point of the same image', () => {
    const objects = rendered('pb-demo');
    const job = objects.find((o) => o.kind === 'Job');
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const container = (job?.spec as { template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[] } } })
      .template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'SERVICE', value: 'kafka-topics' });
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'pb-demo-gateway');
    expect(container.image).toBe(
      (gateway?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image,
    );
  });

  it('with Strimzi renders a KafkaTopic per contract topic instead of the Job, and an analyst user that cannot read the internal topics', () => {
    const objects = rendered('pb-demo', [], ['--set', 'strimzi.topics=true', '--set', 'strimzi.users=true']);
    expect(named(objects, 'Job')).toEqual([]);
    const topics = objects.filter((o) => o.kind === 'KafkaTopic').map((o) => (o.spec as { topicName: string }).topicName);
    expect(topics.sort()).toEqual(Object.values(Topics).sort());
    const analyst = objects.find((o) => o.kind === 'KafkaUser' && o.metadata.name === 'demo-analyst');
    const readable = (analyst?.spec as { authorization: { acls: { resource: { type: string; name?: string } }[] } }).authorization.acls
      .filter((a) => a.resource.type === 'topic')
      .map((a) => a.resource.name);
    expect(readable).toContain(Topics.reportingReports);
    for (const internal of InternalTopics) expect(readable).not.toContain(internal);
    expect(named(objects, 'KafkaUser').sort()).toEqual([...SERVICES.map((s) => `demo-${s}`), 'demo-analyst'].sort());
    // Each KafkaUser carries the ACL plan of apps/kafka-topics (docs/adr/0025), the local broker's too:
    // files/acls.json, which apps/kafka-topics/src/acl-plan.spec.ts keeps equal to the plan.
    const plan = (JSON.parse(readFileSync(path.join(chart, 'files', 'acls.json'), 'utf8')) as { acls: Record<string, unknown[]> }).acls;
    for (const name of [...SERVICES, 'analyst']) {
      const user = objects.find((o) => o.kind === 'KafkaUser' && o.metadata.name === `demo-${name}`);
      expect((user?.spec as { authorization: { acls: unknown[] } }).authorization.acls).toEqual(plan[name]);
    }
  });

  it('lists the topics of the contracts in files/topics.json (what the Strimzi topics and users are made from)', () => {
    const file = JSON.parse(readFileSync(path.join(chart, 'files', 'topics.json'), 'utf8')) as {
      topics: { topic: string; internal: boolean }[];
    };
    expect(file.topics.map((t) => t.topic).sort()).toEqual(Object.values(Topics).sort());
    expect(file.topics.filter((t) => t.internal).map((t) => t.topic)).toEqual([...InternalTopics]);
  });
});

describe('what the checks refuse', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-'));

  it.each([
    ['an unknown key', 'services:\n  gateway:\n    replcas: 3\n', /replcas/],
    ['a mistyped value', 'services:\n  reporting:\n    replicas: two\n', /replicas/],
    ['an unknown top-level key', 'kafak:\n  brokers: [a:9092]\n', /kafak/],
    ['the image tag latest', 'image:\n  tag: latest\n', /image\/tag/],
    ['an OTLP endpoint that is not a URL', 'otel:\n  endpoint: collector:4318\n', /endpoint/],
    ['a secret-looking extra variable', 'services:\n  gateway:\n    env:\n      SMTP_PASSWORD: x\n', /SMTP_PASSWORD/],
  ])('values with %s fail the schema', (_what, values, message) => {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, values);
    const r = template('pb-bad', [file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('a rendered object with an unknown field fails the strict decode, naming the field', () => {
    const manifest = template('pb-demo').stdout.replace('revisionHistoryLimit: 5', 'revisionHistoryLimit: 5\n  replicaz: 3');
    const v = run(tools.validate, [], manifest);
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/Deployment\/pb-demo-org-registry: strict decoding: unknown field "spec.replicaz"/);
  });

  it('a field of the wrong type fails the decode', () => {
    const v = run(tools.validate, [], 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: eighty}]\n');
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/Service\/s: does not decode as Service/);
  });

  it('the policy refuses a container without probes or limits, running as root, writable, on latest, with a literal secret', () => {
    const v = run(
      tools.validate,
      ['-policy'],
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: bad}',
        'spec:',
        '  selector: {matchLabels: {a: b}}',
        '  template:',
        '    metadata: {labels: {a: b}}',
        '    spec:',
        '      containers:',
        '        - name: c',
        '          image: registry.example.cn/x:latest',
        '          env: [{name: INTERNAL_AUTH_SECRET, value: plain}]',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: literal}',
        'stringData: {secret: x}',
      ].join('\n'),
    );
    expect(v.status).toBe(1);
    for (const problem of [
      'no startupProbe',
      'no readinessProbe',
      'no memory limit',
      'runAsNonRoot is not true',
      'readOnlyRootFilesystem is not true',
      'tag latest',
      'env INTERNAL_AUTH_SECRET is a secret but not taken from a Secret',
      'Secret/literal: a Secret is rendered',
    ])
      expect(v.stdout).toContain(problem);
  });

  it('an unknown kind is refused rather than passed unchecked', () => {
    const v = run(tools.validate, [], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/unknown kind example.com\/v1 Widget/);
  });
});
