import type { Role } from '@engine/domain';
import { call, type Answer, type EngineDeployment } from '../../support/engine-process';

/** A registered customer with one trained lead, and tokens, on a deployment of processes. */
export interface ProcessDesk {
  readonly customerId: string;
  readonly admin: string;
  readonly engineer: string;
  readonly lead: string;
  /** Opens an incident through `api` as the lead (any answer is returned as it came). */
  open(api: string, body?: Record<string, unknown>): Promise<Answer>;
}

const expectStatus = (answer: Answer, status: number, what: string): void => {
  if (answer.status !== status)
    throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
};

export async function processDesk(
  deployment: EngineDeployment,
  api: string,
  customerId = 'acme',
): Promise<ProcessDesk> {
  const token = (role: Role, claims?: { sub?: string; org?: string }) =>
    deployment.token(role, claims);
  const admin = await token('admin');
  expectStatus(
    await call(api, 'POST', '/customers', {
      token: admin,
      body: { id: customerId, name: 'Acme Corp', plan: 'enhanced', hosts: 1000 },
    }),
    201,
    'register the customer',
  );
  const leadId = `${customerId}-lead`;
  expectStatus(
    await call(api, 'POST', `/customers/${customerId}/leads`, {
      token: admin,
      body: { userId: leadId, name: 'Ada Lead', email: `${leadId}@example.com` },
    }),
    201,
    'nominate the lead',
  );
  const trained = await call(api, 'POST', `/customers/${customerId}/leads/${leadId}/training`, {
    token: admin,
  });
  if (trained.status >= 300) expectStatus(trained, 200, 'train the lead');
  const lead = await token('customer-lead', { sub: leadId, org: customerId });
  return {
    customerId,
    admin,
    engineer: await token('engineer'),
    lead,
    open: (url, body = {}) =>
      call(url, 'POST', '/incidents', {
        token: lead,
        body: {
          severity: 3,
          category: 'nginx',
          title: 'nginx returns 502',
          description: 'Every request to /api returns 502 since the update.',
          ...body,
        },
      }),
  };
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` at once. */
export async function inParallel<T>(
  count: number,
  parallel: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}
