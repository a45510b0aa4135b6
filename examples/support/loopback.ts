/**
 * Whether a host is this machine: `localhost`, `::1` (with or without brackets) or an address in 127.0.0.0/8,
 * also in the IPv4-mapped IPv6 form (`::ffff:127.0.0.1`) a dual-stack socket reports. The client applies the same
 * rule to a plain-http base URL; examples use only the package's public API, so they keep this copy.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").replace(/^::ffff:/i, "");
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}
