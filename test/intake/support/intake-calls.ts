import type { EngineHarness } from '../../support/engine-harness';
import { INTAKE_SECRET } from './intake-env';

export interface Delivery {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: any;
}

/** POST /intake/email with the raw bytes, as a mail provider's inbound webhook would. */
export async function deliver(
  engine: EngineHarness,
  raw: Buffer,
  secret: string | null = INTAKE_SECRET,
): Promise<Delivery> {
  const headers: Record<string, string> = { 'content-type': 'message/rfc822' };
  if (secret !== null) headers.authorization = `Bearer ${secret}`;
  const response = await fetch(`${engine.url}/intake/email`, {
    method: 'POST',
    headers,
    body: raw,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : null,
  };
}

/** The whole intake log (every page), newest first. */
export async function intakeLog(engine: EngineHarness, token: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=50&cursor=${encodeURIComponent(cursor)}` : '?limit=50';
    const page = await engine.call('GET', `/intake/log${query}`, { token });
    if (page.status !== 200) throw new Error(`log: ${page.status} ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The incident's events (its audit trail), as an engineer reads them. */
export async function eventsOf(engine: EngineHarness, token: string, incidentId: string) {
  const answer = await engine.call('GET', `/incidents/${incidentId}/events`, { token });
  if (answer.status !== 200) throw new Error(`events: ${answer.status}`);
  return answer.body.items as any[];
}
