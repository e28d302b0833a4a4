// Which folder may import what (STYLE.md's layers), as ESLint's no-restricted-imports
// (https://eslint.org/docs/latest/rules/no-restricted-imports). Type-only imports count too: a domain function that
// takes an Express `Request` type still depends on Express. eslint.layers.test.ts proves each rule catches a violation.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The npm names of the services (`@doitcrm/mapper` …), read from their package.json so a new service is covered. */
function serviceNames() {
  const dir = path.join(root, 'services');
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'package.json')))
    .map((entry) => JSON.parse(fs.readFileSync(path.join(dir, entry.name, 'package.json'), 'utf8')).name);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyService = `^(${serviceNames().map(escape).join('|')})(/|$)`;

export const layerRules = [
  {
    // Use cases and repositories are called from routes, consumers, schedules and CLIs alike: they take an Actor
    // and plain values (packages/kit/src/auth/actor.ts), never a request, and never reach back into entry points.
    files: ['services/*/src/domain/**', 'services/*/src/data-access/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'express', message: 'domain/ and data-access/ never see Express: take an Actor (kit/auth) and plain values.' }],
        patterns: [
          { regex: '^express/', message: 'domain/ and data-access/ never see Express: take an Actor (kit/auth) and plain values.' },
          { regex: '(^|/)entry-points(/|$)', message: 'domain/ and data-access/ do not import entry points; the entry points call them.' },
        ],
      }],
    },
  },
  {
    // The page is built into the browser bundle: of its service's code it may use only the API's shapes in
    // contract.ts (anything else would pull server code, pg or secrets' names into the bundle).
    files: ['services/*/web/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          {
            regex: '^(?!(\\.\\./)+src/contract(\\.ts)?$).*(^|/)src(/|$)',
            message: "web/ imports only its own service's src/contract.ts (and packages).",
          },
          { regex: anyService, message: "web/ imports only its own service's src/contract.ts (and packages)." },
        ],
      }],
    },
  },
  {
    // Packages are what services are built from; a package that imported a service would make the graph a cycle.
    files: ['packages/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: anyService, message: 'packages never import from services.' },
          { regex: '(^|/)services/', message: 'packages never import from services.' },
        ],
      }],
    },
  },
];
