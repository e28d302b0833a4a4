/**
 * The one definition of engagement: a parent is active in a class on a day when they sent a message in the class's
 * group, or (when `includeDirect`) a 1:1 message to one of the class's teachers; with `textOnly` only text counts.
 * Every count of active parents (overview, class list, heat map, trends, class detail) goes through this.
 */
export interface EngagementRule {
  includeDirect: boolean;
  textOnly: boolean;
}

/** SQL condition over a `dashboard.parent_day` row aliased `alias`; the rule's two flags are bound parameters. */
export function activeDaySql(alias: string, includeDirectParam: number, textOnlyParam: number): string {
  return `(CASE WHEN $${textOnlyParam}::boolean
      THEN ${alias}.group_text + CASE WHEN $${includeDirectParam}::boolean THEN ${alias}.direct_text ELSE 0 END
      ELSE ${alias}.group_sent + CASE WHEN $${includeDirectParam}::boolean THEN ${alias}.direct_sent ELSE 0 END END) > 0`;
}

export function describeEngagement(rule: EngagementRule): string {
  const where = rule.includeDirect ? '在班级群发言，或私聊本班老师' : '在班级群发言';
  return `统计期内${where}${rule.textOnly ? '（仅计文字消息）' : ''}的家长视为活跃；活跃度 = 活跃家长 ÷ 本班家长`;
}
