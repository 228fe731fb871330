import type { Policy } from '../policy/policy.model';

export type TechnicalLeadsPolicy = Policy['technicalLeads'];

/**
 * How many Customer Technical Leads the licence allows: `leads` per started block of `per`
 * hosts, capped at `max` (AlmaCare: 2 per 1000 hosts, at most 10).
 */
export const leadQuota = (hosts: number, technicalLeads: TechnicalLeadsPolicy): number =>
  Math.max(
    0,
    Math.min(technicalLeads.max, technicalLeads.leads * Math.ceil(hosts / technicalLeads.per)),
  );
