/** A value of an event field: text goes in CDATA, numbers bare, lists as `<Item>` elements (MemChangeList). */
export type EventFieldValue = string | number | readonly string[];

/** One customer-contact event as WeCom words it (spec §1.10), before the header is added. */
export interface OutgoingEvent {
  event: 'change_external_contact' | 'change_external_chat' | 'change_external_tag' | (string & {});
  changeType: string;
  /** in the order WeCom writes them */
  fields: Readonly<Record<string, EventFieldValue>>;
}

/** `]]>` cannot sit inside one CDATA section: it is split across two, as XML allows. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function element(name: string, value: EventFieldValue): string {
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  return `<${name}>${value.map((item) => `<Item>${cdata(item)}</Item>`).join('')}</${name}>`;
}

/** The plaintext XML WeCom encrypts: FromUserName is always "sys" for these events. */
export function eventXml(corpId: string, createTime: number, event: OutgoingEvent): string {
  const fields = Object.entries(event.fields).map(([name, value]) => element(name, value)).join('');
  return `<xml>${element('ToUserName', corpId)}${element('FromUserName', 'sys')}${element('CreateTime', createTime)}`
    + `${element('MsgType', 'event')}${element('Event', event.event)}${element('ChangeType', event.changeType)}${fields}</xml>`;
}
