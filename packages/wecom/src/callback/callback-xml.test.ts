import { describe, expect, test } from 'vitest';
import { WecomCallbackError } from './callback-error.ts';
import { parseEnvelope } from './callback-xml.ts';
import { GO_WORKWX } from './callback-vectors.ts';

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof WecomCallbackError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('callback envelope', () => {
  test("when go-workwx's real envelope is parsed, then corp id, agent id and the ciphertext come back as strings", () => {
    // Act
    const envelope = parseEnvelope(GO_WORKWX.body);

    // Assert
    expect(envelope).toEqual({ toUserName: GO_WORKWX.receiveId, agentId: '1000002', encrypt: GO_WORKWX.encrypt });
  });

  test('when the agent id is a bare number, then it stays a string', () => {
    // Act
    const envelope = parseEnvelope('<xml><ToUserName><![CDATA[ww1]]></ToUserName><AgentID>1000002</AgentID><Encrypt><![CDATA[abcd]]></Encrypt></xml>');

    // Assert
    expect(envelope.agentId).toBe('1000002');
  });

  test.each([
    ['a DOCTYPE with an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>', 'xml_doctype'],
    ['a billion-laughs entity chain', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>', 'xml_doctype'],
    ['a lower-case doctype', '<!doctype xml><xml><Encrypt>abcd</Encrypt></xml>', 'xml_doctype'],
    ['an unclosed element', '<xml><Encrypt>abcd</xml>', 'bad_xml'],
    ['a root that is not <xml>', '<root><Encrypt>abcd</Encrypt></root>', 'bad_xml'],
    ['two Encrypt fields', '<xml><Encrypt>abcd</Encrypt><Encrypt>efgh</Encrypt></xml>', 'bad_xml'],
    ['no Encrypt field', '<xml><ToUserName>ww1</ToUserName></xml>', 'bad_xml'],
    ['an empty body', '', 'bad_xml'],
    ['JSON', '{"Encrypt":"abcd"}', 'bad_xml'],
  ])('when the body is %s, then it is refused with a typed error', (_case, body, reason) => {
    // Act + Assert
    expect(reasonOf(() => parseEnvelope(body))).toBe(reason);
  });
});
