import { ROLES, type Actor, type Role } from '@engine/domain';

/** The roles a token may carry: every role but `system`, which only the engine itself acts as. */
export const TOKEN_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'system');

/** A verified token whose claims do not make an actor; answered 401 like a bad signature. */
export class InvalidClaimsError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidClaimsError';
  }
}

const nonEmpty = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= 200;

/**
 * The actor a verified token speaks for: `sub` (user id), `role` (one of TOKEN_ROLES) and, for a
 * `customer-lead`, `org` (the customer it acts for). `org` is dropped for every other role.
 */
export function actorFromClaims(claims: Readonly<Record<string, unknown>>): Actor {
  const { sub, role, org } = claims;
  if (!nonEmpty(sub)) throw new InvalidClaimsError('the token has no `sub` (user id) claim');
  if (typeof role !== 'string' || !(TOKEN_ROLES as readonly string[]).includes(role)) {
    throw new InvalidClaimsError(
      `the token's \`role\` claim must be one of ${TOKEN_ROLES.join(', ')}`,
    );
  }
  if (role !== 'customer-lead') return { id: sub, role: role as Role };
  if (!nonEmpty(org)) {
    throw new InvalidClaimsError('a customer-lead token needs an `org` (customer id) claim');
  }
  return { id: sub, role, org };
}
