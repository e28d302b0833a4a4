import { describe, it } from 'vitest';
import { checkFirstVisitOnFast4G, useTestPage } from '@doitcrm/kit/testing';
import { loadDemoSchool } from '@doitcrm/demo-data';
import { createMapperApp } from '../src/app.ts';
import { mapperConfigShape } from '../src/config.ts';

const t = useTestPage('mapper', mapperConfigShape, createMapperApp, { prepare: loadDemoSchool, timeout: 180_000 });

describe('mapper page on a phone network', () => {
  it('when staff open the mapping workbench on Chromium\'s Fast 4G profile, then a first visit downloads under 600 kB and the next takes its files from the cache', () => checkFirstVisitOnFast4G('mapper', t, '.dc-stat__value'), 120_000);
});
