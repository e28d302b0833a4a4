// Keeps how many expect() calls each test made in its metadata, which vitest's JSON report carries
// (https://vitest.dev/advanced/metadata). `npm run tests:compare` reads two such reports, so a refactor that must
// leave tests unchanged can show that no test lost its name or any of its assertions.
import { afterEach, expect } from 'vitest';

afterEach((context) => {
  context.task.meta.assertions = expect.getState().assertionCalls;
});
