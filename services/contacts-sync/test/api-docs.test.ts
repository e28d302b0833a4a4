import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createContactsSyncApp } from '../src/app.ts';
import { contactsSyncConfigShape } from '../src/config.ts';

const t = useTestApp('contacts-sync', contactsSyncConfigShape, (context) => createContactsSyncApp(context, null), { roles: ['viewer'] });

describe('contacts-sync API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
