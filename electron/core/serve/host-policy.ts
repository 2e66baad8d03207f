import net from 'node:net';
import os from 'node:os';

/** What a browser on this machine may call a loopback server (its `Host`, without the port). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The host as a URL writes it: lowercase, IPv6 in brackets and in its shortest form. */
export function urlHostname(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return new URL(`http://${net.isIPv6(bare) ? `[${bare}]` : bare}/`).hostname;
}

export function isLoopback(host: string): boolean {
  const name = urlHostname(host);
  return (
    name === 'localhost' ||
    name === '[::1]' ||
    /^127\./.test(name) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name)
  );
}

/** Bound to every interface: the machine answers at each of its addresses. */
export function isWildcard(host: string): boolean {
  const name = urlHostname(host);
  return name === '0.0.0.0' || name === '[::]';
}

/**
 * Which `Host` (and WebSocket `Origin`) a request may name. A page from another site cannot
 * reach the server through a name it controls (DNS rebinding): only the bound address passes,
 * the loopback names when bound to loopback, and the machine's own addresses when bound to
 * every interface.
 */
export class HostPolicy {
  /** The hosts that never change: the bound name, and the loopback names where they apply. */
  private readonly hosts: Set<string>;
  private readonly wildcard: boolean;
  private readonly port: number;

  constructor(bindHost: string, port: number) {
    const bound = urlHostname(bindHost);
    this.wildcard = isWildcard(bound);
    this.port = port;
    this.hosts = hostsAt(
      this.wildcard ? LOOPBACK_NAMES : isLoopback(bound) ? [bound, ...LOOPBACK_NAMES] : [bound],
      port,
    );
  }

  acceptsHost(header: string | undefined): boolean {
    return header !== undefined && this.accepts(header.toLowerCase());
  }

  acceptsOrigin(header: string | undefined): boolean {
    const prefix = 'http://';
    const origin = header?.toLowerCase();
    return origin?.startsWith(prefix) === true && this.accepts(origin.slice(prefix.length));
  }

  private accepts(host: string): boolean {
    if (this.hosts.has(host)) return true;
    // Read when asked: addresses come and go with networks.
    return this.wildcard && hostsAt(interfaceAddresses(), this.port).has(host);
  }
}

/** `name:port` for each name, and the bare name on port 80: a browser leaves out the default. */
function hostsAt(names: readonly string[], port: number): Set<string> {
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  if (port === 80) for (const name of names) hosts.add(name);
  return hosts;
}

function interfaceAddresses(): string[] {
  const addresses: string[] = [];
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (!entry.address.includes('%')) addresses.push(urlHostname(entry.address));
    }
  }
  return addresses;
}
