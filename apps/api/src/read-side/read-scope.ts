import type { Actor } from '@engine/domain';
import type { TenantScope } from '@engine/read-models';

/** A customer lead sees its own customer's rows only; every other role sees all. */
export const scopeOf = (actor: Actor): TenantScope =>
  actor.role === 'customer-lead' ? { customerId: actor.org ?? '' } : {};
