import { XMLParser } from 'fast-xml-parser';
import { WecomCallbackError } from './callback-error.ts';

/** WeCom's callback bodies are a few hundred bytes; anything this large is not one. */
const MAX_XML_CHARS = 256 * 1024;

// parseTagValue false: ids like "16178" stay strings (fast-xml-parser would make them numbers, spec/peer-lessons.md);
// CDATA is merged into the text; entity processing keeps only XML's five predefined entities because
// declarations are refused before parsing.
const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
  processEntities: true,
});

/** An element's text; nested elements (`MemChangeList`) stay objects, repeated ones arrays. */
export type XmlFields = Record<string, unknown>;

/**
 * The children of the `<xml>` root. A DOCTYPE or ENTITY declaration is refused before the parser sees it: WeCom
 * never sends one, and entity expansion is how XXE and "billion laughs" get in.
 */
export function parseXmlFields(xml: string): XmlFields {
  if (typeof xml !== 'string' || xml.length > MAX_XML_CHARS) throw new WecomCallbackError('bad_xml', 'empty or oversized body');
  // text inside CDATA (a 「联系我」 state, say) may mention "<!DOCTYPE" harmlessly; only markup counts
  if (/<!(DOCTYPE|ENTITY)/i.test(xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) throw new WecomCallbackError('xml_doctype', 'DOCTYPE and entity declarations are refused');
  let parsed: unknown;
  try {
    parsed = parser.parse(xml, true);
  } catch (error) {
    throw new WecomCallbackError('bad_xml', (error as Error).message, { cause: error });
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root) || Object.keys(parsed as object).length !== 1) {
    throw new WecomCallbackError('bad_xml', 'the document is not one <xml> element with fields');
  }
  return root as XmlFields;
}

/** A text field given once. Twice is refused: which copy was signed and which is read must never differ. */
export function textField(fields: XmlFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WecomCallbackError('bad_xml', `${name} is not a single text field`);
  return value;
}

export interface CallbackEnvelope {
  /** the corp id (self-built app) */
  toUserName: string;
  /** absent in some deliveries (go-workwx's own vector has it; customer-contact callbacks may not) */
  agentId?: string;
  /** base64 ciphertext, signed by `msg_signature` */
  encrypt: string;
}

/** The POST body: `<xml><ToUserName/><AgentID/><Encrypt/></xml>` (spec §1.10; go-workwx envelope/models.go). */
export function parseEnvelope(xml: string): CallbackEnvelope {
  const fields = parseXmlFields(xml);
  const encrypt = textField(fields, 'Encrypt');
  if (!encrypt) throw new WecomCallbackError('bad_xml', 'no Encrypt field');
  const agentId = textField(fields, 'AgentID');
  return { toUserName: textField(fields, 'ToUserName') ?? '', encrypt, ...(agentId ? { agentId } : {}) };
}
