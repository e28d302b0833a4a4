import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createMessagesApp } from '../src/app.ts';
import { messagesConfigShape } from '../src/config.ts';
import { createSummaryRoutes } from '../src/entry-points/api/summary-routes.ts';

// the app as start.ts builds it, the summary routes mounted (summaries off: no Coze here)
const t = useTestApp('messages', messagesConfigShape, (context) => createMessagesApp(context, [createSummaryRoutes(context, null)]), {
  roles: ['viewer'],
});

describe('messages API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
