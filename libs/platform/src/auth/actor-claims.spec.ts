import { actorFromClaims, InvalidClaimsError, TOKEN_ROLES } from './actor-claims';

describe('actorFromClaims', () => {
  it.each(['engineer', 'senior-engineer', 'team-lead', 'cxo', 'ops', 'admin'])(
    'makes a %s actor from sub and role, ignoring org',
    (role) => {
      expect(actorFromClaims({ sub: 'u-1', role, org: 'acme' })).toEqual({ id: 'u-1', role });
    },
  );

  it('makes a customer-lead actor with its org', () => {
    expect(actorFromClaims({ sub: 'lead-1', role: 'customer-lead', org: 'acme' })).toEqual({
      id: 'lead-1',
      role: 'customer-lead',
      org: 'acme',
    });
  });

  it.each([
    [{ role: 'engineer' }, '`sub`'],
    [{ sub: '', role: 'engineer' }, '`sub`'],
    [{ sub: 42, role: 'engineer' }, '`sub`'],
    [{ sub: 'u-1' }, '`role`'],
    [{ sub: 'u-1', role: 'system' }, '`role`'],
    [{ sub: 'u-1', role: 'root' }, '`role`'],
    [{ sub: 'u-1', role: 'customer-lead' }, '`org`'],
    [{ sub: 'u-1', role: 'customer-lead', org: '  ' }, '`org`'],
  ])('refuses %j (%s)', (claims, claim) => {
    expect(() => actorFromClaims(claims)).toThrow(InvalidClaimsError);
    expect(() => actorFromClaims(claims)).toThrow(claim);
  });

  it('never lets a token act as the system', () => {
    expect(TOKEN_ROLES).not.toContain('system');
    expect(TOKEN_ROLES).toContain('customer-lead');
  });
});
