import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, Role } from '@engine/domain';
import { HttpProblem } from '../errors/http-problem';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const ALLOWS_QUERY_TOKEN = 'auth:query-token';

/** A request as the auth guard leaves it: `actor` is set on every route that is not public. */
export type AuthenticatedRequest = Request & { actor?: Actor };

/** The route (or every route of the controller) needs no token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route; others get 403 `forbidden`. A method's list wins. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/**
 * The route also accepts the token as `?access_token=` (browsers' EventSource cannot send
 * headers). Only there: elsewhere a token in the URL would end up in logs and histories.
 */
export const AllowQueryToken = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWS_QUERY_TOKEN, true);

/** The authenticated caller: `@CurrentActor() actor: Actor`. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) {
    throw new HttpProblem(401, 'unauthorized', 'This route needs a bearer token.', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  return actor;
});
