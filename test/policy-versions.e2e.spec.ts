import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from './support/engine-harness';
import { supportDesk } from './support/support-desk';

const HOUR = 3_600_000;
const DEFAULT = readFileSync(join(__dirname, '../policy/almacare.yaml'), 'utf8');

describe('Policy versions: an incident is judged for life by the version it was opened under', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-versions-'));
  const env = (policy: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, policy);
    return { SQLITE_PATH: join(dir, 'engine.sqlite'), SUPPORT_POLICY: path };
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 2024-01: Enhanced severity 2 must be answered within 1 hour, severity 3 within 6.
  const newer = DEFAULT.replace('version: "2023-04"', 'version: "2024-01"').replace(
    /(enhanced:[\s\S]*?responseTargets:\s*\n\s*1: PT30M\s*\n\s*2: )PT2H(\s*\n\s*3: )PT12H/,
    '$1PT1H$2PT6H',
  );

  it('keeps the old version for old incidents after a new version is loaded', async () => {
    expect(newer).toContain('3: PT6H');
    let engine = await startEngine('sqlite', env(DEFAULT));
    const desk = await supportDesk(engine);
    const old = await desk.open({ severity: 3 });
    expect(old.policyVersion).toBe('2023-04');
    await engine.close();

    engine = await startEngine('sqlite', env(newer));
    try {
      const lead = await engine.token('customer-lead', { sub: 'acme-lead', org: 'acme' });
      const engineer = await engine.token('engineer');
      const fresh = await engine.call('POST', '/incidents', {
        token: lead,
        body: { severity: 3, category: 'nginx', title: 't', description: 'd' },
      });
      expect(fresh.body.policyVersion).toBe('2024-01');
      expect(Date.parse(fresh.body.responseDueAt) - Date.parse(fresh.body.receivedAt)).toBe(
        6 * HOUR,
      );

      // The old incident's severity change is judged by 2023-04: severity 2 is 2 hours there.
      const changed = await engine.call('POST', `/incidents/${old.id}/severity`, {
        token: engineer,
        body: { severity: 2, reason: 'More users affected' },
      });
      expect(changed.body.policyVersion).toBe('2023-04');
      expect(Date.parse(changed.body.responseDueAt) - Date.parse(changed.body.receivedAt)).toBe(
        2 * HOUR,
      );
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('refuses to start on a recorded version whose content changed', async () => {
    const changed = DEFAULT.replace('warnAt: 0.75', 'warnAt: 0.8');
    await expect(startEngine('sqlite', env(changed))).rejects.toThrow(
      /SUPPORT_POLICY: policy version 2023-04 is already recorded with different content/,
    );
  }, 30_000);
});
