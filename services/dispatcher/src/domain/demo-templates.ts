import { systemActor, withAdvisoryLock, type Pool } from '@doitcrm/kit';
import { countTemplates } from '../data-access/template-repository.ts';
import { createTemplate, type TemplateInput } from './manage-templates.ts';

/**
 * The demo's templates, a few per channel with the seed's variables ({{order_no}}, {{customer_name}}). Fallbacks are
 * named, since ids are only known once their templates exist; a fallback comes before the templates that use it.
 */
const DEMO_TEMPLATES: Array<Omit<TemplateInput, 'fallbackTemplateId'> & { fallback?: string }> = [
  { name: '订单发货短信', channel: 'sms', body: '【DoitCRM】{{customer_name}}您好，您的订单{{order_no}}已发货，预计{{arrive_date}}送达。', providerTemplate: 'SMS_000001', sampleVariables: { customer_name: '张三', order_no: '202401010001', arrive_date: '1月3日' } },
  { name: '上课提醒短信', channel: 'sms', body: '【DoitCRM】{{parent_name}}家长您好，{{student_name}}的{{class_name}}将于{{start_time}}上课，请准时到校。', providerTemplate: 'SMS_000002', sampleVariables: { parent_name: '李', student_name: '李小明', class_name: '三年级英语1班', start_time: '周六 09:30' } },
  { name: '验证码短信', channel: 'sms', body: '【DoitCRM】您的验证码为{{code}}，5分钟内有效，请勿告诉他人。', providerTemplate: 'SMS_000003', sampleVariables: { code: '482913' } },
  { name: '订单发货邮件', channel: 'email', subject: '订单 {{order_no}} 已发货', body: '<p>{{customer_name}}，您好：</p>\n<p>您的订单 <b>{{order_no}}</b> 已发货，预计 {{arrive_date}} 送达。</p>\n<p>DoitCRM</p>', sampleVariables: { customer_name: '张三', order_no: '202401010001', arrive_date: '1月3日' } },
  { name: '月度学习报告邮件', channel: 'email', subject: '{{student_name}} 的 {{month}} 学习报告', body: '<p>{{parent_name}}家长您好：</p>\n<p>{{student_name}} 本月出勤 {{attendance}} 次，老师评语：{{comment}}</p>', sampleVariables: { student_name: '李小明', month: '12月', parent_name: '李', attendance: 8, comment: '进步明显，继续加油！' } },
  { name: '上课提醒（企业微信）', channel: 'wecom_app', subject: '上课提醒', body: '{{parent_name}}家长您好，{{student_name}}的{{class_name}}将于{{start_time}}上课。', fallback: '上课提醒短信', sampleVariables: { parent_name: '李', student_name: '李小明', class_name: '三年级英语1班', start_time: '周六 09:30' } },
  { name: '工单转接通知', channel: 'wecom_app', subject: '新工单', body: '客户{{customer_name}}的工单{{ticket_no}}已转接给你，问题：{{summary}}', sampleVariables: { customer_name: '张三', ticket_no: 'T-1024', summary: '设备无法开机' } },
  { name: '班级需关注提醒', channel: 'wecom_robot', body: '**需关注：{{class_name}}**\n> 原因：{{reason}}\n> 班主任：{{teacher_name}}', sampleVariables: { class_name: '三年级英语1班', reason: '7 位家长 30 天未沟通', teacher_name: '王老师' } },
  { name: '每日发送报告', channel: 'wecom_robot', body: '**{{day}} 消息发送日报**\n> 发送 {{sent}} 条，成功率 {{success_rate}}，失败 {{failed}} 条', sampleVariables: { day: '2026-12-05', sent: 3210, success_rate: '99.2%', failed: 26 } },
  { name: '服务进度通知（公众号）', channel: 'wechat_oa', subject: '服务进度更新', body: '您的工单{{ticket_no}}状态：{{status}}。{{remark}}', providerTemplate: 'OA_TEMPLATE_PROGRESS', sampleVariables: { ticket_no: 'T-1024', status: '工程师已出发', remark: '预计 30 分钟到达' } },
  { name: '告警通知（飞书）', channel: 'feishu_bot', subject: '告警', body: '**{{title}}**\n级别：{{level}}\n详情：{{detail}}', sampleVariables: { title: '短信通道失败率升高', level: '严重', detail: '阿里云短信 5 分钟失败率 12%' } },
  { name: '订单状态推送（APP）', channel: 'app_webhook', body: '订单{{order_no}}状态变为{{status}}', webhookUrl: 'http://127.0.0.1:5099/app-webhook', webhookSecretRef: 'APP_WEBHOOK_SECRET', sampleVariables: { order_no: '202401010001', status: '已发货' } },
];

/** Writes the demo templates into an empty template table (one writer across instances); returns how many it wrote. */
export async function seedDemoTemplates(pool: Pool): Promise<number> {
  const result = await withAdvisoryLock(pool, 'dispatcher.demo-templates', async () => {
    if ((await countTemplates(pool)) > 0) return 0;
    const actor = systemActor('demo');
    const ids = new Map<string, number>();
    for (const { fallback, ...template } of DEMO_TEMPLATES) {
      const created = await createTemplate(pool, actor, { ...template, fallbackTemplateId: fallback ? ids.get(fallback) ?? null : null });
      ids.set(created.name, created.id);
    }
    return ids.size;
  }, { wait: true });
  return result.acquired ? result.value : 0;
}
