import { describe, expect, it } from 'vitest';
import { compileTemplate, MissingVariablesError, renderTemplate, templateVariables } from './template-text.ts';

describe('template text', () => {
  it('when a template uses variables in subject and body, then they are listed once each, subject first, in order of first use', () => {
    expect(templateVariables({ subject: '订单 {{order_no}}', body: '{{customer_name}} 您好，订单 {{order_no}} 已于 {{date}} 发货 {{! 内部备注 }}' }))
      .toEqual(['order_no', 'customer_name', 'date']);
  });

  it('when a template uses triple braces, a section or a partial, then it is refused naming the placeholder', () => {
    expect(() => templateVariables({ subject: null, body: '您好 {{{name}}}' })).toThrow('{{{name}}}');
    expect(() => templateVariables({ subject: null, body: '{{#vip}}尊贵的{{/vip}}客户' })).toThrow('{{#vip}}');
    expect(() => templateVariables({ subject: null, body: '{{> footer}}' })).toThrow('{{> footer}}');
    expect(() => templateVariables({ subject: null, body: '{{订单号}}' })).toThrow('变量名 订单号 不合法');
    expect(() => templateVariables({ subject: null, body: '{{name' })).toThrow('模板语法错误');
  });

  it('when values are missing, then the error names every missing variable and nothing is rendered', () => {
    const template = { channel: 'sms' as const, subject: null, body: '{{customer_name}} 您好，订单 {{order_no}} 于 {{date}} 发货' };
    let error: unknown;
    try {
      renderTemplate(template, { customer_name: '张三', date: null });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(['order_no', 'date']);
    expect((error as MissingVariablesError).status).toBe(400);
    expect((error as MissingVariablesError).message).toBe('缺少变量：order_no、date');
  });

  it('when a value holds markup, then an e-mail escapes it as HTML, a robot escapes markdown, an SMS keeps it as typed', () => {
    const value = '<b>张*三</b> [点我](http://x.example) & "引号"';
    const vars = { name: value, n: 3 };
    expect(renderTemplate({ channel: 'email', subject: '给 {{name}}', body: '<p>{{name}} 第 {{n}} 次</p>' }, vars)).toEqual({
      subject: `给 ${value}`,
      body: '<p>&lt;b&gt;张*三&lt;/b&gt; [点我](http://x.example) &amp; &quot;引号&quot; 第 3 次</p>',
    });
    expect(renderTemplate({ channel: 'wecom_robot', subject: null, body: '**提醒** {{name}}' }, vars).body)
      .toBe('**提醒** \\<b\\>张\\*三\\</b\\> \\[点我\\]\\(http://x\\.example\\) & "引号"');
    expect(renderTemplate({ channel: 'feishu_bot', subject: null, body: '{{name}}' }, { name: '# 标题_1' }).body).toBe('\\# 标题\\_1');
    expect(renderTemplate({ channel: 'sms', subject: null, body: '{{name}}' }, vars).body).toBe(value);
  });

  it('when a subject value holds a line break, then the subject stays one line', () => {
    expect(renderTemplate({ channel: 'email', subject: '关于 {{topic}}', body: 'x' }, { topic: '退费\r\nBcc: a@x.example' }).subject)
      .toBe('关于 退费 Bcc: a@x.example');
  });

  it('when a value is an object or a variable is named like an Object property, then it is refused or reported missing, not rendered', () => {
    expect(() => renderTemplate({ channel: 'sms', subject: null, body: '{{name}}' }, { name: { a: 1 } })).toThrow('变量 name 的值必须是文字或数字');
    expect(() => renderTemplate({ channel: 'sms', subject: null, body: '{{constructor}}' }, {})).toThrow('缺少变量：constructor');
  });

  it('when a compiled template renders many messages, then each equals renderTemplate\'s and a missing value is named per message', () => {
    const template = { channel: 'feishu_bot' as const, subject: '{{title}}', body: '**{{title}}** {{detail}}' };
    const render = compileTemplate(template);
    const values = [{ title: 'a_b', detail: '1' }, { title: 'c', detail: '[x]' }];
    expect(values.map(render)).toEqual(values.map((value) => renderTemplate(template, value)));
    expect(render({ title: 'a_b', detail: '1' })).toEqual({ subject: 'a_b', body: '**a\\_b** 1' });
    expect(() => render({ title: 'x' })).toThrow('缺少变量：detail');
  });
});
