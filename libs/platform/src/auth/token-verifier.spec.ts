import { SignJWT } from 'jose';
import { HttpProblem } from '../errors/http-problem';
import { DEVELOPMENT_JWT_SECRET } from './development-secret';
import { TokenVerifier } from './token-verifier';

const SECRET = 's'.repeat(40);

function sign(
  claims: Record<string, unknown>,
  { secret = SECRET, expires = '1h' as string | number | null, alg = 'HS256' } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg }).setSubject('u-1').setIssuedAt();
  if (expires !== null) jwt.setExpirationTime(expires);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function refusal(verifier: TokenVerifier, token: string): Promise<HttpProblem> {
  const error = await verifier.verify(token).catch((e: unknown) => e);
  if (error instanceof HttpProblem) return error;
  throw new Error(`expected an HttpProblem, got ${String(error)}`);
}

describe('TokenVerifier', () => {
  const verifier = TokenVerifier.fromConfig({ authJwtSecret: SECRET, authJwksUrl: null });

  it('verifies an HS256 token and returns its actor', async () => {
    expect(verifier.source).toBe('secret');
    expect(await verifier.verify(await sign({ role: 'engineer' }))).toEqual({
      id: 'u-1',
      role: 'engineer',
    });
  });

  it('uses the development secret when nothing is configured', async () => {
    const development = TokenVerifier.fromConfig({ authJwtSecret: null, authJwksUrl: null });
    expect(development.source).toBe('development-secret');
    const token = await sign({ role: 'ops' }, { secret: DEVELOPMENT_JWT_SECRET });
    expect(await development.verify(token)).toEqual({ id: 'u-1', role: 'ops' });
    await expect(development.verify(await sign({ role: 'ops' }))).rejects.toThrow(HttpProblem);
  });

  it.each([
    ['another secret', () => sign({ role: 'engineer' }, { secret: 'x'.repeat(40) }), 'not valid'],
    ['an expired token', () => sign({ role: 'engineer' }, { expires: '-2m' }), 'expired'],
    ['no exp', () => sign({ role: 'engineer' }, { expires: null }), '`exp`'],
    ['a bad role', () => sign({ role: 'system' }), '`role`'],
    ['HS512', () => sign({ role: 'engineer' }, { alg: 'HS512' }), 'not valid'],
    ['garbage', async () => 'not.a.jwt', 'not valid'],
  ])('answers %s 401 unauthorized', async (_what, token, detail) => {
    const problem = await refusal(verifier, await token());
    expect(problem.getStatus()).toBe(401);
    expect(problem.body).toMatchObject({ code: 'unauthorized' });
    expect(problem.body.detail).toContain(detail);
    expect(problem.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('tolerates a little clock skew', async () => {
    expect(await verifier.verify(await sign({ role: 'admin' }, { expires: '-10s' }))).toEqual({
      id: 'u-1',
      role: 'admin',
    });
  });

  describe('remembering verified tokens', () => {
    const clockAt = (start: number) => {
      const clock = { now: start };
      const verifying = TokenVerifier.fromConfig(
        { authJwtSecret: SECRET, authJwksUrl: null },
        { now: () => clock.now },
      );
      return { clock, verifying };
    };

    it('accepts the same token again until it expires, then answers 401 expired', async () => {
      const start = Date.now();
      const { clock, verifying } = clockAt(start);
      const token = await sign({ role: 'engineer' }, { expires: Math.floor(start / 1000) + 5 });
      expect(await verifying.verify(token)).toEqual({ id: 'u-1', role: 'engineer' });
      clock.now = start + 20_000; // past exp, within the tolerated skew
      expect(await verifying.verify(token)).toEqual({ id: 'u-1', role: 'engineer' });
      clock.now = start + 40_000; // past exp and the skew
      const problem = await refusal(verifying, token);
      expect(problem.getStatus()).toBe(401);
      expect(problem.body.detail).toContain('expired');
    });

    it('verifies a long-lived token afresh after a minute', async () => {
      const start = Date.now();
      const { clock, verifying } = clockAt(start);
      const token = await sign({ role: 'ops' }, { expires: '1h' });
      expect(await verifying.verify(token)).toEqual({ id: 'u-1', role: 'ops' });
      clock.now = start + 2 * 60 * 60 * 1000; // two hours on: only a fresh check can see it
      expect((await refusal(verifying, token)).body.detail).toContain('expired');
    });

    it('does not remember a refused token, nor let one change the answer of another', async () => {
      const good = await sign({ role: 'admin' });
      const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      expect((await refusal(verifier, forged)).getStatus()).toBe(401);
      expect(await verifier.verify(good)).toEqual({ id: 'u-1', role: 'admin' });
      expect((await refusal(verifier, forged)).getStatus()).toBe(401);
    });

    it('tells a token verified within the minute without waiting, and no other', async () => {
      const start = Date.now();
      const { clock, verifying } = clockAt(start);
      const token = await sign({ role: 'engineer' }, { expires: '1h' });
      expect(verifying.rememberedActor(token)).toBeUndefined();
      await verifying.verify(token);
      expect(verifying.rememberedActor(token)).toEqual({ id: 'u-1', role: 'engineer' });
      clock.now = start + 61_000;
      expect(verifying.rememberedActor(token)).toBeUndefined();
    });

    it('hands out a copy: changing one answer does not change the next', async () => {
      const token = await sign({ role: 'engineer' });
      const first = await verifier.verify(token);
      (first as { role: string }).role = 'admin';
      expect(await verifier.verify(token)).toEqual({ id: 'u-1', role: 'engineer' });
    });
  });
});
