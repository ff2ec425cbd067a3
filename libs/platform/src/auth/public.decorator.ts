import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'pb:isPublic';

/**
 * Marks a route that needs no authentication. Every other route is authenticated (lint-enforced). The
 * OpenAPI document marks the route table's public entries `x-public` (http/openapi.ts).
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
