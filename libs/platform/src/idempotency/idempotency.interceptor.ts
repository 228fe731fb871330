import {
  Inject,
  Injectable,
  Logger,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { HttpProblem, type ProblemBody } from '../errors/http-problem';
import { toProblem } from '../errors/problem-mapping';
import { canonicalJson, sha256 } from './canonical-json';
import { IdempotencyStore, type IdempotencyScope, type StoredAnswer } from './idempotency.store';

export interface IdempotencyOptions {
  /** How long a key is remembered. Default 24 h. */
  readonly retentionMs: number;
  /** How often a duplicate looks whether the first request finished. Default 25 ms. */
  readonly pollMs: number;
  /** How long a duplicate waits for it before 409 `idempotency-key-in-flight`. Default 30 s. */
  readonly waitMs: number;
  /** A key in flight this long belongs to a request that died; another may take it. Default 2 min. */
  readonly leaseMs: number;
}

export const IDEMPOTENCY_OPTIONS = 'IDEMPOTENCY_OPTIONS';
export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = {
  retentionMs: 24 * 60 * 60 * 1000,
  pollMs: 25,
  waitMs: 30_000,
  leaseMs: 120_000,
};

const METHODS = new Set(['POST', 'PATCH', 'DELETE']);
const VALID_KEY = /^[\x20-\x7E]{1,255}$/;
/** Response headers that are part of the answer and replayed with it. */
const KEPT_HEADERS = ['etag', 'location'];
const PURGE_EVERY_MS = 10 * 60 * 1000;

/** Route metadata: top-level answer fields never written to the idempotency store. */
export const IDEMPOTENT_ANSWER_OMITS = 'idempotency:omit';

/**
 * `@IdempotentAnswerOmits('secret')`: the stored answer (and so a replay) leaves these fields out,
 * for values that must be shown once and never kept in clear, such as a signing secret.
 */
export const IdempotentAnswerOmits = (...fields: string[]): MethodDecorator =>
  SetMetadata(IDEMPOTENT_ANSWER_OMITS, fields);

const withoutFields = (value: unknown, fields: readonly string[]): unknown => {
  if (fields.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value))
    return value;
  return Object.fromEntries(Object.entries(value).filter(([field]) => !fields.includes(field)));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Idempotency-Key` on POST, PATCH and DELETE: the first request with a key runs and its answer
 * is stored (a refusal too); a repeat with the same body gets that answer again (header
 * `Idempotent-Replayed: true`) and runs nothing; another body is 422 `idempotency-key-reused`;
 * a repeat while the first runs waits for it. Keys are scoped to the caller and the route.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private lastPurge = 0;

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (!METHODS.has(request.method) || key === undefined) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    const omitted =
      this.reflector.get<readonly string[] | undefined>(
        IDEMPOTENT_ANSWER_OMITS,
        context.getHandler(),
      ) ?? [];
    return defer(() => this.once(String(key), request, response, next, omitted));
  }

  private async once(
    key: string,
    request: AuthenticatedRequest,
    response: Response,
    next: CallHandler,
    omitted: readonly string[],
  ): Promise<unknown> {
    if (!VALID_KEY.test(key) || key.trim() === '') {
      throw new HttpProblem(
        400,
        'invalid-idempotency-key',
        'Idempotency-Key must be 1 to 255 printable ASCII characters.',
      );
    }
    const id = scopeOf(key, request);
    const fingerprint = fingerprintOf(request);
    this.purgeNowAndThen();
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const now = Date.now();
      if (await this.store.claim(id, fingerprint, now, this.options.retentionMs)) {
        return this.run(id, response, next, omitted);
      }
      const record = await this.store.find(id, now);
      if (!record) {
        // Expired, or released by a request that failed: clear it and claim the key anew.
        await this.store.deleteExpired(now, id);
        continue;
      }
      if (record.fingerprint !== fingerprint) {
        throw new HttpProblem(
          422,
          'idempotency-key-reused',
          'This Idempotency-Key was used for a different request; use a new key for a new request.',
        );
      }
      if (record.state === 'done') return replay(record.answer, response);
      const staleBefore = now - this.options.leaseMs;
      if (record.updatedAt < staleBefore && (await this.store.takeOver(id, staleBefore, now))) {
        return this.run(id, response, next, omitted);
      }
      if (now >= deadline) {
        throw new HttpProblem(
          409,
          'idempotency-key-in-flight',
          'A request with this Idempotency-Key is still being processed; retry later.',
        );
      }
      await sleep(this.options.pollMs);
    }
  }

  private async run(
    id: IdempotencyScope,
    response: Response,
    next: CallHandler,
    omitted: readonly string[],
  ): Promise<unknown> {
    let value: unknown;
    try {
      value = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.settleFailure(id, error);
      throw error;
    }
    const answer: StoredAnswer = {
      outcome: 'response',
      status: response.statusCode,
      body: value === undefined ? null : JSON.stringify(withoutFields(value, omitted)),
      headers: keptHeaders(response),
    };
    await this.store.complete(id, answer, Date.now()).catch((error: unknown) => {
      // The request did happen: answer it. A retry will wait for the lease, then run again.
      this.logger.error(`could not store the answer of an idempotent request: ${String(error)}`);
    });
    return value;
  }

  /** A refusal (4xx) is the answer to keep; a fault or a transient conflict frees the key. */
  private async settleFailure(id: IdempotencyScope, error: unknown): Promise<void> {
    const problem = toProblem(error);
    const transient = problem.status === 408 || problem.status === 409 || problem.status === 429;
    try {
      if (problem.status >= 400 && problem.status < 500 && !transient) {
        const body = JSON.stringify(problem.body);
        const answer: StoredAnswer = {
          outcome: 'problem',
          status: problem.status,
          body,
          headers: problem.headers,
        };
        await this.store.complete(id, answer, Date.now());
      } else {
        await this.store.release(id);
      }
    } catch (storeError) {
      this.logger.error(`could not settle an idempotent request: ${String(storeError)}`);
    }
  }

  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.store.deleteExpired(now).catch((error: unknown) => {
      this.logger.warn(`could not purge expired idempotency keys: ${String(error)}`);
    });
  }
}

function replay(answer: StoredAnswer, response: Response): unknown {
  const headers = { ...answer.headers, 'Idempotent-Replayed': 'true' };
  if (answer.outcome === 'problem') {
    throw HttpProblem.fromBody(JSON.parse(answer.body ?? '{}') as ProblemBody, headers);
  }
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.status(answer.status);
  return answer.body === null ? undefined : JSON.parse(answer.body);
}

/** The caller, the method, the route's pattern and its parameters. */
function scopeOf(key: string, request: AuthenticatedRequest): IdempotencyScope {
  const route: unknown = (request as Request & { route?: { path?: unknown } }).route?.path;
  const scope = canonicalJson([
    request.actor?.id ?? 'anonymous',
    request.method,
    typeof route === 'string' ? route : request.path,
    request.params ?? {},
  ]);
  return { scope, scopeHash: sha256(scope), key };
}

/** The request's meaning: its body (raw bytes hashed as they are) and the version it expects. */
function fingerprintOf(request: Request): string {
  const body: unknown = request.body;
  const content = Buffer.isBuffer(body) ? { raw: sha256(body) } : { json: body ?? null };
  return sha256(canonicalJson({ ...content, ifMatch: request.headers['if-match'] ?? null }));
}

function keptHeaders(response: Response): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}
