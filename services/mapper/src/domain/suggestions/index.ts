export { suggest, DEFAULT_SUGGESTION_LIMIT, MAX_SUGGESTION_LIMIT, type SuggestQuery } from './suggest.ts';
export { createActivityTotalsCache, readActivityTotals, type ActivitySource } from './activity-totals.ts';
export { parseGuardianName, type ParsedGuardianName } from './guardian-name-parser.ts';
