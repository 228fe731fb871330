import {
  TargetNotAllowedError,
  TargetUnresolvableError,
  isPublicAddress,
  resolveTarget,
  type AddressLookup,
} from './target-guard';

const dns =
  (table: Record<string, string[]>): AddressLookup =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.8.8.8',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fd00::1',
    'fc00::abcd',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    'not-an-address',
  ])('treats %s as internal', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'treats %s as public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it('refuses a name that resolves to an internal address, even among public ones', async () => {
    const lookup = dns({ 'hooks.example': ['93.184.215.14', '10.0.0.7'] });
    await expect(
      resolveTarget('https://hooks.example/x', { allowPrivate: false, lookup }),
    ).rejects.toBeInstanceOf(TargetNotAllowedError);
  });

  it('refuses IP literals and metadata addresses without asking DNS', async () => {
    const lookup = dns({});
    for (const url of [
      'http://[::1]:8080/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1',
    ])
      await expect(resolveTarget(url, { allowPrivate: false, lookup })).rejects.toBeInstanceOf(
        TargetNotAllowedError,
      );
  });

  it('connects to the address it checked, keeping the name in the URL', async () => {
    const lookup = dns({ 'hooks.example': ['93.184.215.14'] });
    const target = await resolveTarget('https://hooks.example:8443/in?x=1', {
      allowPrivate: false,
      lookup,
    });
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(target.url.host).toBe('hooks.example:8443');
  });

  it('lets internal targets through when allowed (tests, closed networks)', async () => {
    const lookup = dns({ localhost: ['127.0.0.1'] });
    await expect(
      resolveTarget('http://localhost:3000/', { allowPrivate: true, lookup }),
    ).resolves.toMatchObject({ address: '127.0.0.1' });
  });

  it('refuses other schemes and names that do not resolve', async () => {
    const lookup = dns({});
    await expect(
      resolveTarget('ftp://hooks.example/', { allowPrivate: true, lookup }),
    ).rejects.toBeInstanceOf(TargetUnresolvableError);
    await expect(
      resolveTarget('http://nowhere.invalid/', { allowPrivate: true, lookup }),
    ).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });
});
