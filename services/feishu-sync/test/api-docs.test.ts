import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createFeishuSyncApp } from '../src/app.ts';
import { feishuSyncConfigShape } from '../src/config.ts';

const t = useTestApp('feishu-sync', feishuSyncConfigShape, (context) => createFeishuSyncApp(context, null), { roles: ['viewer'] });

describe('feishu-sync API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
