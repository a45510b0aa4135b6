/**
 * Whether a host name or address is this machine: `localhost`, `::1` (bracketed as in a URL, or bare as a socket
 * reports it) or an address in 127.0.0.0/8, also in the IPv4-mapped IPv6 form (`::ffff:127.0.0.1`) that a
 * dual-stack socket reports. The one rule for "local": plain-http base URLs (config) and local webhook deliveries
 * (webhooks) both use it.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/^::ffff:/i, "");
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}
