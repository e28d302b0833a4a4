import { describe } from 'vitest';
import { testApiDocs, useTestApp } from '@doitcrm/kit/testing';
import { createEtlApp } from '../src/app.ts';
import { etlConfigShape } from '../src/config.ts';

const t = useTestApp('etl', etlConfigShape, createEtlApp, { roles: ['viewer'] });

describe('ETL API documentation', () => {
  testApiDocs(t, () => t.cookies.viewer);
});
