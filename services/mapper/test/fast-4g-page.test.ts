import { describe, expect, it } from 'vitest';
import { describeFirstData, timeFirstDataOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { generateSchool, loadSchool } from '@doitcrm/demo-data';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

const t = useTestPage('mapper', mapperConfigShape, createMapperApp, {
  prepare: (context) => loadSchool(context.pool, generateSchool()),
  timeout: 180_000,
});

const timeMapperPage = () => timeFirstDataOnFast4G(t.browser, { url: `${t.baseUrl}/`, logIn: (page) => t.logIn(page), firstData: '.mapper-stat__value' });

describe('mapper page on a phone network', () => {
  it('when staff open the mapping workbench on Chromium\'s Fast 4G profile, then a first visit downloads under 600 kB and the next takes its files from the cache', async () => {
    const timing = await timeMapperPage();

    console.log(describeFirstData('mapper', timing));
    // brotli: about 380 kB where the same files were 1.5 MB plain
    expect(timing.cold.bytes).toBeLessThan(600_000);
    expect(timing.warm.bytes).toBeLessThan(timing.cold.bytes / 10);
  }, 120_000);
});
