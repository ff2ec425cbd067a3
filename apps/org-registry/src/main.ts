import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { OrgUnitsModule } from './org-units/org-units.module.js';

/** 組織機構登記 org-registry: bureaus, schools, party organisations, members, contact points. */
startDomainService({
  service: 'org-registry',
  consume: false,
  features: () => [OrgUnitsModule],
});
