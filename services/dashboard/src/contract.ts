/**
 * The JSON the dashboard API answers with: one definition for the server, the page (`web/`) and the tests.
 * Types only. Times are ISO 8601 with offset; days are Beijing dates `YYYY-MM-DD`.
 */

export interface Freshness {
  /** when the rollups were last built from the whole archive */
  builtAt: string | null;
  /** when the rollups last took in an import, a roster or a mapping change */
  refreshedAt: string | null;
  /** the newest message time the rollups include */
  coveredUntil: string | null;
  alertsEvaluatedAt: string | null;
}

/** A window of whole Beijing days, both ends inclusive. */
export interface DayWindow {
  from: string;
  to: string;
  days: number;
}

export interface DashboardSettings {
  engagement: { includeDirect: boolean; textOnly: boolean };
  /** parents of enrolled students silent for more than this many days raise an alert */
  silentDays: number;
  /** heat-map bands, percent: ≥ high, ≥ mid, ≥ low, below low */
  heat: { high: number; mid: number; low: number };
  /** a class or teacher whose median response time is above this is flagged */
  slowResponseMinutes: number;
  /** the window slow-response and keyword alerts look at */
  alertWindowDays: number;
  keywords: string[];
  updatedAt: string;
}

export interface OverviewNumbers {
  activeParents: number;
  messages: number;
  parentMessages: number;
  activityRate: number | null;
}

export interface Overview {
  window: DayWindow;
  previousWindow: DayWindow;
  students: { total: number; enrolled: number; paused: number; refunded: number; withoutClass: number };
  classes: number;
  sections: number;
  levels: number;
  parents: number;
  current: OverviewNumbers;
  /**
   * the window before; null when it starts before the first day the rollups hold (the archive's start): a comparison
   * with days the archive does not cover would show its whole content as growth. The page says 无上期数据.
   */
  previous: OverviewNumbers | null;
  /** the first Beijing day with class messages in the rollups; null before any */
  dataSince: string | null;
  engagementDefinition: string;
  freshness: Freshness;
}

export interface HierarchyClass {
  classId: number;
  className: string;
  roomId: string | null;
  teacher: string | null;
  headTeacher: string | null;
  studentCount: number;
}
export interface HierarchyLevel { levelId: number; levelName: string; levelOrder: number; classes: HierarchyClass[] }
export interface HierarchySection { sectionId: number; sectionName: string; sectionOrder: number; levels: HierarchyLevel[] }

export type HeatBand = 'high' | 'mid' | 'low' | 'critical' | 'none';

export interface ClassStats {
  classId: number;
  className: string;
  roomId: string | null;
  sectionId: number;
  sectionName: string;
  levelId: number;
  levelName: string;
  teacher: string | null;
  headTeacher: string | null;
  students: { total: number; enrolled: number; paused: number; refunded: number };
  parents: number;
  activeParents: number;
  /** active parents ÷ parents, percent rounded; null when the class has no parents */
  activityRate: number | null;
  heatBand: HeatBand;
  messages: number;
  parentMessages: number;
  lastContactAt: string | null;
  /** parents of enrolled students silent for more than the setting's days (or never heard from) */
  silentParents: number;
  /** enrolled students none of whose guardians wrote for the setting's days (or ever) */
  silentFamilies: number;
  /** students 休学 / 已退费 */
  churnRiskStudents: number;
  medianResponseMinutes: number | null;
  attentionReasons: string[];
}

export interface ClassStatsList {
  window: DayWindow;
  items: ClassStats[];
  heat: DashboardSettings['heat'];
  freshness: Freshness;
}

export interface ResponseStats {
  waits: number;
  answered: number;
  unanswered: number;
  medianMinutes: number | null;
  slow: boolean;
}

export interface TeacherResponse extends ResponseStats {
  teacherId: string;
  name: string;
}

export interface GuardianDetail {
  parentId: string;
  name: string;
  relation: string;
  isPrimary: boolean;
  /** sent by the parent in the window: in the class group, and 1:1 to the class's teachers */
  groupMessages: number;
  directMessages: number;
  /** the class's teachers' 1:1 messages to the parent in the window */
  staffReplies: number;
  lastContactAt: string | null;
  daysSinceContact: number | null;
  messagesUrl: string;
}

export interface StudentDetail {
  studentId: number;
  name: string;
  englishName: string | null;
  status: string;
  guardians: GuardianDetail[];
}

export interface ClassDetails {
  window: DayWindow;
  class: ClassStats & {
    startTime: string | null;
    endTime: string | null;
    courseProgress: string | null;
    promotion: string | null;
    roomUrl: string | null;
  };
  students: StudentDetail[];
  responses: ResponseStats;
  teachers: TeacherResponse[];
  /** the class's daily messages over the window: group + 1:1 with its teachers */
  daily: Array<{ day: string; messages: number; parentMessages: number; staffMessages: number; activeParents: number }>;
}

export type AlertKind = 'silent_parent' | 'churn_risk' | 'slow_response' | 'keyword';
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'snoozed' | 'resolved';

export interface Alert {
  id: number;
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  classId: number | null;
  className: string | null;
  sectionName: string | null;
  levelName: string | null;
  title: string;
  evidence: Record<string, unknown>;
  /** the messages page on the viewer's host, with `?user=`, `?room=` or `?msg=` */
  messagesUrl: string | null;
  lastContactAt: string | null;
  raisedAt: string;
  ackedAt: string | null;
  snoozedUntil: string | null;
  resolvedAt: string | null;
}

export interface AlertList {
  items: Alert[];
  total: number;
  counts: Record<AlertKind, number>;
  freshness: Freshness;
}

export interface TrendSeries {
  key: string;
  name: string;
  /** one value per week, aligned with `weeks` */
  messages: number[];
  activeRate: Array<number | null>;
}

export interface Trends {
  /** Monday of each Beijing week, oldest first */
  weeks: string[];
  groupBy: 'section' | 'class';
  series: TrendSeries[];
}

/**
 * The one value here besides types: how a reply time is worded ("35 分钟"). The API's alert reasons use it and the
 * page must word times the same, and the page may import only this file of the service's code.
 */
export { minutesText } from './domain/duration-text.ts';
