/** A reply time for people: "35 分钟", "4.5 小时", "8 天". Shared by the API's reasons and the page. */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return `${Math.round(minutes)} 分钟`;
  if (minutes < 24 * 60) return `${Number((minutes / 60).toFixed(1))} 小时`;
  return `${Number((minutes / 1440).toFixed(1))} 天`;
}
