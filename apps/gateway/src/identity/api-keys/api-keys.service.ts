import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ApiKeyListQuery, CreateApiKeyDto } from '@pb/contracts';
import { OutboxRelay } from '@pb/messaging';
import {
  auditWriteEvent,
  InjectScopedModel,
  OrgUnitDirectory,
  Scope,
  type Identity,
  type Page,
  type Role,
  type ScopedModel,
  problem,
} from '@pb/platform';
import { AuditService } from '../../audit/audit.service.js';
import { ungrantable } from '../grants.js';
import { sha256 } from '../passwords.js';
import { API_KEY_MODEL, type ApiKey } from './api-key.schema.js';

export type ApiKeyView = Omit<ApiKey, '_id' | 'keyHash' | 'outbox' | 'version'> & { id: string; key?: string };

const KEY = /^pbk_[A-Za-z0-9_-]{43}$/;
const KEY_NOT_FOUND = { zh: '找不到接口密钥', en: 'API key not found' };

/** Org-owned (docs/adr/0012): a key belongs to its org unit, whose path the gateway's org tree knows. */
export const apiKeyOwnership = OrgUnitDirectory.owning<ApiKey>('orgUnitId', KEY_NOT_FOUND);

/** A request's key is looked up by its hash before anyone is known, and its use is stamped on it. */
const KEY_VERIFICATION = Scope.system('api-key verification: the key of the presented hash');

function view(doc: ApiKey): ApiKeyView {
  const { _id, keyHash: _hash, outbox: _outbox, version: _version, ...rest } = doc;
  return { id: _id, ...rest };
}

/** The identity an API key acts as: its role, confined to its unit's subtree. */
export function apiKeyIdentity(key: Pick<ApiKey, '_id' | 'orgUnitId' | 'role'>): Identity {
  return { sub: `api-key:${key._id}`, orgUnitId: key.orgUnitId, roles: [key.role] };
}

@Injectable()
export class ApiKeysService implements OnModuleInit {
  constructor(
    @InjectScopedModel(API_KEY_MODEL) private readonly keys: ScopedModel<ApiKey>,
    private readonly tree: OrgUnitDirectory,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.keys.unscoped(Scope.system('outbox relay')));
  }

  /** Creates a key; the answer is the only time the key itself is shown (only its hash is stored). */
  async create(input: CreateApiKeyDto, caller: Identity, correlationId?: string): Promise<ApiKeyView> {
    await Scope.of(caller).unit(input.orgUnitId, this.tree.pathOf);
    const role = (input.role ?? 'school-secretary') as Role;
    if (ungrantable(caller.roles, [role]).length > 0) {
      throw problem.roleNotGrantable({ zh: '您不能授予此角色', en: 'You may not grant this role' }, [
        { pointer: '/role', rule: 'grantable', message: { zh: `不能授予 ${role}`, en: `may not grant ${role}` } },
      ]);
    }
    const key = `pbk_${randomBytes(32).toString('base64url')}`;
    const doc: Omit<ApiKey, 'outbox'> = {
      _id: randomUUID(),
      name: input.name,
      orgUnitId: input.orgUnitId,
      role,
      prefix: key.slice(0, 12),
      keyHash: sha256(key),
      createdBy: caller.sub,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
      version: 1,
    };
    const audit = auditWriteEvent({
      service: 'gateway',
      actor: caller,
      action: 'api-key.created',
      resourceType: 'api-key',
      resourceId: doc._id,
      unitId: doc.orgUnitId,
      before: null,
      after: doc,
      ...(correlationId ? { correlationId } : {}),
    });
    // Its unit was checked against the caller's scope above.
    await this.keys.unscoped(Scope.system('api keys: insert a checked key')).create({ ...doc, outbox: [audit] });
    this.relay.nudge();
    return { ...view({ ...doc, outbox: [] }), key };
  }

  async list(caller: Identity, query: ApiKeyListQuery): Promise<Page<ApiKeyView>> {
    const page = await this.tree.subtreePage(Scope.of(caller), this.keys, query, {
      path: '/api/v1/api-keys',
      unitField: 'orgUnitId',
      order: { field: '_id' },
      projection: { outbox: 0, keyHash: 0 },
    });
    return { ...page, items: page.items.map(view) };
  }

  /** Revokes a key of the caller's subtree at once: its next request is a 401. Repeating it changes nothing. */
  async revoke(id: string, caller: Identity, correlationId?: string): Promise<void> {
    const scope = Scope.of(caller);
    const current = await this.keys.get(scope, id);
    if (current.revokedAt) return;
    const revokedAt = new Date();
    const audit = auditWriteEvent({
      service: 'gateway',
      actor: caller,
      action: 'api-key.revoked',
      resourceType: 'api-key',
      resourceId: id,
      unitId: current.orgUnitId,
      before: current,
      after: { ...current, revokedAt, version: current.version + 1 },
      ...(correlationId ? { correlationId } : {}),
    });
    await this.keys.updateOne(
      scope,
      { _id: id, orgUnitId: current.orgUnitId, revokedAt: null },
      { $set: { revokedAt, version: current.version + 1 }, $push: { outbox: audit } },
    );
    this.relay.nudge();
  }

  /** The identity of a request's API key; unknown or revoked keys throw (401). Every use is audited. */
  async authenticate(key: string, ip: string, correlationId: string): Promise<Identity> {
    if (!KEY.test(key)) throw new Error('malformed API key');
    const found = await this.keys.findOne(KEY_VERIFICATION, { keyHash: sha256(key) }, { outbox: 0 }).lean<ApiKey>();
    if (!found || found.revokedAt) {
      await this.audit.recordAuth({
        action: 'api-key.refused',
        unitId: found?.orgUnitId ?? null,
        actor: null,
        ...(found ? { resource: { type: 'api-key', id: found._id } } : {}),
        ip,
        correlationId,
        detail: { reason: found ? 'revoked' : 'unknown', prefix: key.slice(0, 12) },
      });
      throw new Error('unknown or revoked API key');
    }
    const identity = apiKeyIdentity(found);
    await Promise.all([
      this.keys.updateOne(KEY_VERIFICATION, { _id: found._id }, { $set: { lastUsedAt: new Date() } }),
      this.audit.recordAuth({
        action: 'api-key.used',
        unitId: found.orgUnitId,
        actor: identity,
        resource: { type: 'api-key', id: found._id },
        ip,
        correlationId,
      }),
    ]);
    return identity;
  }
}
