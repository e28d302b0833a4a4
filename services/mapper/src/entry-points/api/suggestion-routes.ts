import { Router } from 'express';
import { z } from 'zod';
import { parseQuery, type ServiceContext } from '@doitcrm/kit';
import { DEFAULT_SUGGESTION_LIMIT, MAX_SUGGESTION_LIMIT, createActivityTotalsCache, suggest } from '../../domain/suggestions/index.ts';

// a form that leaves a field empty (`?kind=&cursor=`) means "not given", not a bad value
const emptyAsMissing = (value: unknown) => (value === '' ? undefined : value);

export const suggestionQuery = z.object({
  kind: z.preprocess(emptyAsMissing, z.enum(['role', 'student', 'class']).optional()),
  limit: z.preprocess(emptyAsMissing, z.coerce.number().int().min(1).max(MAX_SUGGESTION_LIMIT).default(DEFAULT_SUGGESTION_LIMIT)),
  // opaque; its content is checked by the domain, which names `cursor` when it is not one of ours
  cursor: z.preprocess(emptyAsMissing, z.string().max(1_000).optional()),
});

/**
 * `GET /suggestions?kind=&limit=&cursor=` → `{ items, nextCursor }`. Read-only: the page accepts a proposal through
 * the mapping endpoints (PUT /mappings/:idType/:originalId, POST /mappings/bulk, PUT /classes/:id/room).
 */
export function createSuggestionRoutes(context: Pick<ServiceContext, 'pool'>): Router {
  const router = Router();
  // the totals are read once per extraction, not per request (the rules walk them for every candidate)
  const activity = createActivityTotalsCache();
  router.get('/suggestions', async (req, res) => {
    const query = parseQuery(suggestionQuery, req);
    res.json(await suggest(context.pool, query, { activity }));
  });
  return router;
}
