/**
 * Who sent a webhook delivery: the peer address the server saw, or, behind proxies the user declared, the address
 * their nearest proxy recorded in `X-Forwarded-For`. Forwarded headers are read only with an explicit hop count:
 * anyone can send `X-Forwarded-For`, so without a proxy of yours in front it proves nothing.
 */

/** Strips an IPv4-mapped IPv6 prefix (`::ffff:1.2.3.4`), as Node reports for dual-stack sockets. */
function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.toLowerCase().startsWith("::ffff:") ? trimmed.slice(7) : trimmed;
}

/** True when `ip` is one of `list` (exact address match, IPv4-mapped forms included). */
export function isListedIp(ip: string, list: readonly string[]): boolean {
  const wanted = normalizeIp(ip);
  return list.some((listed) => normalizeIp(listed) === wanted);
}

/**
 * The sender's address, or undefined when it cannot be known. With `hops` proxies of the user's in front, each
 * appending the address it received from to `X-Forwarded-For`, the sender is the `hops`-th entry from the right:
 * entries further left were written by the sender itself and may be forged.
 */
export function senderAddress(headers: Headers, remoteAddress: string | undefined, hops: number): string | undefined {
  if (hops === 0) return remoteAddress;
  // Several header lines arrive joined with ", ", so one split reads them all.
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return chain.length >= hops ? chain[chain.length - hops] : undefined;
}
