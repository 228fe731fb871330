import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a scrape may read the metrics: always when no METRICS_TOKEN is configured, else only
 * with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time).
 */
export function metricsAccessAllowed(
  token: string | null,
  authorization: string | undefined,
): boolean {
  if (token === null) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
