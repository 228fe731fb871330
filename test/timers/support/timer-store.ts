import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIncidentDecider,
  incidentStreamId,
  parsePolicy,
  type IncidentCommand,
  type Policy,
  type PolicyRegistry,
  type Severity,
} from '@engine/domain';
import { createEventStore, handleCommand, type EventStore } from '@engine/event-store';
import { TIMER_POLICY } from './timer-policy';

export interface TimerStore {
  readonly store: EventStore;
  readonly policy: Policy;
  readonly policies: PolicyRegistry;
  readonly sqlitePath: string;
  /** Sends one command to an incident as it would come from the API. */
  send(incidentId: string, command: IncidentCommand): Promise<void>;
  /** Opens an Enhanced incident of `acme` now, as its trained lead. */
  open(incidentId: string, severity: Severity): Promise<void>;
  close(): Promise<void>;
}

/** A fresh SQLite event store and the seconds policy, without the HTTP app around them. */
export async function openTimerStore(): Promise<TimerStore> {
  const dir = mkdtempSync(join(tmpdir(), 'timers-store-'));
  const sqlitePath = join(dir, 'engine.sqlite');
  const store = await createEventStore({ kind: 'sqlite', sqlitePath });
  const policy = parsePolicy(TIMER_POLICY);
  const policies: PolicyRegistry = {
    current: policy,
    byVersion: (version) => (version === policy.version ? policy : undefined),
  };
  const decider = createIncidentDecider(policies);
  let commands = 0;
  const send = async (incidentId: string, command: IncidentCommand) => {
    await handleCommand(store, incidentStreamId(incidentId), decider, command, {
      commandId: `test-${(commands += 1)}`,
    });
  };
  return {
    store,
    policy,
    policies,
    sqlitePath,
    send,
    open: (incidentId, severity) =>
      send(incidentId, {
        type: 'OpenIncident',
        data: {
          incidentId,
          number: `INC-${incidentId}`,
          kind: 'incident',
          severity,
          category: 'nginx',
          title: 'nginx returns 502',
          description: 'Every request returns 502.',
          channel: 'web',
          relatedIncidentId: null,
          policyVersion: policy.version,
          customer: {
            customerId: 'acme',
            plan: 'enhanced',
            timeZone: 'UTC',
            holidays: [],
            leads: [{ userId: 'lead-1', trained: true }],
          },
        },
        meta: {
          now: new Date().toISOString(),
          actor: { id: 'lead-1', role: 'customer-lead', org: 'acme' },
        },
      }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
