import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'pb:isPublic';

/** Marks a route that needs no authentication. Every other route is authenticated (lint-enforced). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
