/** q-values of an Accept-Encoding header (RFC 9110 §12.5.3), lower-cased; `*` stands for any encoding not named. */
function acceptedEncodings(header: string | undefined): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const quality = q === undefined ? 1 : Number(q);
    accepted.set(name, Number.isFinite(quality) ? quality : 0);
  }
  return accepted;
}

/**
 * The encoding to send: the server's preference (the order of `available`) among those the client accepts with q > 0
 * (browsers list gzip before br with equal weight, so the client's order must not decide). `undefined` means none.
 */
export function chooseEncoding<E extends string>(header: string | undefined, available: readonly E[]): E | undefined {
  const accepted = acceptedEncodings(header);
  const quality = (encoding: string) => accepted.get(encoding) ?? accepted.get('*') ?? 0;
  const usable = available.filter((encoding) => quality(encoding) > 0);
  if (usable.length === 0) return undefined;
  const best = Math.max(...usable.map(quality));
  return usable.find((encoding) => quality(encoding) === best);
}
