import type { Subscription } from './webhook.state';

/** `incident.*` matches every incident event; any other pattern is one event type by name. */
export const typeMatches = (pattern: string, eventType: string): boolean =>
  pattern.endsWith('.*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType;

/**
 * Whether an enabled subscription wants an event of this type about this customer's incident.
 * `customerId` is null when the incident's customer is unknown: a customer filter then declines.
 */
export const subscriptionWants = (
  subscription: Pick<Subscription, 'status' | 'types' | 'customerId'>,
  eventType: string,
  customerId: string | null,
): boolean =>
  subscription.status === 'enabled' &&
  subscription.types.some((pattern) => typeMatches(pattern, eventType)) &&
  (subscription.customerId === null || subscription.customerId === customerId);
