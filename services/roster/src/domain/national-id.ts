import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { UnavailableError } from '@doitcrm/kit';

/** Children's ID numbers are shown only as enough to recognise one: the first three and last two characters. */
export function maskNationalId(value: string | null): string | null {
  if (value === null) return null;
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}

/** A child's ID number as the roster keeps it: never the number itself. */
export interface SealedNationalId {
  keyId: string;
  /** base64 of nonce || AES-256-GCM ciphertext || tag */
  ciphertext: string;
  /** keyed hash (HMAC-SHA-256): equal numbers have equal hashes, and without the key a hash says nothing */
  hash: string;
  masked: string;
}

export interface NationalIdCipher {
  readonly keyId: string;
  seal(value: string): SealedNationalId;
  open(sealed: Pick<SealedNationalId, 'keyId' | 'ciphertext'>): string;
  hash(value: string): string;
}

export const NATIONAL_ID_KEY_VARIABLE = 'ROSTER_ID_NUMBER_KEY';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// binds every ciphertext to its purpose: a value sealed for anything else does not open as an ID number
const AAD = Buffer.from('doitcrm.roster.national-id.v1');

/**
 * AES-256-GCM with a random 96-bit nonce per value (NIST SP 800-38D), and the lookup hash under a second key; both keys
 * come from the one secret through HKDF (RFC 5869), so an operator keeps one secret and neither key serves the other's
 * purpose. The key id is derived from the secret too, so each stored value says which key sealed it.
 */
export function createNationalIdCipher(secretBase64: string): NationalIdCipher {
  const secret = Buffer.from(secretBase64, 'base64');
  if (secret.length !== 32) throw new Error(`${NATIONAL_ID_KEY_VARIABLE} must be 32 bytes, base64-encoded (got ${secret.length} bytes)`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  const encryptionKey = derive('doitcrm roster national-id aes-256-gcm');
  const hashKey = derive('doitcrm roster national-id lookup hmac');
  const keyId = createHash('sha256').update(derive('doitcrm roster national-id key id')).digest('hex').slice(0, 12);
  const hash = (value: string) => createHmac('sha256', hashKey).update(normalise(value)).digest('hex');
  // nonces drawn from the CSPRNG a thousand at a time: one randomBytes call per value cost more than the encryption
  let nonces = Buffer.alloc(0);
  const nextNonce = () => {
    if (nonces.length < NONCE_BYTES) nonces = randomBytes(NONCE_BYTES * 1024);
    const nonce = Buffer.from(nonces.subarray(0, NONCE_BYTES));
    nonces = nonces.subarray(NONCE_BYTES);
    return nonce;
  };
  return {
    keyId,
    hash,
    seal(value) {
      const plain = normalise(value);
      const nonce = nextNonce();
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, nonce).setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return { keyId, ciphertext: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'), hash: hash(plain), masked: maskNationalId(plain)! };
    },
    open(sealed) {
      if (sealed.keyId !== keyId) {
        throw new UnavailableError(`这个身份证号由另一个密钥（${sealed.keyId}）加密，当前 ${NATIONAL_ID_KEY_VARIABLE} 是 ${keyId}，无法解密`);
      }
      const bytes = Buffer.from(sealed.ciphertext, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryptionKey, bytes.subarray(0, NONCE_BYTES)).setAAD(AAD);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (error) {
        // GCM's tag check: the stored value was altered, or sealed under another secret with the same key id
        throw new UnavailableError('保存的身份证号无法解密（数据被改动或密钥不符）', error);
      }
    },
  };
}

/** the same number written with a lower-case x or stray spaces is the same number */
function normalise(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** 18 characters (17 digits and a digit or X check character, GB 11643-1999), or the 15 digits of first-generation cards */
export function looksLikeNationalId(value: string): boolean {
  return /^(\d{17}[\dX]|\d{15})$/.test(normalise(value));
}

/** true when the secret is exactly 32 bytes in canonical base64 (what `openssl rand -base64 32` prints) */
export function isNationalIdKey(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value;
}
