import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DOT_ENV, interpolate, readComposeFile, repositoryRoot, type ComposeFile } from './compose-file.ts';
import { READY_SERVICES, startCommandOf } from './ready-services.ts';

interface Instruction {
  keyword: string;
  argument: string;
  stage: number;
}

/** The Dockerfile's instructions, continuation lines joined, with the build stage each belongs to. */
function instructions(): Instruction[] {
  const text = fs.readFileSync(path.join(repositoryRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  let stage = -1;
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), argument: rest.join(' '), stage };
  });
}

/** Docker's .dockerignore matching, as far as this repository uses it: `*`, `**` and whole directories. */
function ignoredByDocker(relativePath: string): boolean {
  const patterns = fs.readFileSync(path.join(repositoryRoot, '.dockerignore'), 'utf8').split('\n')
    .map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const segments = relativePath.split('/');
  return patterns.some((pattern) => {
    const expression = new RegExp(`^${pattern.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('(?:.*/)?')}$`);
    return segments.some((_segment, index) => expression.test(segments.slice(0, index + 1).join('/')));
  });
}

const finalStage = () => {
  const all = instructions();
  const last = Math.max(...all.map(({ stage }) => stage));
  return all.filter(({ stage }) => stage === last);
};

/** What the image holds of the checkout: the sources of every `COPY` from the build context. */
function copiedFromContext(): string[] {
  return instructions()
    .filter(({ keyword, argument }) => keyword === 'COPY' && !argument.startsWith('--from'))
    .flatMap(({ argument }) => argument.split(/\s+/).slice(0, -1));
}

function imageContains(file: string): boolean {
  const copied = copiedFromContext().some((source) => file === source || file.startsWith(`${source}/`));
  return copied && !ignoredByDocker(file) && fs.existsSync(path.join(repositoryRoot, file));
}

const composeFile = () => interpolate(readComposeFile(), DOT_ENV) as ComposeFile;
const builtFromImage = () => Object.entries(composeFile().services).filter(([, service]) => service.build === '.');

describe('Dockerfile', () => {
  test('when the image is built, then every path it copies from the checkout exists and none is kept out by .dockerignore', () => {
    // Act
    const sources = copiedFromContext();

    // Assert
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => !fs.existsSync(path.join(repositoryRoot, source)))).toEqual([]);
    expect(sources.filter((source) => ignoredByDocker(source))).toEqual([]);
  });

  test('when the image runs, then it is in production mode, as an unprivileged user, and its default command starts a ready service', () => {
    // Act
    const last = finalStage();
    const user = last.filter(({ keyword }) => keyword === 'USER').at(-1)?.argument;
    const command = JSON.parse(last.find(({ keyword }) => keyword === 'CMD')?.argument ?? '[]') as string[];

    // Assert
    expect(last.filter(({ keyword }) => keyword === 'ENV').map(({ argument }) => argument)).toContain('NODE_ENV=production');
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(READY_SERVICES.map(({ key }) => startCommandOf(key))).toContainEqual(command);
    expect(imageContains(command.at(-1) ?? '')).toBe(true);
  });

  test.each(READY_SERVICES)('when compose runs $key from the image, then the image holds the file its command starts', ({ key }) => {
    // Act
    const service = composeFile().services[key];

    // Assert
    expect(service?.build, `${key} in docker-compose.yml must be built from this Dockerfile`).toBe('.');
    expect(imageContains(startCommandOf(key).at(-1) ?? '')).toBe(true);
  });

  test('when compose runs the migration and the demo fakes from the image, then the image holds their files too', () => {
    // Act
    const missing = builtFromImage().filter(([, service]) => !imageContains(service.command?.at(-1) ?? '')).map(([name]) => name);

    // Assert
    expect(builtFromImage().map(([name]) => name)).toEqual(expect.arrayContaining(['migrate', 'fakes']));
    expect(missing).toEqual([]);
  });

  test('when the image drops the development packages, then the loader every command runs through (tsx) stays', () => {
    // Arrange
    const manifest = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const prunes = instructions().some(({ keyword, argument }) => keyword === 'RUN' && argument.includes('npm prune --omit=dev'));

    // Act
    const loaders = builtFromImage().map(([, service]) => service.command?.slice(0, 3).join(' '));

    // Assert
    expect(prunes).toBe(true);
    expect(new Set(loaders)).toEqual(new Set(['node --import tsx']));
    expect(manifest.dependencies).toHaveProperty('tsx');
  });

  test('when the build context is sent, then .env, every node_modules and .git stay out of it', () => {
    // Act
    const kept = ['.env', '.env.production', 'node_modules/pg/index.js', 'services/etl/node_modules/x', '.git/config', 'var/demo-login.json']
      .filter((file) => !ignoredByDocker(file));

    // Assert
    expect(kept).toEqual([]);
    expect(ignoredByDocker('services/etl/src/start.ts')).toBe(false);
  });
});
