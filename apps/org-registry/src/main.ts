import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { RegistryModule } from './registry.module.js';

/** 組織機構登記 org-registry: bureaus, schools, party organisations, members, contact points. */
startDomainService({
  service: 'org-registry',
  consume: false,
  features: () => [RegistryModule],
});
