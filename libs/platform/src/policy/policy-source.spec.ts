import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error';
import { loadPolicyFile } from './policy-source';

const shipped = join(__dirname, '../../../../policy/almacare.yaml');

describe('loadPolicyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-source-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped AlmaCare policy with the hash of its exact text', () => {
    const loaded = loadPolicyFile(shipped);
    const content = readFileSync(shipped, 'utf8');
    expect(loaded.policy).toMatchObject({ program: 'almacare', version: '2023-04' });
    expect(loaded.content).toBe(content);
    expect(loaded.contentHash).toBe(createHash('sha256').update(content).digest('hex'));
    expect(loaded.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names SUPPORT_POLICY and the path when the file is missing', () => {
    const missing = join(dir, 'nowhere.yaml');
    expect(() => loadPolicyFile(missing)).toThrow(ConfigError);
    expect(() => loadPolicyFile(missing)).toThrow(
      /^SUPPORT_POLICY: no support policy file at .*nowhere\.yaml$/,
    );
  });

  it('names the wrong field of an invalid document', () => {
    const path = join(dir, 'broken.yaml');
    const text = readFileSync(shipped, 'utf8').replace('warnAt: 0.75', 'warnAt: lots');
    writeFileSync(path, text);
    expect(() => loadPolicyFile(path)).toThrow(ConfigError);
    expect(() => loadPolicyFile(path)).toThrow(
      /SUPPORT_POLICY: .*broken\.yaml is not a valid support policy:\n[^]*warnAt/,
    );
  });

  it('refuses a document that is not YAML', () => {
    const path = join(dir, 'garbage.yaml');
    writeFileSync(path, 'program: [unclosed\n');
    expect(() => loadPolicyFile(path)).toThrow(
      /SUPPORT_POLICY: .*garbage\.yaml is not a valid support policy/,
    );
  });
});
