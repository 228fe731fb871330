import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import type { Request } from 'express';
import { DomainError, NotFoundError } from '@engine/domain';
import {
  ConcurrencyConflictError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '@engine/event-store';
import { PROBLEM_TYPE_BASE } from '../errors/http-problem';
import { configureHttpApp } from './configure-http-app';

class CustomerDto {
  @IsIn(['essential', 'enhanced'])
  plan!: string;
}

class ThingDto {
  @IsInt()
  @Min(1)
  @Max(4)
  severity!: number;

  @IsString()
  title!: string;

  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() thing: ThingDto): ThingDto {
    return thing;
  }

  @Post('mail')
  mail(@Req() request: Request): { bytes: number } {
    return { bytes: Buffer.isBuffer(request.body) ? request.body.length : -1 };
  }

  @Get('refused')
  refused(): never {
    throw new DomainError('lead-not-trained', 'Lead lead-1 has not completed training', {
      leadId: 'lead-1',
    });
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundError('No incident INC-1');
  }

  @Get('stale')
  stale(): never {
    throw new WrongExpectedVersionError('incident-1', 2n, 4n);
  }

  @Get('contended')
  contended(): never {
    throw new ConcurrencyConflictError('incident-1', 6);
  }

  @Get('down')
  down(): never {
    throw new StoreUnavailableError('connect ECONNREFUSED');
  }

  @Get('bug')
  bug(): never {
    throw new TypeError('cannot read x of undefined at /srv/secret.ts');
  }
}

describe('configureHttpApp', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureHttpApp(app, { intakeMaxBytes: 2048 }, { jsonLimitBytes: 1024 });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

  interface ProblemJson {
    readonly title: unknown;
    readonly detail: unknown;
    readonly errors?: readonly { field: string; message: string }[];
    readonly [member: string]: unknown;
  }

  async function problemOf(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as ProblemJson;
    expect(body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${code}`, status, code });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  }

  const valid = { severity: 2, title: 'Down', customer: { plan: 'enhanced' } };

  it('passes a valid body to the handler', async () => {
    const response = await post('/things', JSON.stringify(valid));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(valid);
  });

  it('answers malformed JSON 400 malformed-json', async () => {
    await problemOf(await post('/things', '{"severity": 2,'), 400, 'malformed-json');
  });

  it('answers a body over the limit 413 payload-too-large', async () => {
    const big = JSON.stringify({ ...valid, title: 'x'.repeat(2000) });
    await problemOf(await post('/things', big), 413, 'payload-too-large');
  });

  it('answers an unknown field 400 validation-failed naming it', async () => {
    const body = await problemOf(
      await post(
        '/things',
        JSON.stringify({ ...valid, customer: { plan: 'enhanced', vip: true } }),
      ),
      400,
      'validation-failed',
    );
    expect(body.errors).toEqual([
      { field: 'customer.vip', message: 'property vip should not exist' },
    ]);
  });

  it('answers a wrong type 400 validation-failed (no implicit conversion)', async () => {
    const body = await problemOf(
      await post('/things', JSON.stringify({ ...valid, severity: '2' })),
      400,
      'validation-failed',
    );
    expect(body.errors?.map((error) => error.field)).toContain('severity');
  });

  it('answers a body that is not an object 400', async () => {
    await problemOf(await post('/things', '[1, 2]'), 400, 'validation-failed');
    await problemOf(await post('/things', '"text"'), 400, 'malformed-json');
  });

  it('answers a body of another media type 415', async () => {
    await problemOf(
      await post('/things', 'severity=2', 'application/x-www-form-urlencoded'),
      415,
      'unsupported-media-type',
    );
    await problemOf(await post('/things', 'hello', 'text/plain'), 415, 'unsupported-media-type');
  });

  it('takes message/rfc822 as raw bytes up to INTAKE_MAX_BYTES', async () => {
    const response = await post('/things/mail', 'Subject: hi\r\n\r\nbody', 'message/rfc822');
    expect(await response.json()).toEqual({ bytes: 19 });
    await problemOf(
      await post('/things/mail', 'x'.repeat(3000), 'message/rfc822'),
      413,
      'payload-too-large',
    );
  });

  it('answers a domain refusal 422 with its code and details', async () => {
    const body = await problemOf(await fetch(`${base}/things/refused`), 422, 'lead-not-trained');
    expect(body).toMatchObject({
      leadId: 'lead-1',
      detail: 'Lead lead-1 has not completed training',
    });
  });

  it.each([
    ['missing', 404, 'not-found'],
    ['stale', 412, 'precondition-failed'],
    ['contended', 409, 'concurrency-conflict'],
    ['down', 503, 'store-unavailable'],
    ['nowhere', 404, 'not-found'],
  ])('answers /things/%s %i %s', async (path, status, code) => {
    const response = await fetch(`${base}/things/${path}`);
    await problemOf(response, status, code);
    if (status === 503) expect(response.headers.get('retry-after')).toBe('1');
  });

  it('answers an unexpected error 500 without its message', async () => {
    const body = await problemOf(await fetch(`${base}/things/bug`), 500, 'internal-error');
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('serves the OpenAPI document at /openapi.json and its UI at /docs', async () => {
    const json = await fetch(`${base}/openapi.json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as {
      openapi: string;
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect(Object.keys(document.paths)).toContain('/things');
    const ui = await fetch(`${base}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
