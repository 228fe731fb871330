import type { EngineHarness } from './engine-harness';

export interface SupportDesk {
  readonly customerId: string;
  readonly admin: string;
  readonly engineer: string;
  readonly ops: string;
  /** A trained technical lead of the customer. */
  readonly lead: string;
  /** Opens an incident as the lead; returns its representation. */
  open(body?: Record<string, unknown>): Promise<any>;
}

/** A registered customer with one trained lead, and tokens for the usual roles. */
export async function supportDesk(
  engine: EngineHarness,
  options: { customerId?: string; plan?: 'essential' | 'enhanced'; hosts?: number } = {},
): Promise<SupportDesk> {
  const customerId = options.customerId ?? 'acme';
  const admin = await engine.token('admin');
  const registered = await engine.call('POST', '/customers', {
    token: admin,
    body: {
      id: customerId,
      name: 'Acme Corp',
      plan: options.plan ?? 'enhanced',
      hosts: options.hosts ?? 1000,
    },
  });
  if (registered.status !== 201)
    throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const leadId = `${customerId}-lead`;
  await engine.call('POST', `/customers/${customerId}/leads`, {
    token: admin,
    body: { userId: leadId, name: 'Ada Lead', email: `${leadId}@example.com` },
  });
  await engine.call('POST', `/customers/${customerId}/leads/${leadId}/training`, { token: admin });
  const lead = await engine.token('customer-lead', { sub: leadId, org: customerId });
  const engineer = await engine.token('engineer');
  const ops = await engine.token('ops');
  return {
    customerId,
    admin,
    engineer,
    ops,
    lead,
    async open(body = {}) {
      const opened = await engine.call('POST', '/incidents', {
        token: lead,
        body: {
          severity: 3,
          category: options.plan === 'essential' ? 'os-bug' : 'nginx',
          title: 'nginx returns 502',
          description: 'Every request to /api returns 502 since the update.',
          ...body,
        },
      });
      if (opened.status !== 201)
        throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
      return opened.body;
    },
  };
}
