import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import { requestHttp, type HttpRequester } from '@doitcrm/channels';

/**
 * A webhook URL comes from a template, which staff write: without a guard it could make the dispatcher call
 * PostgreSQL's or Redis's port on this machine, a private network, or a cloud metadata service (169.254.169.254) and
 * report what answered. Refused unless the host is on the operator's allow-list (DISPATCH_WEBHOOK_ALLOW_HOSTS).
 */
const BLOCKED = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) BLOCKED.addSubnet(network, prefix, 'ipv6');

export class UnsafeWebhookError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`webhook ${redact(url)} refused: ${reason}`);
    this.name = 'UnsafeWebhookError';
  }
}

const redact = (url: string) => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
};

/** This machine's own addresses: a public one would still reach every service it runs. */
function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) for (const entry of list ?? []) own.add(entry.address.toLowerCase());
  return own;
}

/** Why an address may not be called, or null when it may. */
export function blockedReason(address: string): string | null {
  let ip = address.toLowerCase().replace(/^\[|\]$/gu, '');
  // an IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/u.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = net.isIP(ip);
  if (family === 0) return 'not an IP address';
  if (BLOCKED.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return `${ip} is a loopback, private, link-local, metadata or reserved address`;
  if (ownAddresses().has(ip)) return `${ip} is this machine`;
  return null;
}

export interface WebhookGuard {
  /** Resolves the URL's host and refuses it when any address it resolves to may not be called. */
  check(url: string): Promise<void>;
  /** a webhook call that connects only to addresses that passed the check at connect time (no DNS rebinding in between) */
  request: HttpRequester;
}

type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** `allowHosts`: host names (or `host:port`) called without the address check, e.g. the local fakes of the demo and tests. */
export function createWebhookGuard(options: { allowHosts: readonly string[]; lookup?: LookupAll }): WebhookGuard {
  const allow = new Set(options.allowHosts.map((host) => host.trim().toLowerCase()).filter(Boolean));
  const lookupAll: LookupAll = options.lookup ?? ((hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true }));
  const allowed = (url: URL) => allow.has(url.hostname.toLowerCase()) || allow.has(url.host.toLowerCase());

  const parse = (raw: string): URL => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UnsafeWebhookError(raw, 'not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeWebhookError(raw, `scheme ${url.protocol} is not http(s)`);
    if (url.username || url.password) throw new UnsafeWebhookError(raw, 'credentials in the URL');
    return url;
  };

  /** The addresses a host may be connected to; throws naming the first refused one. */
  const safeAddresses = async (raw: string, hostname: string) => {
    const bare = hostname.replace(/^\[|\]$/gu, '');
    const addresses = net.isIP(bare) ? [{ address: bare, family: net.isIP(bare) }] : await lookupAll(bare).catch((error: unknown) => {
      throw new UnsafeWebhookError(raw, `host does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    });
    if (addresses.length === 0) throw new UnsafeWebhookError(raw, 'host does not resolve');
    for (const { address } of addresses) {
      const reason = blockedReason(address);
      if (reason) throw new UnsafeWebhookError(raw, reason);
    }
    return addresses;
  };

  const lookup = (raw: string): net.LookupFunction => (hostname, lookupOptions, callback) => {
    safeAddresses(raw, hostname).then((addresses) => {
      if (lookupOptions.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    }, (error: Error) => callback(error as NodeJS.ErrnoException, '', 0));
  };
  const send = requestHttp('app_webhook');

  const guardedRequest: HttpRequester = async (raw, init, timeoutMs) => {
    const url = parse(raw);
    if (allowed(url)) return send(raw, init, timeoutMs);
    // checked before connecting (an IP literal is connected to without any lookup), and again by the connect-time
    // lookup, so a name that rebinds between the two is still refused
    await safeAddresses(raw, url.hostname);
    return send(raw, { ...init, lookup: lookup(raw) }, timeoutMs);
  };

  return {
    async check(raw) {
      const url = parse(raw);
      if (!allowed(url)) await safeAddresses(raw, url.hostname);
    },
    request: guardedRequest,
  };
}
