import {
  Inject,
  Injectable,
  Logger,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { IS_PUBLIC, type AuthenticatedRequest } from '../auth/auth.decorators';
import { HttpProblem } from '../errors/http-problem';
import { correlationIdOf } from '../logging/correlation-id';
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
const KEPT_HEADERS = ['content-type', 'etag', 'location', 'retry-after', 'www-authenticate'];
const PURGE_EVERY_MS = 10 * 60 * 1000;
/** Refusals that may pass on their own: the key is freed, so a retry runs again. */
const TRANSIENT = new Set([408, 409, 429]);

/** Route metadata: top-level answer fields never written to the idempotency store. */
export const IDEMPOTENT_ANSWER_OMITS = 'idempotency:omit';

/**
 * `@IdempotentAnswerOmits('secret')`: the stored answer (and so a replay) leaves these fields out,
 * for values that must be shown once and never kept in clear, such as a signing secret.
 */
export const IdempotentAnswerOmits = (...fields: string[]): MethodDecorator =>
  SetMetadata(IDEMPOTENT_ANSWER_OMITS, fields);

/**
 * Thrown by the guard for a request whose key already has an answer: the exception filter sends
 * that stored answer as it is, with `Idempotent-Replayed: true`.
 */
export class IdempotentReplay extends Error {
  constructor(readonly answer: StoredAnswer) {
    super('idempotent replay');
    this.name = 'IdempotentReplay';
  }

  send(response: Response): void {
    const { answer } = this;
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    response.setHeader('Idempotent-Replayed', 'true');
    if (!response.hasHeader('content-type')) {
      // Answers stored before the content type was kept with them.
      response.type(answer.outcome === 'problem' ? 'application/problem+json' : 'application/json');
    }
    response.status(answer.status);
    if (answer.body === null) response.end();
    else response.send(answer.body);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Idempotency-Key` on POST, PATCH and DELETE: the first request with a key runs and its answer
 * is stored (a refusal too); a repeat with the same body gets that answer again (header
 * `Idempotent-Replayed: true`) and runs nothing; another body is 422 `idempotency-key-reused`;
 * a repeat while the first runs waits for it. Keys are scoped to the caller and the route.
 *
 * A guard, the last of the app's guards (after authentication, so the caller is known): it claims
 * the key, and the answer is caught on its way out (`response.send`, which every answer of an
 * express app ends in, a refusal written by the exception filter included) and stored before it
 * is sent. Requests without a key pass at the cost of a header lookup: an interceptor would
 * wrap every request of the app in Nest's observable chain instead.
 */
@Injectable()
export class IdempotencyGuard implements CanActivate {
  private readonly logger = new Logger('Idempotency');
  private lastPurge = 0;

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
    private readonly reflector: Reflector,
  ) {}

  /** Synchronous for a request without a key: Nest then awaits nothing for this guard. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !METHODS.has(request.method)) return true;
    return this.claimFor(context, request, key);
  }

  private async claimFor(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    key: string | string[],
  ): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (!request.actor && !this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      // Keys are scoped to the caller: without one, two callers' answers could be mixed up.
      throw new Error('IdempotencyGuard ran before the caller was authenticated (guard order)');
    }
    const omitted =
      this.reflector.get<readonly string[] | undefined>(
        IDEMPOTENT_ANSWER_OMITS,
        context.getHandler(),
      ) ?? [];
    const response = context.switchToHttp().getResponse<Response>();
    await this.claim(String(key), request, response, omitted);
    return true;
  }

  /** Returns once the key is this request's; throws the stored answer or a refusal otherwise. */
  private async claim(
    key: string,
    request: AuthenticatedRequest,
    response: Response,
    omitted: readonly string[],
  ): Promise<void> {
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
        return this.storeAnswerOf(id, request, response, omitted);
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
      if (record.state === 'done') throw new IdempotentReplay(record.answer);
      const staleBefore = now - this.options.leaseMs;
      if (record.updatedAt < staleBefore && (await this.store.takeOver(id, staleBefore, now))) {
        return this.storeAnswerOf(id, request, response, omitted);
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

  /**
   * Holds the request's answer until it is settled: a success (2xx, 3xx) or a lasting refusal
   * (4xx but 408, 409, 429) is stored, then sent; a fault or a transient refusal frees the key, so
   * a retry runs again. Should the store fail, the answer is sent anyway (the request did happen):
   * a retry waits for the lease and then runs again.
   */
  private storeAnswerOf(
    id: IdempotencyScope,
    request: Request,
    response: Response,
    omitted: readonly string[],
  ): void {
    const send = response.send;
    response.send = (body?: unknown): Response => {
      response.send = send;
      const status = response.statusCode;
      const settled =
        status >= 500 || TRANSIENT.has(status)
          ? this.store.release(id)
          : this.store.complete(id, answerOf(response, body, omitted), Date.now());
      const failed = (what: string) => (error: unknown) =>
        this.logger.error({ correlationId: correlationIdOf(request) }, `${what}: ${String(error)}`);
      void settled
        .catch(failed('could not settle an idempotent request'))
        .then(() => send.call(response, body))
        .catch(failed('could not send the answer of an idempotent request'));
      return response;
    };
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

/** The answer as sent: its status, its body as text (without the omitted fields), its headers. */
function answerOf(response: Response, body: unknown, omitted: readonly string[]): StoredAnswer {
  const status = response.statusCode;
  let text: string | null =
    body === undefined || body === null
      ? null
      : Buffer.isBuffer(body)
        ? body.toString('utf8')
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
  if (text !== null && omitted.length > 0 && status < 400) text = withoutFields(text, omitted);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { outcome: status >= 400 ? 'problem' : 'response', status, body: text, headers };
}

/** A JSON object's text without these top-level fields; any other text as it is. */
function withoutFields(text: string, fields: readonly string[]): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return text;
  return JSON.stringify(
    Object.fromEntries(Object.entries(value).filter(([field]) => !fields.includes(field))),
  );
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
