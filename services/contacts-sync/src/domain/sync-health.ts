import { enqueueEvent, withTransaction, type Pool, type Queryable } from '@doitcrm/kit';
import { inboxBacklog } from '../data-access/callback-inbox.ts';
import { dailyMetrics, lastSuccessAt, recordHealthAlert, type DayMetrics } from '../data-access/metrics-repository.ts';

/** Days the score looks back over (the seed's "7 days" default for its metrics view). */
export const HEALTH_WINDOW_DAYS = 7;
/** The seed's alert rules (seeds/004 "告警规则"). */
export const CRITICAL_SCORE = 60;
export const MAX_ERRORS_PER_DAY = 5;
export const MAX_DELAY_HOURS = 2;
/** a callback stored this long ago and still unapplied counts against consistency */
const STUCK_SECONDS = 300;

export interface HealthPart {
  /** points earned, out of `weight` */
  points: number;
  weight: number;
  /** 0–1 */
  ratio: number;
  inputs: Record<string, number | string | null>;
}

export interface Health {
  score: number;
  status: 'healthy' | 'degraded' | 'critical';
  windowDays: number;
  parts: { successRate: HealthPart; consistency: HealthPart; errorRate: HealthPart; delay: HealthPart };
}

const part = (ratio: number, weight: number, inputs: HealthPart['inputs']): HealthPart => {
  const clamped = Math.max(0, Math.min(1, ratio));
  return { points: Math.round(clamped * weight * 10) / 10, weight, ratio: Math.round(clamped * 1000) / 1000, inputs };
};
const sum = (days: readonly DayMetrics[], pick: (d: DayMetrics) => number) => days.reduce((total, d) => total + pick(d), 0);

/**
 * The health score (0–100) over the last HEALTH_WINDOW_DAYS Beijing days, each part with its inputs:
 * - success rate (40): runs that succeeded / runs (no run at all scores 0: nothing keeps the copy fresh);
 * - consistency (20): 1 − callbacks stuck unapplied (> 5 min, or failing) / callbacks received;
 * - error rate (20): 1 − (failed runs + failed applies) / (runs + callbacks received);
 * - delay (20): full up to MAX_DELAY_HOURS since the last good run (or the oldest unapplied callback, if older),
 *   falling to 0 at 24 h more.
 */
export async function computeHealth(db: Queryable, timezone: string, now = new Date()): Promise<Health> {
  const days = await dailyMetrics(db, timezone, HEALTH_WINDOW_DAYS);
  const backlog = await inboxBacklog(db);
  const { rows } = await db.query<{ stuck: number }>(
    `SELECT count(*)::int AS stuck FROM contacts.callback_inbox
     WHERE applied_at IS NULL AND (attempts > 0 OR received_at < now() - make_interval(secs => $1))`, [STUCK_SECONDS]);
  const stuck = rows[0]!.stuck;
  const runs = sum(days, (d) => d.runs);
  const failedRuns = sum(days, (d) => d.failedRuns);
  const received = sum(days, (d) => d.callbacksReceived);
  const applyErrors = sum(days, (d) => d.callbackErrors);
  const last = await lastSuccessAt(db);
  const hoursSinceSuccess = last ? (now.getTime() - last.getTime()) / 3_600_000 : null;
  const lagHours = backlog.oldestSeconds / 3600;
  const delayHours = hoursSinceSuccess === null ? null : Math.max(hoursSinceSuccess, lagHours);
  const parts = {
    successRate: part(runs > 0 ? (runs - failedRuns) / runs : 0, 40, { runs, failedRuns }),
    consistency: part(1 - stuck / Math.max(received, 1), 20, { callbacksReceived: received, stuckUnapplied: stuck, pending: backlog.pending }),
    errorRate: part(1 - (failedRuns + applyErrors) / Math.max(runs + received, 1), 20, { failedRuns, applyErrors, operations: runs + received }),
    delay: part(delayHours === null ? 0 : 1 - Math.max(0, delayHours - MAX_DELAY_HOURS) / 24, 20, {
      lastSuccessAt: last?.toISOString() ?? null,
      hoursSinceSuccess: hoursSinceSuccess === null ? null : Math.round(hoursSinceSuccess * 100) / 100,
      inboxLagSeconds: Math.round(backlog.oldestSeconds),
    }),
  };
  const score = Math.round(Object.values(parts).reduce((total, p) => total + p.points, 0));
  return { score, status: score < CRITICAL_SCORE ? 'critical' : score < 80 ? 'degraded' : 'healthy', windowDays: HEALTH_WINDOW_DAYS, parts };
}

export interface HealthAlert {
  kind: 'score' | 'errors' | 'delay';
  severity: 'warning' | 'critical';
  title: string;
}

/** The seed's rules over the health and today's figures. */
export function healthAlerts(health: Health, today: DayMetrics): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  if (health.score < CRITICAL_SCORE) alerts.push({ kind: 'score', severity: 'critical', title: `客户同步健康分 ${health.score}，低于 ${CRITICAL_SCORE}` });
  if (today.errors > MAX_ERRORS_PER_DAY) alerts.push({ kind: 'errors', severity: 'warning', title: `客户同步今日错误 ${today.errors} 次，超过 ${MAX_ERRORS_PER_DAY} 次` });
  const hours = health.parts.delay.inputs.hoursSinceSuccess;
  if (hours === null || Number(hours) > MAX_DELAY_HOURS) {
    alerts.push({ kind: 'delay', severity: 'warning', title: hours === null ? '客户同步从未成功' : `客户同步已 ${Number(hours).toFixed(1)} 小时未成功，超过 ${MAX_DELAY_HOURS} 小时` });
  }
  return alerts;
}

/**
 * The alerts in force now; each is published as alert.raised (kind sync_health) once per Beijing day and rule
 * (contacts.health_alerts is the once-only record, written with the outbox row in one transaction).
 */
export async function evaluateHealthAlerts(pool: Pool, timezone: string): Promise<{ health: Health; alerts: Array<HealthAlert & { alertId: number | null; raised: boolean }> }> {
  const health = await computeHealth(pool, timezone);
  const today = (await dailyMetrics(pool, timezone, 1))[0]!;
  const alerts = await withTransaction(pool, async (tx) => {
    const result: Array<HealthAlert & { alertId: number | null; raised: boolean }> = [];
    for (const alert of healthAlerts(health, today)) {
      const alertId = await recordHealthAlert(tx, timezone, alert);
      if (alertId !== null) {
        await enqueueEvent(tx, 'alert.raised', { alertId, kind: 'sync_health', severity: alert.severity, classId: null, title: alert.title, evidenceUrl: null });
      }
      result.push({ ...alert, alertId, raised: alertId !== null });
    }
    return result;
  });
  return { health, alerts };
}
