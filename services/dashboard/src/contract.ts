/**
 * The JSON the dashboard API answers with: one definition for the server, the page (`web/`), the tests and `/docs`.
 * Zod schemas, each type inferred from its schema; the page imports only the types. Times are ISO 8601 with offset;
 * days are Beijing dates `YYYY-MM-DD`.
 */
import { z } from 'zod';

const count = z.number();
const time = z.string().nullable();

export const freshnessSchema = z.object({
  builtAt: time.describe('when the rollups were last built from the whole archive'),
  refreshedAt: time.describe('when the rollups last took in an import, a roster or a mapping change'),
  coveredUntil: time.describe('the newest message time the rollups include'),
  alertsEvaluatedAt: time,
}).meta({ id: 'Freshness' });
export type Freshness = z.infer<typeof freshnessSchema>;

/** A window of whole Beijing days, both ends inclusive. */
export const dayWindowSchema = z.object({ from: z.string(), to: z.string(), days: count }).meta({ id: 'DayWindow' });
export type DayWindow = z.infer<typeof dayWindowSchema>;

const heatSchema = z.object({ high: count, mid: count, low: count }).describe('heat-map bands, percent: ≥ high, ≥ mid, ≥ low, below low');

export const dashboardSettingsSchema = z.object({
  engagement: z.object({ includeDirect: z.boolean(), textOnly: z.boolean() }),
  silentDays: count.describe('parents of enrolled students silent for more than this many days raise an alert'),
  heat: heatSchema,
  slowResponseMinutes: count.describe('a class or teacher whose median response time is above this is flagged'),
  alertWindowDays: count.describe('the window slow-response and keyword alerts look at'),
  keywords: z.array(z.string()),
  updatedAt: z.string(),
});
export type DashboardSettings = z.infer<typeof dashboardSettingsSchema>;
/** `GET/PUT /api/settings`: the settings and the engagement rule in words. */
export const settingsViewSchema = dashboardSettingsSchema.extend({ engagementDefinition: z.string() });

export const overviewNumbersSchema = z.object({ activeParents: count, messages: count, parentMessages: count, activityRate: count.nullable() });
export type OverviewNumbers = z.infer<typeof overviewNumbersSchema>;

export const overviewSchema = z.object({
  window: dayWindowSchema,
  previousWindow: dayWindowSchema,
  students: z.object({ total: count, enrolled: count, paused: count, refunded: count, withoutClass: count }),
  classes: count,
  sections: count,
  levels: count,
  parents: count,
  current: overviewNumbersSchema,
  previous: overviewNumbersSchema.nullable().describe(
    'the window before; null when it starts before the first day the rollups hold (the archive\'s start): a comparison with days '
    + 'the archive does not cover would show its whole content as growth. The page says 无上期数据.'),
  dataSince: z.string().nullable().describe('the first Beijing day with class messages in the rollups; null before any'),
  engagementDefinition: z.string(),
  freshness: freshnessSchema,
});
export type Overview = z.infer<typeof overviewSchema>;

export const hierarchyClassSchema = z.object({
  classId: count, className: z.string(), roomId: z.string().nullable(), teacher: z.string().nullable(), headTeacher: z.string().nullable(), studentCount: count,
});
export type HierarchyClass = z.infer<typeof hierarchyClassSchema>;
export const hierarchyLevelSchema = z.object({ levelId: count, levelName: z.string(), levelOrder: count, classes: z.array(hierarchyClassSchema) });
export type HierarchyLevel = z.infer<typeof hierarchyLevelSchema>;
export const hierarchySectionSchema = z.object({ sectionId: count, sectionName: z.string(), sectionOrder: count, levels: z.array(hierarchyLevelSchema) });
export type HierarchySection = z.infer<typeof hierarchySectionSchema>;
/** `GET /api/hierarchy-tree`: the classes by 段 and 阶, and the teachers of active classes. */
export const hierarchyTreeSchema = z.object({ hierarchy: z.array(hierarchySectionSchema), teachers: z.array(z.object({ staffId: count, name: z.string() })) });

export const heatBandSchema = z.enum(['high', 'mid', 'low', 'critical', 'none']);
export type HeatBand = z.infer<typeof heatBandSchema>;

export const classStatsSchema = z.object({
  classId: count,
  className: z.string(),
  roomId: z.string().nullable(),
  sectionId: count,
  sectionName: z.string(),
  levelId: count,
  levelName: z.string(),
  teacher: z.string().nullable(),
  headTeacher: z.string().nullable(),
  students: z.object({ total: count, enrolled: count, paused: count, refunded: count }),
  parents: count,
  activeParents: count,
  activityRate: count.nullable().describe('active parents ÷ parents, percent rounded; null when the class has no parents'),
  heatBand: heatBandSchema,
  messages: count,
  parentMessages: count,
  lastContactAt: time,
  silentParents: count.describe('parents of enrolled students silent for more than the setting\'s days (or never heard from)'),
  silentFamilies: count.describe('enrolled students none of whose guardians wrote for the setting\'s days (or ever)'),
  churnRiskStudents: count.describe('students 休学 / 已退费'),
  medianResponseMinutes: count.nullable(),
  attentionReasons: z.array(z.string()),
}).meta({ id: 'ClassStats' });
export type ClassStats = z.infer<typeof classStatsSchema>;

export const classStatsListSchema = z.object({ window: dayWindowSchema, items: z.array(classStatsSchema), heat: heatSchema, freshness: freshnessSchema });
export type ClassStatsList = z.infer<typeof classStatsListSchema>;

export const responseStatsSchema = z.object({ waits: count, answered: count, unanswered: count, medianMinutes: count.nullable(), slow: z.boolean() });
export type ResponseStats = z.infer<typeof responseStatsSchema>;

export const teacherResponseSchema = responseStatsSchema.extend({ teacherId: z.string(), name: z.string() });
export type TeacherResponse = z.infer<typeof teacherResponseSchema>;

export const guardianDetailSchema = z.object({
  parentId: z.string(),
  name: z.string(),
  relation: z.string(),
  isPrimary: z.boolean(),
  groupMessages: count.describe('sent by the parent in the window: in the class group, and 1:1 to the class\'s teachers'),
  directMessages: count,
  staffReplies: count.describe('the class\'s teachers\' 1:1 messages to the parent in the window'),
  lastContactAt: time,
  daysSinceContact: count.nullable(),
  messagesUrl: z.string(),
});
export type GuardianDetail = z.infer<typeof guardianDetailSchema>;

export const studentDetailSchema = z.object({
  studentId: count, name: z.string(), englishName: z.string().nullable(), status: z.string(), guardians: z.array(guardianDetailSchema),
});
export type StudentDetail = z.infer<typeof studentDetailSchema>;

export const classDetailsSchema = z.object({
  window: dayWindowSchema,
  class: classStatsSchema.extend({
    startTime: time, endTime: time, courseProgress: z.string().nullable(), promotion: z.string().nullable(), roomUrl: z.string().nullable(),
  }),
  students: z.array(studentDetailSchema),
  responses: responseStatsSchema,
  teachers: z.array(teacherResponseSchema),
  daily: z.array(z.object({ day: z.string(), messages: count, parentMessages: count, staffMessages: count, activeParents: count }))
    .describe('the class\'s daily messages over the window: group + 1:1 with its teachers'),
});
export type ClassDetails = z.infer<typeof classDetailsSchema>;

export const alertKindSchema = z.enum(['silent_parent', 'churn_risk', 'slow_response', 'keyword']);
export type AlertKind = z.infer<typeof alertKindSchema>;
export const alertSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;
export const alertStateSchema = z.enum(['open', 'acknowledged', 'snoozed', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

export const alertSchema = z.object({
  id: count,
  kind: alertKindSchema,
  severity: alertSeveritySchema,
  state: alertStateSchema,
  classId: count.nullable(),
  className: z.string().nullable(),
  sectionName: z.string().nullable(),
  levelName: z.string().nullable(),
  title: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  messagesUrl: z.string().nullable().describe('the messages page on the viewer\'s host, with `?user=`, `?room=` or `?msg=`'),
  lastContactAt: time,
  raisedAt: z.string(),
  ackedAt: time,
  snoozedUntil: time,
  resolvedAt: time,
}).meta({ id: 'Alert' });
export type Alert = z.infer<typeof alertSchema>;

export const alertListSchema = z.object({
  items: z.array(alertSchema), total: count, counts: z.record(alertKindSchema, count), freshness: freshnessSchema,
});
export type AlertList = z.infer<typeof alertListSchema>;

export const trendSeriesSchema = z.object({
  key: z.string(),
  name: z.string(),
  messages: z.array(count).describe('one value per week, aligned with `weeks`'),
  activeRate: z.array(count.nullable()),
});
export type TrendSeries = z.infer<typeof trendSeriesSchema>;

export const trendsSchema = z.object({
  weeks: z.array(z.string()).describe('Monday of each Beijing week, oldest first'),
  groupBy: z.enum(['section', 'class']),
  series: z.array(trendSeriesSchema),
});
export type Trends = z.infer<typeof trendsSchema>;

/** `GET /api/heatmap`: each class's weekly activity rate, and the bands to colour it by. */
export const heatmapSchema = z.object({
  weeks: z.array(z.string()),
  classes: z.array(z.object({ classId: count, name: z.string(), rates: z.array(count.nullable()) })),
  heat: heatSchema,
});

/** `POST /api/refresh`: what the rebuild did, the alerts it re-derived, and the new freshness. */
export const refreshAnswerSchema = z.object({
  fromDay: z.string().nullable(),
  toDay: z.string().nullable(),
  recountedClasses: z.array(count),
  parentDays: count,
  waits: count,
  durationMs: count,
  alerts: z.object({ open: count, raised: count, resolved: count }),
  freshness: freshnessSchema,
});

/**
 * The one value here besides types: how a reply time is worded ("35 分钟"). The API's alert reasons use it and the
 * page must word times the same, and the page may import only this file of the service's code.
 */
export { minutesText } from './domain/duration-text.ts';
