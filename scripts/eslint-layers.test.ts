import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

// The repository's own eslint.config.js, run through ESLint's Node API on snippets placed (by name only) where the
// layer rules of eslint.layers.js apply: each rule must flag a violation and let the allowed import through.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

describe('import rules between layers', () => {
  test('when a domain file imports express, even a type only, then lint fails with no-restricted-imports', async () => {
    expect(await ruleIds("import type { Request } from 'express';\nexport type R = Request;\n", 'services/mapper/src/domain/example.ts'))
      .toEqual(['no-restricted-imports']);
    expect(await ruleIds("import { Router } from 'express';\nexport const r = Router();\n", 'services/roster/src/data-access/example.ts'))
      .toEqual(['no-restricted-imports']);
  });

  test('when a data-access or domain file imports from entry-points, then lint fails', async () => {
    expect(await ruleIds("import { x } from '../entry-points/api/routes.ts';\nexport const y = x;\n", 'services/etl/src/data-access/example.ts'))
      .toEqual(['no-restricted-imports']);
  });

  test('when a domain file takes an Actor from kit, then lint passes', async () => {
    expect(await ruleIds("import type { Actor } from '@doitcrm/kit';\nexport type A = Actor;\n", 'services/mapper/src/domain/example.ts'))
      .toEqual([]);
  });

  test("when a page imports its service's domain code or another service, then lint fails; its contract.ts and packages pass", async () => {
    expect(await ruleIds("import { f } from '../src/domain/duration-text.ts';\nexport const g = f;\n", 'services/dashboard/web/example.ts'))
      .toEqual(['no-restricted-imports']);
    expect(await ruleIds("import type { X } from '../../mapper/src/contract.ts';\nexport type Y = X;\n", 'services/dashboard/web/example.ts'))
      .toEqual(['no-restricted-imports']);
    expect(await ruleIds("import { x } from '@doitcrm/mapper';\nexport const y = x;\n", 'services/dashboard/web/example.ts'))
      .toEqual(['no-restricted-imports']);
    expect(await ruleIds("import type { X } from '../src/contract.ts';\nimport { y } from '@doitcrm/ui';\nexport type Z = X;\nexport const w = y;\n",
      'services/dashboard/web/example.ts')).toEqual([]);
  });

  test('when a package imports a service, by name or by path, then lint fails', async () => {
    expect(await ruleIds("import { x } from '@doitcrm/roster';\nexport const y = x;\n", 'packages/kit/src/example.ts'))
      .toEqual(['no-restricted-imports']);
    expect(await ruleIds("import { x } from '../../../services/roster/src/config.ts';\nexport const y = x;\n", 'packages/kit/src/example.ts'))
      .toEqual(['no-restricted-imports']);
  });
});

describe('single-file components', () => {
  test('when a .vue file has a v-for without a key, then lint fails with the Vue rule, its TypeScript script parsed', async () => {
    const component = `<script setup lang="ts">
const items: readonly { id: number; name: string }[] = [];
</script>

<template>
  <ul><li v-for="item in items">{{ item.name }}</li></ul>
</template>
`;
    expect(await ruleIds(component, 'services/mapper/web/ExampleCard.vue')).toEqual(['vue/require-v-for-key']);
  });

  test("when a page component imports its service's domain code, then the layer rule applies to .vue files too", async () => {
    const component = `<script setup lang="ts">
import { minutesText } from '../src/domain/duration-text.ts';
const text: string = minutesText(5);
</script>

<template>
  <p>{{ text }}</p>
</template>
`;
    expect(await ruleIds(component, 'services/dashboard/web/ExampleCard.vue')).toEqual(['no-restricted-imports']);
  });
});
