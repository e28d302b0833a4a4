import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', NodeJS: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // variables declared early so closures can see them are assigned once, later
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // Single-file components: vue-eslint-parser reads the template, the TypeScript parser the <script setup lang="ts">
  // (https://eslint.vuejs.org/user-guide/#how-to-use-a-custom-parser).
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // names are checked by TypeScript (vue-tsc in `npm run typecheck`), which knows the browser's globals;
      // typescript-eslint turns no-undef off for .ts files for the same reason
      'no-undef': 'off',
      // Layout only (where a line breaks, one attribute per line): the pages keep compact one-line tags, with no
      // formatter in the repository to apply these; they change no behaviour, so they are off rather than
      // re-wrapping every template
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/first-attribute-linebreak': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
);
