import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AccountListQuery, CreateAccountDto, UpdateAccountDto } from '@pb/contracts';
import { OutboxRelay } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import {
  auditWriteEvent,
  ifMatchVersions,
  OrgUnitDirectory,
  ProblemException,
  InjectScopedModel,
  Scope,
  staleWrite,
  type ScopedModel,
  type Identity,
  type Page,
  problem,
} from '@pb/platform';
import { misplacedAt, ungrantable } from '../grants.js';
import { generatePassword, hashPassword } from '../passwords.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ACCOUNT_MODEL, type Account } from './account.schema.js';

export type AccountView = Omit<Account, '_id' | 'passwordHash' | 'outbox'> & { id: string; initialPassword?: string };

const ACCOUNT_NOT_FOUND = { zh: '找不到账号', en: 'Account not found' };

/** Org-owned (docs/adr/0012): an account belongs to its org unit, whose path the gateway's org tree knows. */
export const accountOwnership = OrgUnitDirectory.owning<Account>('orgUnitId', ACCOUNT_NOT_FOUND);

/** Sign-in, refresh and the bootstrap account: no caller yet, the account is looked up by its credentials. */
const SIGN_IN = Scope.system('sign-in: the account of the presented credentials');

export function accountView(doc: Account): AccountView {
  const { _id, passwordHash: _hash, outbox: _outbox, ...rest } = doc;
  return { id: _id, ...rest };
}

@Injectable()
export class AccountsService implements OnModuleInit {
  private readonly logger = new Logger('Accounts');

  constructor(
    @InjectScopedModel(ACCOUNT_MODEL) private readonly accounts: ScopedModel<Account>,
    private readonly tree: OrgUnitDirectory,
    private readonly sessions: SessionsService,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.accounts.unscoped(Scope.system('outbox relay')));
  }

  findByUsername(username: string): Promise<Account | null> {
    return this.accounts.findOne(SIGN_IN, { username: username.toLowerCase() }, { outbox: 0 }).lean<Account>();
  }

  findById(id: string): Promise<Account | null> {
    return this.accounts.lookup(SIGN_IN, id);
  }

  /** Creates an account inside the caller's subtree, with roles the caller may grant. */
  async create(input: CreateAccountDto, caller: Identity, correlationId?: string): Promise<AccountView> {
    await Scope.of(caller).unit(input.orgUnitId, this.tree.pathOf);
    const refused = ungrantable(caller.roles, input.roles);
    if (refused.length > 0) {
      throw problem.roleNotGrantable({ zh: '您不能授予这些角色', en: 'You may not grant these roles' }, [
        {
          pointer: '/roles',
          rule: 'grantable',
          message: { zh: `不能授予 ${refused.join(', ')}`, en: `may not grant ${refused.join(', ')}` },
        },
      ]);
    }
    const unit = await this.tree.get(input.orgUnitId);
    const misplaced = unit ? misplacedAt(unit.kind, input.roles) : [];
    if (misplaced.length > 0) {
      throw problem.ruleViolation({ zh: '管理员角色只能授予教育局的账号', en: 'Administrator roles are held at bureaus only' }, [
        {
          pointer: '/roles',
          rule: 'admin-at-bureau',
          message: {
            zh: `${misplaced.join(', ')} 不能授予${unit?.kind === 'school' ? '学校' : '此类单位'}的账号（市管理员限市教育局，县管理员限县教育局）`,
            en: `${misplaced.join(', ')} cannot be held at a ${unit?.kind} (city-admin at the city bureau, county-admin at a county bureau)`,
          },
        },
      ]);
    }
    const initialPassword = input.password ? undefined : generatePassword();
    const now = new Date();
    const doc: Omit<Account, 'outbox'> = {
      _id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      orgUnitId: input.orgUnitId,
      roles: input.roles,
      kind: input.kind ?? 'person',
      passwordHash: await hashPassword(input.password ?? initialPassword!),
      disabled: false,
      version: 1,
      createdBy: caller.sub,
      createdAt: now,
      updatedAt: now,
    };
    await this.insert(doc, caller, correlationId);
    return { ...accountView({ ...doc, outbox: [] }), ...(initialPassword ? { initialPassword } : {}) };
  }

  private async insert(doc: Omit<Account, 'outbox'>, actor: Identity, correlationId?: string) {
    const audit = auditWriteEvent({
      service: 'gateway',
      actor,
      action: 'account.created',
      resourceType: 'account',
      resourceId: doc._id,
      unitId: doc.orgUnitId,
      before: null,
      after: doc,
      ...(correlationId ? { correlationId } : {}),
    });
    // Its unit was checked against the actor's scope (or it is the bootstrap account).
    await insertOrFail(
      () => this.accounts.unscoped(Scope.system('accounts: insert a checked account')).create({ ...doc, outbox: [audit] }),
      () =>
        problem.duplicate({ zh: '登录名已被使用', en: 'The username is taken' }, [
          { pointer: '/username', rule: 'unique', message: { zh: '登录名必须唯一', en: 'username must be unique' } },
        ]),
    );
    this.relay.nudge();
  }

  /** An account inside the caller's subtree; anything else is a 404. */
  async get(id: string, caller: Identity): Promise<Account> {
    return this.accounts.get(Scope.of(caller), id);
  }

  async list(caller: Identity, query: AccountListQuery): Promise<Page<AccountView>> {
    const page = await this.tree.subtreePage(Scope.of(caller), this.accounts, query, {
      path: '/api/v1/accounts',
      unitField: 'orgUnitId',
      order: { field: '_id' },
      projection: { outbox: 0, passwordHash: 0 },
    });
    return { ...page, items: page.items.map(accountView) };
  }

  /** Changes an account at the version named by If-Match (428 without it, 412 when stale). */
  async update(
    id: string,
    patch: UpdateAccountDto,
    ifMatch: string | undefined,
    caller: Identity,
    correlationId?: string,
  ): Promise<Account> {
    const scope = Scope.of(caller);
    const current = await this.accounts.get(scope, id);
    const versions = ifMatchVersions(ifMatch);
    if (versions !== '*' && !versions.includes(current.version)) throw staleWrite(current.version);
    const now = new Date();
    const next: Account = { ...current, ...patch, version: current.version + 1, updatedAt: now };
    const audit = auditWriteEvent({
      service: 'gateway',
      actor: caller,
      action: patch.disabled === true && !current.disabled ? 'account.disabled' : 'account.updated',
      resourceType: 'account',
      resourceId: id,
      unitId: current.orgUnitId,
      before: current,
      after: next,
      ...(correlationId ? { correlationId } : {}),
    });
    const res = await this.accounts.updateOne(
      scope,
      { _id: id, orgUnitId: current.orgUnitId, version: current.version },
      { $set: { ...patch, version: next.version, updatedAt: now }, $push: { outbox: audit } },
      { timestamps: false },
    );
    if (res.matchedCount === 0) throw staleWrite((await this.findById(id))?.version ?? current.version);
    this.relay.nudge();
    if (next.disabled) await this.sessions.revokeAll(id);
    return next;
  }

  /**
   * The first city administrator, so a fresh platform can be logged into: created once from the
   * gateway's BOOTSTRAP_ADMIN_* settings when no account has that username (idempotent, any replica).
   */
  async ensureBootstrapAdmin(bootstrap: { username: string; password: string; orgUnitId: string }): Promise<'created' | 'exists'> {
    if (await this.findByUsername(bootstrap.username)) return 'exists';
    const now = new Date();
    const system: Identity = { sub: 'system:bootstrap', orgUnitId: bootstrap.orgUnitId, roles: ['city-admin'] };
    try {
      await this.insert(
        {
          _id: randomUUID(),
          username: bootstrap.username.toLowerCase(),
          displayName: 'City administrator 市教育局管理员',
          orgUnitId: bootstrap.orgUnitId,
          roles: ['city-admin'],
          kind: 'person',
          passwordHash: await hashPassword(bootstrap.password),
          disabled: false,
          version: 1,
          createdBy: system.sub,
          createdAt: now,
          updatedAt: now,
        },
        system,
      );
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 409) return 'exists'; // another replica won
      throw err;
    }
    this.logger.log(`bootstrap city-admin account ${bootstrap.username} created for org unit ${bootstrap.orgUnitId}`);
    return 'created';
  }
}
