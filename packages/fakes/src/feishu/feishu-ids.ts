import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits, as Bitable's ids are (`tbl…`, `fld…`, `rec…`, app tokens). */
export function alnum(length: number, random: () => number = secureUnit): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[Math.floor(random() * ALNUM.length)];
  return out;
}

function secureUnit(): number {
  return randomBytes(4).readUInt32BE(0) / 4_294_967_296;
}

/** Shapes of the real ids: `tbl` + 13, `fld` + 10, `rec` + 10 characters; app tokens 27 characters. */
export const newTableId = (random?: () => number) => `tbl${alnum(13, random)}`;
export const newFieldId = (random?: () => number) => `fld${alnum(10, random)}`;
export const newRecordId = (random?: () => number) => `rec${alnum(10, random)}`;
export const newAppToken = (random?: () => number) => alnum(27, random);
