import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import type { EngineConfig } from '../config/engine-config';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { createValidationPipe } from '../errors/validation.pipe';
import { requestLogging } from '../logging/request-logging';
import { ENGINE_LOGGER } from '../platform.module';
import { configureRequestBodies, type RawBodyType } from './request-body';

export interface HttpAppOptions {
  /** Largest JSON body in bytes; larger ones are answered 413. Default 1 MB. */
  readonly jsonLimitBytes?: number;
  /** Non-JSON bodies accepted as raw bytes. Default: `message/rfc822` up to INTAKE_MAX_BYTES. */
  readonly rawBodyTypes?: readonly RawBodyType[];
}

export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;
export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_UI_PATH = '/docs';

/**
 * Everything an HTTP app of the engine needs besides its modules, in one place for `main.ts` and
 * the e2e tests: request bodies, the problem+json filter, the validation pipe and
 * the OpenAPI document (`/openapi.json`, UI at `/docs`; both public: they are served outside
 * Nest's router, so the auth guard never sees them). Call it before `listen`/`init`. Signals are
 * the program's (`shutdownOnSignals` in main.ts), so a test's app closes only when it is told to.
 */
export function configureHttpApp(
  app: NestExpressApplication,
  config: Pick<EngineConfig, 'intakeMaxBytes'>,
  options: HttpAppOptions = {},
): void {
  app.disable('x-powered-by');
  // First: every later step, a refused body included, answers with the correlation id.
  app.use(requestLogging(engineLogger(app)));
  configureRequestBodies(
    app,
    options.jsonLimitBytes ?? DEFAULT_JSON_LIMIT_BYTES,
    options.rawBodyTypes ?? [{ type: 'message/rfc822', limitBytes: config.intakeMaxBytes }],
  );
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());

  const document = new DocumentBuilder()
    .setTitle('Incident engine API')
    .setDescription(
      'Incidents, customers, problems and SLA clocks of the support desk. Errors are ' +
        'application/problem+json; commands accept Idempotency-Key and If-Match.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  // Built on the first request for it, not at start-up.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}

/** The engine's pino logger, or null in an app built without PlatformModule (some tests). */
function engineLogger(app: NestExpressApplication): Logger | null {
  try {
    return app.get<string, Logger>(ENGINE_LOGGER, { strict: false });
  } catch {
    return null;
  }
}
