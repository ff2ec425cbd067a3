import { SetMetadata } from '@nestjs/common';

export const INFRASTRUCTURE_CONTROLLER = 'pb:infrastructure';

/**
 * A controller of infrastructure routes outside the public API (health, metrics): its @Public()
 * handlers need no entry in the route table (the `pb/route-auth` lint rule), and the OpenAPI document
 * leaves it out (http/openapi.ts). Not swagger's `@ApiExcludeController()`, so that a service that
 * serves no document never loads @nestjs/swagger (docs/adr/0027-idle-memory.md).
 */
export const InfrastructureController = () => SetMetadata(INFRASTRUCTURE_CONTROLLER, true);
