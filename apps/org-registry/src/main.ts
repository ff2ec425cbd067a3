import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { RegistryModule } from './registry.module.js';

/** 组织机构登记 org-registry: bureaus, schools, party organisations, members, contact points. */
startDomainService({
  service: 'org-registry',
  consume: false,
  features: () => [RegistryModule],
});
