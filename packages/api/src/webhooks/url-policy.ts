/**
 * Which URLs webhooks may be sent to: http(s) only, and, unless the operator allows private
 * addresses (`NRR_WEBHOOKS_ALLOW_PRIVATE=1`), none that resolves to a loopback, private,
 * link-local, unique-local, carrier-grade NAT, multicast or unspecified address: a tenant must
 * not be able to make the server probe its own network. The host is resolved and every address
 * checked, when an endpoint is created and again before every delivery, which then connects to
 * the address checked (so a DNS answer that changes in between, "rebinding", cannot redirect it).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../errors.ts';

/** Whether private addresses are allowed (operator setting; tests allow loopback). */
export interface UrlPolicy {
  readonly allowPrivate: boolean;
}

const blocked = new BlockList();
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
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** Why `address` may not be sent to, or `undefined` when it is a public address. */
export function blockedAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is checked as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blockedAddressReason(mapped);
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')
    ? `${address} is a loopback, private, link-local or otherwise non-public address`
    : undefined;
}

/** A URL that passed the policy, with the addresses its host resolved to. */
export interface CheckedUrl {
  readonly url: URL;
  /** Resolved addresses, every one allowed; connect to one of these, not to a new lookup. */
  readonly addresses: readonly { readonly address: string; readonly family: 4 | 6 }[];
}

/**
 * Checks `text` against the policy: parses it, resolves its host and checks every address.
 * Throws `BAD_USER_INPUT` naming `field` and what is wrong.
 */
export async function checkWebhookUrl(text: string, policy: UrlPolicy, field = 'url'): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiError('BAD_USER_INPUT', `${field}: ${JSON.stringify(text)} is not a URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError(
      'BAD_USER_INPUT',
      `${field}: only http and https URLs are allowed, got ${url.protocol}`,
      {
        field,
      },
    );
  }
  if (url.username || url.password) {
    throw new ApiError('BAD_USER_INPUT', `${field}: a webhook URL may not carry a user name or password`, {
      field,
    });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: 4 | 6 }[];
  try {
    addresses = isIP(host)
      ? [{ address: host, family: isIP(host) as 4 | 6 }]
      : (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => ({
          address: entry.address,
          family: entry.family as 4 | 6,
        }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ApiError('BAD_USER_INPUT', `${field}: the host ${host} does not resolve (${code})`, { field });
  }
  if (addresses.length === 0) {
    throw new ApiError('BAD_USER_INPUT', `${field}: the host ${host} has no address`, { field });
  }
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) {
        throw new ApiError(
          'BAD_USER_INPUT',
          `${field}: ${host} resolves to ${reason}; webhooks go to public addresses only (an operator may allow private ones with NRR_WEBHOOKS_ALLOW_PRIVATE=1)`,
          { field },
        );
      }
    }
  }
  return { url, addresses };
}
