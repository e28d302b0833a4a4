import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'services/*/src/**/*.test.ts', 'services/*/test/**/*.test.ts', 'services/*/bench/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts', 'infra/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['packages/kit/src/testing/global-setup.ts'],
    setupFiles: ['packages/kit/src/testing/record-assertions.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two cores: more workers only fight the database for CPU
    maxWorkers: 2,
  },
});
