/**
 * Why a callback could not be read. None of these is worth a retry by the sender: the same bytes fail the same way.
 * - `bad_key`: the EncodingAESKey is not 43 base64 characters (a configuration error, not the sender's)
 * - `bad_ciphertext`: `Encrypt`/`echostr` is not base64 of whole AES blocks
 * - `bad_padding`: the last byte is not a PKCS#7 pad of 1–32 equal bytes (wrong key, or tampered bytes)
 * - `bad_length`: the message length field points past the end of the plaintext
 * - `bad_utf8`: the message is not UTF-8
 * - `bad_xml`: not well-formed XML, not `<xml>…</xml>`, or a field given twice or missing
 * - `xml_doctype`: a DOCTYPE or entity declaration (XXE, "billion laughs"); WeCom never sends one
 * - `bad_event`: an event we know whose fields are missing or mistyped
 */
export type CallbackFailure =
  | 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'bad_utf8' | 'bad_xml' | 'xml_doctype' | 'bad_event';

export class WecomCallbackError extends Error {
  readonly reason: CallbackFailure;

  constructor(reason: CallbackFailure, message: string, options: { cause?: unknown } = {}) {
    super(`WeCom callback ${reason}: ${message}`, options);
    this.name = 'WecomCallbackError';
    this.reason = reason;
  }
}
