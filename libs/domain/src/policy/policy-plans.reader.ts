import { PLANS, SEVERITIES, type Channel, type Plan, type PlanPolicy } from './policy.model';
import { PolicyReader, allDefined, at, isMissing } from './policy.reader';

const CHANNELS: readonly Channel[] = ['web', 'email'];
const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

type PlanDraft = Omit<PlanPolicy, 'coverage'> & { readonly ownCoverage: readonly string[] };

/** Both plans, each plan's coverage holding the categories of the plan it includes. */
export function readPlans(
  reader: PolicyReader,
  value: unknown,
): Record<Plan, PlanPolicy> | undefined {
  const map = reader.map('plans', value);
  if (!map) return undefined;
  for (const key of Object.keys(map)) {
    if (!(PLANS as readonly string[]).includes(key)) {
      reader.report(at('plans', key), `unknown plan (one of ${PLANS.join(', ')})`);
    }
  }
  const drafts = new Map<Plan, PlanDraft | undefined>(
    PLANS.map((plan) => [plan, readPlan(reader, `plans.${plan}`, map[plan])]),
  );
  const plans: Partial<Record<Plan, PlanPolicy>> = {};
  for (const [plan, draft] of drafts) {
    const chain = [plan];
    for (let next = draft?.includes; next; next = drafts.get(next)?.includes) {
      if (chain.includes(next)) {
        reader.report(`plans.${plan}.includes`, `cycle ${[...chain, next].join(' -> ')}`);
        break;
      }
      chain.push(next);
    }
    if (!draft || chain.some((member) => !drafts.get(member))) continue;
    const coverage = chain.reverse().flatMap((member) => drafts.get(member)?.ownCoverage ?? []);
    const { ownCoverage: _, ...rest } = draft;
    plans[plan] = { ...rest, coverage: [...new Set(coverage)] };
  }
  return plans.essential && plans.enhanced
    ? { essential: plans.essential, enhanced: plans.enhanced }
    : undefined;
}

function readPlan(reader: PolicyReader, path: string, value: unknown): PlanDraft | undefined {
  const map = reader.map(path, value, ['channels', 'coverage', 'includes', 'responseTargets']);
  if (!map) return undefined;
  const channels = reader
    .list(at(path, 'channels'), map.channels, 1, 'channel')
    ?.map((channel, index) =>
      reader.oneOf(at(at(path, 'channels'), index), channel, CHANNELS, 'channel'),
    );
  const ownCoverage = reader
    .list(at(path, 'coverage'), map.coverage, 1, 'category')
    ?.map((category, index) =>
      typeof category === 'string' && KEBAB_CASE.test(category)
        ? category
        : reader.report(
            at(at(path, 'coverage'), index),
            `must be a kebab-case category like os-bug, not ${JSON.stringify(category)}`,
          ),
    );
  const includes = isMissing(map.includes)
    ? null
    : reader.oneOf(at(path, 'includes'), map.includes, PLANS, 'plan');
  const targets = reader.map(at(path, 'responseTargets'), map.responseTargets);
  const responseTargets =
    targets &&
    reader.numbered(at(path, 'responseTargets'), targets, SEVERITIES, 'severity', (p, v) =>
      reader.duration(p, v),
    );
  const complete = channels && allDefined(channels) && ownCoverage && allDefined(ownCoverage);
  if (!complete || includes === undefined || !responseTargets) return undefined;
  return { channels: [...new Set(channels)], ownCoverage, includes, responseTargets };
}
