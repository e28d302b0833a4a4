import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt parameters for new hashes. N=2^15, r=8 costs 32 MiB and ~100–130 ms per hash on the 2-core reference box:
 * slow enough to make offline guessing expensive, fast enough for a login. Stored hashes carry their own parameters,
 * so these can be raised later (needsRehash tells the login path to upgrade a hash).
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

// Upper bounds for parameters read back from the database: a corrupted or planted row must not make us allocate gigabytes.
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function deriveKey(password: string, salt: Buffer, keyLength: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128·N·r at N=2^15; leave headroom for scrypt's own bookkeeping.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC so the same password typed through different input methods gives the same bytes.
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function parseHash(encoded: string): ParsedHash {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('unsupported password hash format');
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0 && N <= 2 ** MAX_LOG2_N;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) {
    throw new Error('password hash has out-of-range parameters');
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || hash.length < 16) throw new Error('password hash has a short salt or key');
  return { N, r, p, salt, hash };
}

/** Hashes a password into a self-describing string: `scrypt$N$r$p$salt$hash` (salt and hash in base64). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const hash = await deriveKey(password, salt, keyLength, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time check of a password against a stored hash. Throws only when the stored hash is malformed. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parseHash(encoded);
  const candidate = await deriveKey(password, stored.salt, stored.hash.length, stored);
  return timingSafeEqual(candidate, stored.hash);
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random password, made once per process, so unknown usernames cost a full KDF run too. */
export function warmUpDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'));
  return dummyHash;
}

/**
 * Verifies against the stored hash, or, when there is no such user, against a dummy hash with the same parameters
 * so the answer takes as long and the response time does not reveal which usernames exist.
 */
export async function verifyPasswordOrDummy(password: string, encoded: string | null | undefined): Promise<boolean> {
  if (encoded) return verifyPassword(password, encoded);
  await verifyPassword(password, await warmUpDummyHash());
  return false;
}

/** True when a stored hash was made with other parameters than today's, so the login path should re-hash it. */
export function needsRehash(encoded: string): boolean {
  try {
    const { N, r, p, hash } = parseHash(encoded);
    return N !== SCRYPT_PARAMS.N || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p || hash.length !== SCRYPT_PARAMS.keyLength;
  } catch {
    return true;
  }
}
