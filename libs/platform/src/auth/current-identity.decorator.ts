import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { AuthenticatedRequest } from './auth.guard.js';
import type { Identity } from './identity.js';

/** The verified identity of the caller of an authenticated route. */
export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const identity = ctx.switchToHttp().getRequest<AuthenticatedRequest>().identity;
  if (!identity) throw new UnauthorizedException();
  return identity;
});
