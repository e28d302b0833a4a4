import { describe, expect, test } from 'vitest';
import { WecomCallbackError } from './callback-error.ts';
import { parseEvent } from './callback-events.ts';

const head = (event: string, changeType: string) =>
  `<ToUserName><![CDATA[wwCORPID]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime>`
  + `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType>`;
const xml = (event: string, changeType: string, rest: string) => `<xml>${head(event, changeType)}${rest}</xml>`;
const header = { toUserName: 'wwCORPID', fromUserName: 'sys', createTime: 1_700_000_000 };

describe('callback events', () => {
  test('when the spec add_external_contact event is parsed, then member, customer, state and welcome code come back', () => {
    // Act
    const event = parseEvent(xml('change_external_contact', 'add_external_contact',
      '<UserID><![CDATA[teacher01]]></UserID><ExternalUserID><![CDATA[wmFAKEPARENT01]]></ExternalUserID><State><![CDATA[]]></State><WelcomeCode><![CDATA[WC1]]></WelcomeCode>'));

    // Assert
    expect(event).toEqual({
      ...header, kind: 'change_external_contact', changeType: 'add_external_contact', userId: 'teacher01', externalUserId: 'wmFAKEPARENT01', state: '', welcomeCode: 'WC1',
    });
  });

  test('when a member id looks like a number, then it stays a string', () => {
    // Act
    const event = parseEvent(xml('change_external_contact', 'del_follow_user', '<UserID><![CDATA[16178]]></UserID><ExternalUserID>007</ExternalUserID>'));

    // Assert
    expect(event).toMatchObject({ changeType: 'del_follow_user', userId: '16178', externalUserId: '007' });
  });

  test.each([
    ['edit_external_contact', '', {}],
    ['add_half_external_contact', '<State><![CDATA[trial]]></State>', { state: 'trial', welcomeCode: '' }],
    ['del_external_contact', '<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>', { source: 'DELETE_BY_TRANSFER' }],
    ['transfer_fail', '<FailReason><![CDATA[customer_refused]]></FailReason>', { failReason: 'customer_refused' }],
  ])('when a %s contact event is parsed, then its own fields come back', (changeType, extra, expected) => {
    // Act
    const event = parseEvent(xml('change_external_contact', changeType, `<UserID><![CDATA[t1]]></UserID><ExternalUserID><![CDATA[wm1]]></ExternalUserID>${extra}`));

    // Assert
    expect(event).toEqual({ ...header, kind: 'change_external_contact', changeType, userId: 't1', externalUserId: 'wm1', ...expected });
  });

  test('when a group update adds members, then detail, scene, count and the changed members come back as numbers and strings', () => {
    // Act
    const event = parseEvent(xml('change_external_chat', 'update',
      '<ChatId><![CDATA[wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene>'
      + '<MemChangeCnt>2</MemChangeCnt><MemChangeList><Item><![CDATA[wm1]]></Item><Item><![CDATA[wm2]]></Item></MemChangeList>'));

    // Assert
    expect(event).toEqual({
      ...header, kind: 'change_external_chat', changeType: 'update', chatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', updateDetail: 'add_member',
      joinScene: 3, memChangeCnt: 2, memChangeList: ['wm1', 'wm2'],
    });
  });

  test('when a group is created or dismissed, then only its chat id comes back', () => {
    // Act
    const created = parseEvent(xml('change_external_chat', 'create', '<ChatId><![CDATA[wr1]]></ChatId>'));
    const dismissed = parseEvent(xml('change_external_chat', 'dismiss', '<ChatId><![CDATA[wr1]]></ChatId>'));

    // Assert
    expect(created).toEqual({ ...header, kind: 'change_external_chat', changeType: 'create', chatId: 'wr1' });
    expect(dismissed).toEqual({ ...header, kind: 'change_external_chat', changeType: 'dismiss', chatId: 'wr1' });
  });

  test('when tag events are parsed, then id, tag type and strategy id come back; a shuffle needs no tag type', () => {
    // Act
    const deleted = parseEvent(xml('change_external_tag', 'delete', '<Id><![CDATA[etGROUP]]></Id><TagType><![CDATA[tag_group]]></TagType><StrategyId>7</StrategyId>'));
    const shuffled = parseEvent(xml('change_external_tag', 'shuffle', '<Id><![CDATA[]]></Id>'));

    // Assert
    expect(deleted).toEqual({ ...header, kind: 'change_external_tag', changeType: 'delete', id: 'etGROUP', tagType: 'tag_group', strategyId: '7' });
    expect(shuffled).toEqual({ ...header, kind: 'change_external_tag', changeType: 'shuffle', id: '' });
  });

  test('when the event is pretty-printed as in WeCom\'s documentation, then the whitespace between fields is ignored', () => {
    // Act
    const event = parseEvent(`<xml>\n  ${head('change_external_chat', 'update').replace(/(<\/\w+>)(?=<)/g, '$1\n  ')}\n  <ChatId><![CDATA[wr1]]></ChatId>\n`
      + '  <UpdateDetail><![CDATA[del_member]]></UpdateDetail>\n  <QuitScene>1</QuitScene>\n  <MemChangeList>\n    <Item>Jack</Item>\n  </MemChangeList>\n</xml>\n');

    // Assert
    expect(event).toEqual({
      ...header, kind: 'change_external_chat', changeType: 'update', chatId: 'wr1', updateDetail: 'del_member', quitScene: 1, memChangeList: ['Jack'],
    });
  });

  test('when a CDATA value mentions <!DOCTYPE as text, then it is read as text, not refused', () => {
    // Act
    const event = parseEvent(xml('change_external_contact', 'add_external_contact',
      '<UserID><![CDATA[t1]]></UserID><ExternalUserID><![CDATA[wm1]]></ExternalUserID><State><![CDATA[<!DOCTYPE x> & ]]></State>'));

    // Assert
    expect(event).toMatchObject({ changeType: 'add_external_contact', state: '<!DOCTYPE x> & ' });
  });

  test.each([
    ['an event of another kind', xml('change_contact', 'create_user', '<UserID>u1</UserID>')],
    ['a new change type', xml('change_external_contact', 'msg_audit_approved', '<UserID>u1</UserID>')],
    ['a text message', '<xml><ToUserName>ww1</ToUserName><MsgType><![CDATA[text]]></MsgType><Content>hi</Content></xml>'],
  ])('when %s arrives, then it comes back as unknown with the whole XML', (_case, body) => {
    // Act
    const event = parseEvent(body);

    // Assert
    expect(event).toMatchObject({ kind: 'unknown', raw: body });
  });

  test.each([
    ['a contact event without ExternalUserID', xml('change_external_contact', 'del_follow_user', '<UserID>u1</UserID>')],
    ['a CreateTime that is not a number', xml('change_external_chat', 'create', '<ChatId>wr1</ChatId>').replace('1700000000', 'yesterday')],
    ['a group update without UpdateDetail', xml('change_external_chat', 'update', '<ChatId>wr1</ChatId>')],
    ['a tag event with an unknown TagType', xml('change_external_tag', 'create', '<Id>et1</Id><TagType>label</TagType>')],
    ['a JoinScene that is not a number', xml('change_external_chat', 'update', '<ChatId>wr1</ChatId><UpdateDetail>add_member</UpdateDetail><JoinScene>qr</JoinScene>')],
  ])('when %s arrives, then bad_event is thrown', (_case, body) => {
    // Act
    const run = () => parseEvent(body);

    // Assert
    expect(run).toThrow(WecomCallbackError);
    expect(run).toThrow(/bad_event/);
  });
});
