import type { IncomingMessage } from 'node:http';

/*
 * DNS rebinding defence: a page on an attacker's domain whose name resolves to this
 * server's address would otherwise be "same origin" with it, since the origin checks
 * compare against the request's own Host. Only configured host names are answered.
 */

/** The host name of a `Host` header, lower case, without the port; null when there is none. */
export function hostNameOf(header: string | undefined): string | null {
  if (!header) return null;
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return null;
    const rest = host.slice(end + 1);
    return rest === '' || /^:\d{1,5}$/.test(rest) ? host.slice(0, end + 1) : null;
  }
  const match = /^([^:]+)(?::\d{1,5})?$/.exec(host);
  return match ? match[1]! : null;
}

export type HostPolicy = { isAllowed(req: IncomingMessage): boolean };

export function hostPolicy(allowedHosts: readonly string[]): HostPolicy {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  return {
    isAllowed(req) {
      const name = hostNameOf(req.headers.host);
      return name !== null && allowed.has(name);
    },
  };
}
