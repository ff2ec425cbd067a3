import { Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Leases } from '@pb/persistence';
import type { Connection } from 'mongoose';
import { busy } from './common/problems.js';
import { CONTACT_POINT_MODEL, contactPointOwnership, ContactPointSchema } from './contact-points/contact-point.schema.js';
import { MEMBER_MODEL, MemberSchema, memberOwnership } from './members/member.schema.js';
import { RULE_SET_MODEL, RuleSetSchema } from './milestone-rules/rule-set.schema.js';
import { ORG_UNIT_MODEL, OrgUnitSchema } from './org-units/org-unit.schema.js';
import { ORG_UNIT_OWNERSHIP, TreeReader } from './org-units/tree.reader.js';
import { loadConfig, scopedModelProvider } from '@pb/platform';
import { ORG_UNIT_CACHE_MS, registryEnv } from './config.js';
import { PARTY_ORG_MODEL, PartyOrgSchema, partyOrgOwnership } from './party-orgs/party-org.schema.js';

const models = MongooseModule.forFeature([
  { name: ORG_UNIT_MODEL, schema: OrgUnitSchema },
  { name: PARTY_ORG_MODEL, schema: PartyOrgSchema },
  { name: MEMBER_MODEL, schema: MemberSchema },
  { name: RULE_SET_MODEL, schema: RuleSetSchema },
  { name: CONTACT_POINT_MODEL, schema: ContactPointSchema },
]);

/** Every org-owned collection, reached only through its `ScopedModel` (docs/adr/0012). */
const scopedModels = [
  scopedModelProvider(ORG_UNIT_MODEL, ORG_UNIT_OWNERSHIP),
  scopedModelProvider(PARTY_ORG_MODEL, (tree: TreeReader) => partyOrgOwnership(tree.pathOf), [TreeReader]),
  scopedModelProvider(MEMBER_MODEL, (tree: TreeReader) => memberOwnership(tree.pathOf), [TreeReader]),
  scopedModelProvider(CONTACT_POINT_MODEL, (tree: TreeReader) => contactPointOwnership(tree.pathOf), [TreeReader]),
];

/** The registry's collections (database `orgs`), the tree reads every feature shares, and the tree lease. */
@Module({
  imports: [models],
  providers: [
    ...scopedModels,
    TreeReader,
    // One writer per org tree (a city) across replicas; a caller that waited too long gets a 503.
    { provide: Leases, useFactory: (c: Connection) => new Leases(c, { busy: () => busy() }), inject: [getConnectionToken()] },
    { provide: ORG_UNIT_CACHE_MS, useFactory: () => loadConfig(registryEnv).ORG_UNIT_CACHE_MS },
  ],
  exports: [models, ...scopedModels, TreeReader, Leases],
})
export class RegistryStoreModule {}
