import type { QuietHoursOverride } from '../src/contract.ts';

export type QuietHoursMode = 'inherit' | 'never' | 'own';

export const modeOf = (value: QuietHoursOverride): QuietHoursMode => (value === null ? 'inherit' : value.enabled ? 'own' : 'never');

/** One line for a table cell: what quiet hours a template or rule keeps. `inherited` names what null falls back to. */
export function quietHoursLabel(value: QuietHoursOverride, inherited = '全局设置'): string {
  if (value === null) return `跟随${inherited}`;
  if (!value.enabled) return '不免打扰';
  return `${value.start}–${value.end}（优先级 ≥ ${value.bypassPriority} 照发）`;
}
