import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';
import { createSuggestionRoutes } from '../src/entry-points/api/suggestion-routes.ts';
import { createWecomRoutes } from '../src/entry-points/api/wecom-routes.ts';

// the app as start.ts builds it, with every feature router mounted
const t = useTestApp('mapper', mapperConfigShape, (context) => createMapperApp(context, [createWecomRoutes(context, null), createSuggestionRoutes(context)]), {
  roles: ['viewer'],
});

describe('mapper API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
