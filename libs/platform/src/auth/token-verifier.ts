import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Actor } from '@engine/domain';
import type { EngineConfig } from '../config/engine-config';
import { HttpProblem } from '../errors/http-problem';
import { actorFromClaims, InvalidClaimsError } from './actor-claims';
import { DEVELOPMENT_JWT_SECRET } from './development-secret';

/** Where the keys that verify tokens come from. */
export type TokenKeySource = 'jwks' | 'secret' | 'development-secret';

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Clock skew tolerated between the token's issuer and this server. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** How long a verified token is remembered at most (it is never kept past its own expiry). */
const VERIFIED_TTL_MS = 60_000;
/** How many verified tokens are remembered at most; the oldest is forgotten first. */
const VERIFIED_MAX_ENTRIES = 10_000;

export interface TokenVerifierOptions {
  /** The clock, in milliseconds since the epoch (a seam for tests). */
  readonly now?: () => number;
}

export const unauthorized = (detail: string, invalidToken: boolean): HttpProblem =>
  new HttpProblem(401, 'unauthorized', detail, {
    headers: { 'WWW-Authenticate': invalidToken ? 'Bearer error="invalid_token"' : 'Bearer' },
  });

/**
 * Verifies bearer tokens (JWT) and turns their claims into an Actor: with the identity
 * provider's keys when AUTH_JWKS_URL is set, else HS256 with AUTH_JWT_SECRET, else HS256 with
 * the public DEVELOPMENT_JWT_SECRET. Every token must carry `exp`.
 *
 * A verified token's actor is remembered by the token's exact text for up to a minute, and never
 * past the moment the token expires (with the tolerated skew): a client sending the same token
 * again is not verified again. Refused tokens are not remembered.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, { actor: Actor; until: number }>();

  private constructor(
    readonly source: TokenKeySource,
    private readonly key: Uint8Array | JWTVerifyGetKey,
    private readonly algorithms: string[],
    private readonly now: () => number,
  ) {}

  static fromConfig(
    config: Pick<EngineConfig, 'authJwksUrl' | 'authJwtSecret'>,
    options: TokenVerifierOptions = {},
  ): TokenVerifier {
    const now = options.now ?? Date.now;
    if (config.authJwksUrl !== null) {
      const keys = createRemoteJWKSet(new URL(config.authJwksUrl), { timeoutDuration: 5000 });
      return new TokenVerifier('jwks', keys, ASYMMETRIC, now);
    }
    const secret = config.authJwtSecret ?? DEVELOPMENT_JWT_SECRET;
    const source = config.authJwtSecret !== null ? 'secret' : 'development-secret';
    return new TokenVerifier(source, new TextEncoder().encode(secret), ['HS256'], now);
  }

  /** @throws HttpProblem 401 `unauthorized`, or 503 when the identity provider cannot be reached */
  async verify(token: string): Promise<Actor> {
    const now = this.now();
    const known = this.remembered(token, now);
    if (known !== undefined) return known;
    const { actor, exp } = await this.verifyNow(token, now);
    if (typeof exp === 'number' && Number.isFinite(exp)) {
      if (this.verified.size >= VERIFIED_MAX_ENTRIES) {
        this.verified.delete(this.verified.keys().next().value as string);
      }
      const until = Math.min(now + VERIFIED_TTL_MS, (exp + CLOCK_TOLERANCE_SECONDS) * 1000);
      this.verified.set(token, { actor: { ...actor }, until });
    }
    return actor;
  }

  /**
   * The actor of a token verified within the last minute and not expired since, without waiting
   * (the request's guard then needs no promise); undefined when the token must be verified.
   */
  rememberedActor(token: string): Actor | undefined {
    return this.remembered(token, this.now());
  }

  private remembered(token: string, now: number): Actor | undefined {
    const known = this.verified.get(token);
    if (known === undefined) return undefined;
    if (now < known.until) return { ...known.actor };
    this.verified.delete(token);
    return undefined;
  }

  /** Verifies the token at `now`: its actor and its `exp` (seconds). */
  private async verifyNow(token: string, now: number): Promise<{ actor: Actor; exp: unknown }> {
    let claims: Record<string, unknown>;
    try {
      const options = {
        algorithms: this.algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
        currentDate: new Date(now),
      };
      const verified =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      claims = verified.payload;
    } catch (error) {
      throw verificationProblem(error, this.source);
    }
    try {
      return { actor: actorFromClaims(claims), exp: claims.exp };
    } catch (error) {
      if (error instanceof InvalidClaimsError)
        throw unauthorized(`Invalid token: ${error.message}.`, true);
      throw error;
    }
  }
}

function verificationProblem(error: unknown, source: TokenKeySource): HttpProblem {
  if (error instanceof errors.JWTExpired) return unauthorized('The token has expired.', true);
  const fetchFailed = error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError);
  if (source === 'jwks' && fetchFailed) {
    // The identity provider's keys could not be fetched: the token may well be good.
    return new HttpProblem(
      503,
      'identity-provider-unavailable',
      'The identity provider did not answer; retry shortly.',
      { headers: { 'Retry-After': '5' } },
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthorized(
      'The token is signed with a key the identity provider does not list.',
      true,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthorized(
      `Invalid token: the \`${error.claim}\` claim ${error.reason === 'missing' ? 'is missing' : 'is not valid'}.`,
      true,
    );
  }
  return unauthorized(
    'The token is not valid (malformed, wrong algorithm or bad signature).',
    true,
  );
}
