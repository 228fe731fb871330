import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Controller, Get, Injectable } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import type { Actor } from '@engine/domain';
import { configureHttpApp } from '../http/configure-http-app';
import { PlatformModule } from '../platform.module';
import { loadEngineStartup } from '../startup/engine-startup';
import { AllowQueryToken, CurrentActor, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import { LeadDirectory } from './lead-directory.port';

const SECRET = 'auth-e2e-secret-that-is-long-enough!!';
const policy = join(__dirname, '../../../../policy/almacare.yaml');

@Controller('probe')
class ProbeController {
  @Get('me')
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }

  @Get('admin')
  @Roles('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('stream')
  @AllowQueryToken()
  stream(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}

@Injectable()
class FakeLeadDirectory extends LeadDirectory {
  /** `customer/user` of the nominated leads. */
  static readonly nominated = new Set(['acme/lead-1']);

  async isNominatedLead(customerId: string, userId: string): Promise<boolean> {
    return FakeLeadDirectory.nominated.has(`${customerId}/${userId}`);
  }
}

async function startApp(env: NodeJS.ProcessEnv): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PlatformModule.forRoot(
        loadEngineStartup({ SUPPORT_POLICY: policy, LOG_LEVEL: 'fatal', ...env }),
      ),
      AuthModule,
    ],
    controllers: [ProbeController],
    providers: [{ provide: LeadDirectory, useClass: FakeLeadDirectory }],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureHttpApp(app, { intakeMaxBytes: 1024 });
  await app.listen(0, '127.0.0.1');
  return app;
}

const hs256 = (claims: Record<string, unknown>, sub: string, expires: string | number = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(SECRET));

describe('AuthGuard with AUTH_JWT_SECRET', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await startApp({ AUTH_JWT_SECRET: SECRET });
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, token?: string) =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function expectProblem(response: Response, status: number, code: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status, code });
  }

  it('sets the actor from the token', async () => {
    const response = await get('/probe/me', await hs256({ role: 'engineer' }, 'eng-1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'eng-1', role: 'engineer' });
  });

  it('answers no token 401 unauthorized with WWW-Authenticate: Bearer', async () => {
    const response = await get('/probe/me');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectProblem(response, 401, 'unauthorized');
  });

  it.each([
    ['a bad signature', async () => `${await hs256({ role: 'engineer' }, 'e')}x`],
    [
      'an expired token',
      () => hs256({ role: 'engineer' }, 'e', Math.floor(Date.now() / 1000) - 120),
    ],
    ['an unknown role', () => hs256({ role: 'root' }, 'e')],
    ['a lead without org', () => hs256({ role: 'customer-lead' }, 'lead-1')],
  ])('answers %s 401 with an invalid_token challenge', async (_what, token) => {
    const response = await get('/probe/me', await token());
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    await expectProblem(response, 401, 'unauthorized');
  });

  it('answers another scheme 401', async () => {
    const response = await fetch(`${base}/probe/me`, { headers: { authorization: 'Basic eDp5' } });
    await expectProblem(response, 401, 'unauthorized');
  });

  it('answers a role the route does not allow 403 forbidden', async () => {
    await expectProblem(
      await get('/probe/admin', await hs256({ role: 'engineer' }, 'e')),
      403,
      'forbidden',
    );
    expect((await get('/probe/admin', await hs256({ role: 'admin' }, 'a'))).status).toBe(200);
  });

  it('lets a nominated lead in with its org', async () => {
    const response = await get(
      '/probe/me',
      await hs256({ role: 'customer-lead', org: 'acme' }, 'lead-1'),
    );
    expect(await response.json()).toEqual({ id: 'lead-1', role: 'customer-lead', org: 'acme' });
  });

  it.each([
    ['another user', 'lead-2', 'acme'],
    ['another customer', 'lead-1', 'globex'],
  ])('answers a lead token of %s 403 not-a-lead', async (_what, sub, org) => {
    const token = await hs256({ role: 'customer-lead', org }, sub);
    await expectProblem(await get('/probe/me', token), 403, 'not-a-lead');
  });

  it('holds a token it has already verified to each route’s roles', async () => {
    const token = await hs256({ role: 'engineer' }, 'e-remembered');
    expect((await get('/probe/me', token)).status).toBe(200);
    await expectProblem(await get('/probe/admin', token), 403, 'forbidden');
    expect(await (await get('/probe/me', token)).json()).toEqual({
      id: 'e-remembered',
      role: 'engineer',
    });
  });

  it('asks whether a lead is nominated on every request, with a token already verified too', async () => {
    const token = await hs256({ role: 'customer-lead', org: 'acme' }, 'lead-3');
    FakeLeadDirectory.nominated.add('acme/lead-3');
    try {
      expect((await get('/probe/me', token)).status).toBe(200);
      FakeLeadDirectory.nominated.delete('acme/lead-3');
      await expectProblem(await get('/probe/me', token), 403, 'not-a-lead');
    } finally {
      FakeLeadDirectory.nominated.delete('acme/lead-3');
    }
  });

  it('serves a public route without a token', async () => {
    expect((await get('/probe/open')).status).toBe(200);
  });

  it('takes ?access_token= only where the route allows it', async () => {
    const token = await hs256({ role: 'ops' }, 'ops-1');
    const stream = await fetch(`${base}/probe/stream?access_token=${token}`);
    expect(await stream.json()).toEqual({ id: 'ops-1', role: 'ops' });
    await expectProblem(await fetch(`${base}/probe/me?access_token=${token}`), 401, 'unauthorized');
  });

  it('keeps the OpenAPI document public', async () => {
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  });
});

describe('AuthGuard with AUTH_JWKS_URL', () => {
  let jwks: Server;
  let app: NestExpressApplication;
  let base: string;
  let privateKey: KeyLike;
  let strangerKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as { port: number };
    app = await startApp({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const rs256 = (key: KeyLike, kid: string) =>
    new SignJWT({ role: 'team-lead' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('tl-1')
      .setExpirationTime('5m')
      .sign(key);

  const me = (token: string) =>
    fetch(`${base}/probe/me`, { headers: { authorization: `Bearer ${token}` } });

  it("verifies a token signed with one of the provider's keys", async () => {
    const response = await me(await rs256(privateKey, 'key-1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'tl-1', role: 'team-lead' });
  });

  it('refuses a token signed with another key, and an HS256 token', async () => {
    expect((await me(await rs256(strangerKey, 'key-1'))).status).toBe(401);
    expect((await me(await rs256(strangerKey, 'key-2'))).status).toBe(401);
    expect((await me(await hs256({ role: 'team-lead' }, 'tl-1'))).status).toBe(401);
  });
});
