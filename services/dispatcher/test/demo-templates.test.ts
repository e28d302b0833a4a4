import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { DISPATCH_CHANNELS } from '@doitcrm/types';
import { useTestApp } from '@doitcrm/kit/testing';
import { createDispatcherApp } from '../src/app.ts';
import { dispatcherConfigShape } from '../src/config.ts';
import type { Template } from '../src/contract.ts';
import { seedDemoTemplates } from '../src/domain/demo-templates.ts';

const t = useTestApp('dispatcher', dispatcherConfigShape, createDispatcherApp, { roles: ['viewer'] });

describe('demo templates', () => {
  it('when two starts seed an empty template table at once, then every channel gets templates once, each previewable with its sample values', async () => {
    const counts = await Promise.all([seedDemoTemplates(t.context.pool), seedDemoTemplates(t.context.pool)]);
    expect(counts.sort()).toEqual([0, 12]);
    expect(await seedDemoTemplates(t.context.pool)).toBe(0);

    const { body } = await supertest(t.app).get('/api/templates').set('Cookie', t.cookies.viewer);
    const items = body.items as Template[];
    expect(new Set(items.map((item) => item.channel))).toEqual(new Set(DISPATCH_CHANNELS));
    expect(items.find((item) => item.name === '上课提醒（企业微信）')).toMatchObject({ fallbackChannel: 'sms' });
    for (const item of items) {
      const preview = await supertest(t.app).post(`/api/templates/${item.id}/preview`).set('Cookie', t.cookies.viewer).send({});
      expect(preview.status, item.name).toBe(200);
    }
  });
});
