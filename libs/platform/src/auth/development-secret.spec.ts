import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVELOPMENT_JWT_SECRET } from './development-secret';

describe('DEVELOPMENT_JWT_SECRET', () => {
  it('is long enough for HS256', () => {
    expect(DEVELOPMENT_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('is the one scripts/token.mjs signs with', () => {
    const script = readFileSync(join(__dirname, '../../../../scripts/token.mjs'), 'utf8');
    const copy = /DEVELOPMENT_JWT_SECRET = '([^']+)'/.exec(script)?.[1];
    expect(copy).toBe(DEVELOPMENT_JWT_SECRET);
  });
});
