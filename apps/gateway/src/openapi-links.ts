import type { OpenAPIObject } from '@nestjs/swagger';
import { Routes, type JsonSchema, type RouteSpec } from '@pb/contracts';

/**
 * OpenAPI links of the gateway's document, derived from the route table so that a client (and the
 * stateful phase of schemathesis) can follow an answer to the operations on what it names:
 *
 * - a resource is what the entries on `<base>/{id}` act on (`/api/v1/party-orgs/{id}`); its operations
 *   are every entry on `<base>/{id}` and below it, and every entry with a path parameter named after
 *   it (`{partyOrgId}` for party-orgs);
 * - an answer names a resource by `id` when it is that resource (the get-one's schema, a list or a
 *   page of it, or the create or list at `<base>`), and by a `<resource>Id` property anywhere
 *   (`orgUnitId` of `/api/v1/accounts/me` names an org unit).
 *
 * Each operation also gets its route-table id as `operationId`, the name the links use.
 */
export function addRouteLinks(doc: OpenAPIObject, routes: Readonly<Record<string, RouteSpec>> = Routes): OpenAPIObject {
  const entries = Object.entries(routes);
  for (const [id, spec] of entries) {
    const op = operationOf(doc, spec);
    if (op) op.operationId = id;
  }
  const resources = resourcesOf(entries);
  for (const [sourceId, spec] of entries) {
    const op = operationOf(doc, spec);
    if (!op) continue;
    const links = linksFrom(sourceId, spec, resources, entries);
    if (Object.keys(links).length === 0) continue;
    for (const answer of [spec.ok, spec.also]) {
      const response = answer && op.responses?.[String(answer.status)];
      if (response) response.links = { ...response.links, ...links };
    }
  }
  return doc;
}

export interface Link {
  operationId: string;
  parameters: Record<string, string>;
  description?: string;
}

interface Operation {
  operationId?: string;
  responses?: Record<string, { links?: Record<string, Link> }>;
}

/** A resource of the table: entries on `<base>/{id}`, the schema its `GET` answers, and the name of its id elsewhere. */
interface Resource {
  base: string;
  schema?: JsonSchema;
  /** `partyOrgId` for `/api/v1/party-orgs`: the path parameter and property naming one. */
  foreignKey: string;
}

function operationOf(doc: OpenAPIObject, spec: RouteSpec): Operation | undefined {
  const item = doc.paths[spec.path] as Record<string, Operation> | undefined;
  return item?.[spec.method.toLowerCase()];
}

function resourcesOf(entries: [string, RouteSpec][]): Resource[] {
  const bases = new Set<string>();
  for (const [, spec] of entries) {
    const m = /^(\/api\/v1\/[a-z-]+(?:\/[a-z-]+)*)\/\{id\}(\/|$)/.exec(spec.path);
    if (m) bases.add(m[1]);
  }
  return [...bases].map((base) => {
    const one = entries.find(([, spec]) => spec.method === 'GET' && spec.path === `${base}/{id}`)?.[1];
    const last = base.split('/').at(-1)!;
    const singular = last.endsWith('s') ? last.slice(0, -1) : last;
    return {
      base,
      ...(one?.ok.schema ? { schema: one.ok.schema } : {}),
      foreignKey: `${singular.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Id`,
    };
  });
}

/** Where the answer's one item is: the answer itself, the first of an array, the first of a page. */
function itemOf(schema: JsonSchema | undefined): { pointer: string; item: JsonSchema } | undefined {
  if (!schema) return undefined;
  const props = schema['properties'] as Record<string, JsonSchema> | undefined;
  const pageItems = props?.['items']?.['items'] as JsonSchema | undefined;
  if (pageItems && props?.['nextCursor']) return { pointer: '/items/0', item: pageItems };
  if (schema['type'] === 'array' && schema['items']) return { pointer: '/0', item: schema['items'] as JsonSchema };
  return { pointer: '', item: schema };
}

function linksFrom(sourceId: string, spec: RouteSpec, resources: Resource[], entries: [string, RouteSpec][]): Record<string, Link> {
  const links: Record<string, Link> = {};
  const answer = itemOf(spec.ok.schema);
  const props = (answer?.item['properties'] ?? {}) as Record<string, JsonSchema>;
  for (const resource of resources) {
    const pointers: [string, string][] = [];
    if (resource.schema !== undefined && answer?.item === resource.schema) pointers.push(['id', `${answer.pointer}/id`]);
    // A create at the resource's base answers the one made, a paginated list there a page of them.
    else if (spec.path === resource.base && spec.method === 'POST') pointers.push(['id', '/id']);
    else if (spec.path === resource.base && spec.method === 'GET' && spec.paginated) pointers.push(['id', '/items/0/id']);
    if (props[resource.foreignKey]) pointers.push([resource.foreignKey, `${answer?.pointer ?? ''}/${resource.foreignKey}`]);
    for (const [property, pointer] of pointers) {
      for (const [targetId, target] of entries) {
        if (targetId === sourceId) continue;
        const param = parameterFor(resource, target);
        if (!param) continue;
        const name = property === 'id' ? targetId : `${targetId}By${property[0].toUpperCase()}${property.slice(1)}`;
        links[name] = {
          operationId: targetId,
          parameters: { [`path.${param}`]: `$response.body#${pointer}` },
          description: `${property} of the answer → {${param}} of ${target.method} ${target.path}`,
        };
      }
    }
  }
  return links;
}

/** The path parameter of `target` that names one `resource`, if any. */
function parameterFor(resource: Resource, target: RouteSpec): string | undefined {
  if (target.path === `${resource.base}/{id}` || target.path.startsWith(`${resource.base}/{id}/`)) return 'id';
  if (target.path.includes(`{${resource.foreignKey}}`)) return resource.foreignKey;
  return undefined;
}

/** Every link of a document, as `source -> target`, for tests and reports. */
export function linksOf(doc: OpenAPIObject): { source: string; status: string; name: string; link: Link }[] {
  const out: { source: string; status: string; name: string; link: Link }[] = [];
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const [name, link] of Object.entries(response.links ?? {})) out.push({ source: op.operationId ?? '', status, name, link });
      }
    }
  }
  return out;
}
