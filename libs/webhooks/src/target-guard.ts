import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** The URL resolves to an address webhooks may not reach (422 `webhook-target-not-allowed`). */
export class TargetNotAllowedError extends Error {
  readonly code = 'webhook-target-not-allowed';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host} resolves to ${address}, a loopback, private, link-local or otherwise internal ` +
        'address that webhooks may not reach.',
    );
    this.name = 'TargetNotAllowedError';
  }
}

/** The URL is not http(s), or its host does not resolve (422 `webhook-target-unresolvable`). */
export class TargetUnresolvableError extends Error {
  readonly code = 'webhook-target-unresolvable';

  constructor(message: string) {
    super(message);
    this.name = 'TargetUnresolvableError';
  }
}

/** Where a delivery connects: the checked address, while the URL keeps the name (Host, TLS). */
export interface ResolvedTarget {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

export type AddressLookup = (
  host: string,
) => Promise<readonly { address: string; family: number }[]>;

const systemLookup: AddressLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Addresses that are not the public internet: unspecified, "this network", private (RFC 1918),
 * carrier-grade NAT, loopback, link-local (cloud metadata at 169.254.169.254), benchmarking,
 * IETF protocol assignments, multicast, reserved and broadcast; for IPv6 the unspecified and
 * loopback addresses, unique-local, link-local, site-local and multicast. IPv4-mapped IPv6
 * addresses are judged by their IPv4 address.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_IPV4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The IPv4 address an IPv4-mapped IPv6 address stands for, else the address itself. */
function unmapped(address: string): string {
  const dotted = MAPPED_IPV4.exec(address);
  if (dotted) return dotted[1];
  const hex = MAPPED_IPV4_HEX.exec(address);
  if (!hex) return address;
  const value = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** True for an address on the public internet; false for an internal one or no address at all. */
export function isPublicAddress(address: string): boolean {
  const plain = unmapped(address.toLowerCase());
  const family = isIP(plain);
  if (family === 0) return false;
  return !INTERNAL.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: tests and closed networks. */
  readonly allowPrivate: boolean;
  readonly lookup?: AddressLookup;
}

/** `http:` or `https:` URL, or TargetUnresolvableError. */
export function parseTargetUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetUnresolvableError('The webhook URL is not a valid URL.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TargetUnresolvableError('A webhook URL must be http or https.');
  return parsed;
}

/**
 * Resolves the URL's host and checks every address it resolves to (one internal address is
 * enough to refuse: a name could otherwise alternate). Deliveries connect to the address
 * returned, so a DNS answer that changes after the check cannot redirect them.
 * @throws TargetNotAllowedError, TargetUnresolvableError
 */
export async function resolveTarget(
  url: string | URL,
  policy: TargetPolicy,
): Promise<ResolvedTarget> {
  const parsed = parseTargetUrl(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly { address: string; family: number }[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (policy.lookup ?? systemLookup)(host);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new TargetUnresolvableError(
        `The webhook host ${host} does not resolve${typeof code === 'string' ? ` (${code})` : ''}.`,
      );
    }
  }
  if (addresses.length === 0)
    throw new TargetUnresolvableError(`The webhook host ${host} does not resolve.`);
  if (!policy.allowPrivate) {
    const internal = addresses.find(({ address }) => !isPublicAddress(address));
    if (internal) throw new TargetNotAllowedError(host, internal.address);
  }
  const [first] = addresses;
  return { url: parsed, address: first.address, family: first.family === 6 ? 6 : 4 };
}
