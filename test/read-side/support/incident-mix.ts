import type { IncidentCommand } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import {
  checkSla,
  escalate,
  openIncident,
  recordIncident,
  reply,
  requestInformation,
  resolve,
  respond,
  withdraw,
} from '../../../libs/read-models/src/testing/incident-scenarios';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** The commands of the n-th incident of a varied mix (five shapes of lifecycle). */
export function mixedIncident(
  n: number,
  prefix = 'm',
): { id: string; commands: IncidentCommand[] } {
  const id = `${prefix}${n}`;
  const start = n * 7;
  const customerId = n % 3 === 0 ? 'globex' : 'acme';
  const open = openIncident({
    id,
    number: `INC-${prefix}${n}`,
    receivedAt: at(start),
    customerId,
    severity: ((n % 4) + 1) as 1 | 2 | 3 | 4,
  });
  const shapes: IncidentCommand[][] = [
    [open, respond(at(start + 10)), resolve(at(start + 100))],
    [open, checkSla(at(start + 60 * 24 * 5)), respond(at(start + 60 * 24 * 6))],
    [open, requestInformation(at(start + 5)), reply(at(start + 50), customerId)],
    [open, withdraw(at(start + 1), customerId)],
    [open, escalate(at(start + 20), customerId)],
  ];
  return { id, commands: shapes[n % shapes.length] };
}

/** The position of the last incident event the tests appended (the PostgreSQL feed may trail it). */
export const appended = { last: 0n };

/** Records incidents `from`..`to - 1` of the mix through handleCommand. */
export async function recordMix(
  store: EventStore,
  from: number,
  to: number,
  prefix = 'm',
): Promise<void> {
  for (let n = from; n < to; n += 1) {
    const { id, commands } = mixedIncident(n, prefix);
    const last = await recordIncident(store, id, commands);
    if (last > appended.last) appended.last = last;
  }
}
