/**
 * Server-side request forgery guard for subscriber URLs. A URL is checked when a subscription is saved
 * and again when each delivery connects (the name may resolve elsewhere by then: DNS rebinding), and
 * every address must be public. net.BlockList does the range arithmetic (including IPv4-mapped IPv6);
 * the ranges are ours, from the IANA special-purpose registries.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses, private ones included
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** Whether the address is loopback, private, link-local or otherwise not on the public internet. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Which addresses webhook subscribers may have. */
export interface SubscriberAddresses {
  /** For testing only (PRM_WEBHOOKS_ALLOW_PRIVATE=1): plain http and private or loopback addresses. */
  allowPrivate: boolean;
}

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** The URL's form: https (http only when private addresses are allowed), no credentials in it. */
export function checkUrlForm(text: string, addresses: SubscriberAddresses): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeUrlError('must be an absolute URL, e.g. https://example.com/webhooks');
  }
  const schemes = addresses.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw new UnsafeUrlError('must use https');
  if (url.username || url.password) throw new UnsafeUrlError('must not contain a user name or password');
  const host = bareHost(url.hostname);
  if (!addresses.allowPrivate && isIP(host) && isBlockedAddress(host))
    throw new UnsafeUrlError(`must not point at a loopback, private or reserved address (${host})`);
  return url;
}

/** The form, then every address the name resolves to now. */
export async function checkSubscriberUrl(text: string, addresses: SubscriberAddresses): Promise<URL> {
  const url = checkUrlForm(text, addresses);
  const host = bareHost(url.hostname);
  if (addresses.allowPrivate || isIP(host)) return url;
  let resolved: LookupAddress[];
  try {
    resolved = await dns.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new UnsafeUrlError(`names a host that does not resolve (${host})`);
  }
  const bad = resolved.find((entry) => isBlockedAddress(entry.address));
  if (bad) throw new UnsafeUrlError(`resolves to a loopback, private or reserved address (${host} → ${bad.address})`);
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for sockets (undici's connect option) that refuses blocked addresses, so the address a
 * delivery actually connects to is the one checked. Node asks for every address (`all`) when it races
 * IPv4 and IPv6, or for one otherwise.
 */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((entry) => isBlockedAddress(entry.address));
    if (bad || addresses.length === 0) {
      const refused = Object.assign(
        new Error(`Refused to connect to ${hostname}: it resolves to a loopback, private or reserved address.`),
        { code: 'EWEBHOOKBLOCKED' },
      );
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
