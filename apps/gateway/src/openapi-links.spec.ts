import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Routes, type RouteSpec } from '@pb/contracts';
import { addRouteLinks, linksOf } from './openapi-links.js';

/** A document with one operation per table entry and its success answers, as the builder makes it. */
function skeleton(): OpenAPIObject {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of Object.values(Routes) as RouteSpec[]) {
    const responses: Record<string, object> = {};
    for (const answer of [spec.ok, spec.also]) if (answer) responses[String(answer.status)] = { description: 'OK' };
    (paths[spec.path] ??= {})[spec.method.toLowerCase()] = { operationId: 'RouteForwardingController_', responses };
  }
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths };
}

const linked = addRouteLinks(skeleton());
const links = linksOf(linked);
const to = (source: string, target: string) =>
  links.filter((l) => l.source === source && l.link.operationId === target).map((l) => l.link.parameters);

describe('OpenAPI links derived from the route table', () => {
  it('names each operation by its route-table id, once', () => {
    const ids = Object.values(linked.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId),
    );
    expect(ids.sort()).toEqual(Object.keys(Routes).sort());
  });

  it("links a create's answer id to the operations on what it made", () => {
    expect(to('postPartyOrgs', 'getPartyOrgsOne')).toEqual([{ 'path.id': '$response.body#/id' }]);
    expect(to('postPartyOrgs', 'postPartyOrgsMembers')).toEqual([{ 'path.id': '$response.body#/id' }]);
    expect(to('postApiKeys', 'deleteApiKeys')).toEqual([{ 'path.id': '$response.body#/id' }]);
    expect(to('postNotificationsEndpoints', 'deleteNotificationsEndpoints')).toEqual([{ 'path.id': '$response.body#/id' }]);
  });

  it("links a list's first item and a page's first item", () => {
    expect(to('getOrgUnitsPartyOrgs', 'patchPartyOrgs')).toEqual([{ 'path.id': '$response.body#/0/id' }]);
    expect(to('getPartyOrgsMembers', 'getMembersOne')).toEqual([{ 'path.id': '$response.body#/items/0/id' }]);
    expect(to('getOrgUnitsChildren', 'getOrgUnitsSubtree')).toEqual([{ 'path.id': '$response.body#/items/0/id' }]);
    expect(to('getNotificationsInbox', 'postNotificationsInboxRead')).toEqual([{ 'path.id': '$response.body#/items/0/id' }]);
  });

  it('links a property naming another resource: your org unit, a member’s party organisation, a report’s', () => {
    expect(to('getAccountsMe', 'getOrgUnitsOne')).toEqual([{ 'path.id': '$response.body#/orgUnitId' }]);
    expect(to('getMembersOne', 'getPartyOrgsOne')).toEqual([{ 'path.id': '$response.body#/partyOrgId' }]);
    expect(to('getPartyOrgsOne', 'putReportsDraft')).toEqual([{ 'path.partyOrgId': '$response.body#/id' }]);
  });

  it('puts the links on every success answer (a move answers 200 or 202)', () => {
    const move = (linked.paths['/api/v1/org-units/{id}/move'] as Record<string, { responses: Record<string, { links?: object }> }>)['post'];
    expect(Object.keys(move.responses['200']?.links ?? {}).sort()).toEqual(Object.keys(move.responses['202']?.links ?? {}).sort());
  });

  it('reaches every operation with an {id} parameter from some answer, but the delivery named only by its log', () => {
    const targets = new Set(links.map((l) => l.link.operationId));
    const unreached = Object.entries(Routes)
      .filter(([id, spec]) => spec.path.includes('{id}') && !targets.has(id))
      .map(([id]) => id);
    expect(unreached).toEqual(['getNotificationsDeliveriesOne']);
  });

  it('names only operations and parameters of the document', () => {
    const ops = new Map(Object.entries(Routes));
    for (const { link } of links) {
      const target = ops.get(link.operationId);
      expect(target).toBeDefined();
      for (const parameter of Object.keys(link.parameters)) expect(target!.path).toContain(`{${parameter.replace('path.', '')}}`);
    }
  });
});
