/**
 * The HS256 secret used when neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set, so `npm start`
 * and `npm run token` work out of the box. Anyone can read it here: never expose an engine that
 * runs on it. `scripts/token.mjs` holds a copy (a unit test keeps the two equal).
 */
export const DEVELOPMENT_JWT_SECRET = 'incident-engine-development-secret-not-for-production';
