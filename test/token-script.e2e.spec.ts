import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TokenVerifier } from '@engine/platform';

/** `npm run token` mints what the engine accepts, with the same secret the engine would use. */
const script = join(__dirname, '../scripts/token.mjs');

function mint(args: string[], env: NodeJS.ProcessEnv = {}) {
  const withoutAuth = { ...process.env, AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', ...env };
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: withoutAuth });
}

describe('scripts/token.mjs', () => {
  it('prints only a token the engine verifies with the development secret', async () => {
    const run = mint([
      '--role',
      'customer-lead',
      '--org',
      'acme',
      '--sub',
      'lead-1',
      '--ttl',
      '12h',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = TokenVerifier.fromConfig({ authJwtSecret: null, authJwksUrl: null });
    expect(await verifier.verify(run.stdout.trim())).toEqual({
      id: 'lead-1',
      role: 'customer-lead',
      org: 'acme',
    });
  });

  it('signs with AUTH_JWT_SECRET when it is set', async () => {
    const secret = 'a-configured-secret-of-at-least-32-chars';
    const run = mint(['--role', 'engineer'], { AUTH_JWT_SECRET: secret });
    const verifier = TokenVerifier.fromConfig({ authJwtSecret: secret, authJwksUrl: null });
    expect(await verifier.verify(run.stdout.trim())).toEqual({
      id: 'engineer-1',
      role: 'engineer',
    });
  });

  it.each([
    [['--role', 'system']],
    [['--role', 'customer-lead']],
    [['--role', 'engineer', '--ttl', 'forever']],
  ])('refuses %j with a usage line and exit code 2', (args) => {
    const run = mint(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('usage: npm run token');
  });
});
