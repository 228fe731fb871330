// Mints a bearer token for the engine's API, for development and demos:
//   npm run token -- --role engineer
//   npm run token -- --role customer-lead --org acme --sub lead-1 --ttl 12h
// Signs HS256 with AUTH_JWT_SECRET, or with the engine's public development secret when it is
// unset (what the engine verifies with then). Prints only the token.
import { parseArgs, TextEncoder } from 'node:util';
import { SignJWT } from 'jose';

/** Keep equal to DEVELOPMENT_JWT_SECRET in libs/platform/src/auth/development-secret.ts. */
export const DEVELOPMENT_JWT_SECRET = 'incident-engine-development-secret-not-for-production';

const ROLES = ['customer-lead', 'engineer', 'senior-engineer', 'team-lead', 'cxo', 'ops', 'admin'];

function fail(message) {
  process.stderr.write(
    `${message}\nusage: npm run token -- --role <${ROLES.join('|')}> [--org <customer id>] [--sub <user id>] [--ttl 1h]\n`,
  );
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
  }));
} catch (error) {
  fail(error.message);
}

const { role, org, ttl } = options;
if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
if (role === 'customer-lead' && !org) fail('a customer-lead token needs --org <customer id>');
if (!/^\d+\s*[smhdw]$/.test(ttl)) fail('--ttl must be like 30m, 12h or 7d');
if (process.env.AUTH_JWKS_URL?.trim()) {
  process.stderr.write('note: AUTH_JWKS_URL is set; the engine will not accept this HS256 token\n');
}

const secret = process.env.AUTH_JWT_SECRET?.trim() || DEVELOPMENT_JWT_SECRET;
const claims = role === 'customer-lead' ? { role, org } : { role };
const token = await new SignJWT(claims)
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(options.sub || `${role}-1`)
  .setIssuedAt()
  .setExpirationTime(ttl.replace(/\s+/g, ''))
  .sign(new TextEncoder().encode(secret));
process.stdout.write(`${token}\n`);
