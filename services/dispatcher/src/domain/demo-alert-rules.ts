import { systemActor, type Pool } from '@doitcrm/kit';
import { countAlertRules } from '../data-access/alert-rule-repository.ts';
import { findTemplateByName } from '../data-access/template-repository.ts';
import { createAlertRule } from './manage-alert-rules.ts';
import { createTemplate, type TemplateInput } from './manage-templates.ts';

const ALERT_SAMPLE = { title: '三年级英语1班：7 位家长 30 天未沟通', kind: '家长沉默', severity: '警告', class: '三年级英语1班', evidence_url: '/?room=wrDEMO', count: 1 };

const ALERT_TEMPLATES: TemplateInput[] = [
  { name: '告警通知（企业微信群）', channel: 'wecom_robot', body: '**{{title}}**\n> 类型：{{kind}}　级别：{{severity}}\n> 班级：{{class}}（{{count}} 条）\n> 证据：{{evidence_url}}', sampleVariables: ALERT_SAMPLE },
  { name: '告警推送（飞书）', channel: 'feishu_bot', subject: '班级告警', body: '**{{title}}**\n级别：{{severity}}　类型：{{kind}}\n班级：{{class}}（{{count}} 条）\n证据：{{evidence_url}}', sampleVariables: ALERT_SAMPLE },
];

/**
 * The demo's two alert rules, so the dashboard's alerts go out on first start: every class needing attention to the
 * principal's WeCom group robot, churn risks also to the Feishu operations group. Written only into an empty rule table.
 * The principal's group keeps quiet hours of its own (21:30–08:00 Beijing; a robot channel is not quiet by the global
 * setting): a 需关注 alert in the night waits for the morning, an urgent one (priority ≥ 9) does not.
 */
export async function seedDemoAlertRules(pool: Pool): Promise<number> {
  if ((await countAlertRules(pool)) > 0) return 0;
  const actor = systemActor('demo');
  const ids: number[] = [];
  for (const template of ALERT_TEMPLATES) {
    ids.push((await findTemplateByName(pool, template.name))?.id ?? (await createTemplate(pool, actor, template)).id);
  }
  await createAlertRule(pool, actor, {
    name: '需关注班级 → 校长群机器人', kind: null, minSeverity: 'warning', classId: null, templateId: ids[0]!, recipients: ['校长群'], priority: 7, active: true,
    quietHours: { enabled: true, start: '21:30', end: '08:00', bypassPriority: 9 },
  });
  await createAlertRule(pool, actor, {
    name: '流失风险 → 飞书运营群', kind: 'churn_risk', minSeverity: 'info', classId: null, templateId: ids[1]!, recipients: ['校区运营群'], priority: 8, active: true,
  });
  return 2;
}
