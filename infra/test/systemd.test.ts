import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { baseConfigShape, ConfigError, loadConfig } from '@doitcrm/kit';
import { configShapeOf, PLANNED_SERVICES, READY_SERVICES, startCommandOf, startFileExists } from './ready-services.ts';
import { listOf, readUnit, systemdAnalyzeMissing, unitDirectory, unitFiles, valueOf, verifyUnits } from './systemd-units.ts';

const template = () => readUnit('doitcrm@.service');
const instanceOf = (key: string) => `doitcrm@${key}.service`;
/** The unit sets these itself: the mode, and the upload folder in its own state directory. */
const SET_BY_THE_UNIT = ['NODE_ENV', 'PORT'];

describe('infra/systemd', () => {
  test.each(READY_SERVICES)('when $key is ready, then doitcrm.target starts its instance of the template, which runs its start command', ({ key }) => {
    // Act
    const wanted = listOf(readUnit('doitcrm.target'), 'Unit', 'Wants');
    const execStart = valueOf(template(), 'Service', 'ExecStart').replaceAll('%i', key);

    // Assert
    expect(wanted, `add ${instanceOf(key)} to Wants= in infra/systemd/doitcrm.target`).toContain(instanceOf(key));
    expect(startFileExists(key), `services/${key}/src/start.ts does not exist`).toBe(true);
    expect(execStart.split(' ')).toEqual(['/usr/bin/node', ...startCommandOf(key).slice(1)]);
  });

  test('when a service is only planned or unknown, then doitcrm.target does not start it', () => {
    // Act
    const wanted = listOf(readUnit('doitcrm.target'), 'Unit', 'Wants');

    // Assert
    expect(wanted.filter((unit) => PLANNED_SERVICES.some(({ key }) => unit === instanceOf(key)))).toEqual([]);
    expect(wanted.filter((unit) => !READY_SERVICES.some(({ key }) => unit === instanceOf(key)))).toEqual([]);
  });

  test('when a unit starts a service, then it runs in production mode as an unprivileged user, after the one-shot migration, with its secrets from /etc/doitcrm', () => {
    // Arrange
    const unit = template();
    const migrate = readUnit('doitcrm-migrate.service');

    // Act
    const environment = unit.Service?.Environment ?? [];

    // Assert
    expect(environment).toContain('NODE_ENV=production');
    expect(unit.Service?.EnvironmentFile).toEqual(['/etc/doitcrm/doitcrm.env', '-/etc/doitcrm/%i.env']);
    expect(valueOf(unit, 'Service', 'User')).toBe('doitcrm');
    expect(listOf(unit, 'Unit', 'Requires')).toContain('doitcrm-migrate.service');
    expect(listOf(unit, 'Unit', 'After')).toContain('doitcrm-migrate.service');
    expect(valueOf(unit, 'Service', 'Restart')).toBe('on-failure');
    expect(valueOf(migrate, 'Service', 'Type')).toBe('oneshot');
    expect(valueOf(migrate, 'Service', 'ExecStart')).toBe('/usr/bin/node --import tsx db/src/cli.ts');
    expect(migrate.Service?.Environment).toContain('NODE_ENV=production');
    expect(valueOf(migrate, 'Service', 'User')).toBe('doitcrm');
  });

  test('when systemd-analyze verifies the units with the template instantiated for every ready service, then it reports nothing', (context) => {
    // Arrange
    const missing = systemdAnalyzeMissing();
    if (missing) {
      // the default reporter does not print a skip's note: say it on stderr too, so nobody takes the skip for a pass
      console.warn(`SKIPPED: ${missing}`);
      context.task.meta.skipReason = missing;
      context.skip(missing);
    }

    // Act
    const { status, output } = verifyUnits(unitFiles(), READY_SERVICES.map(({ key }) => instanceOf(key)));

    // Assert
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  test('when a unit has a mistake (a misspelt key, a binary that is not there), then systemd-analyze reports each', (context) => {
    // Arrange
    const missing = systemdAnalyzeMissing();
    if (missing) {
      // the default reporter does not print a skip's note: say it on stderr too, so nobody takes the skip for a pass
      console.warn(`SKIPPED: ${missing}`);
      context.task.meta.skipReason = missing;
      context.skip(missing);
    }
    const files = unitFiles();
    files['doitcrm@.service'] = (files['doitcrm@.service'] ?? '').replace('Restart=on-failure', 'Restrat=on-failure');
    files['doitcrm-migrate.service'] = (files['doitcrm-migrate.service'] ?? '').replace('ExecStart=/usr/bin/node', 'ExecStart=/usr/bin/nodejs-missing');

    // Act
    const { status, output } = verifyUnits(files, [instanceOf('etl')]);

    // Assert
    expect(output).toMatch(/Unknown key .*Restrat/);
    expect(output).toMatch(/nodejs-missing is not executable/);
    expect(status).not.toBe(0);
  });

  test('when an operator fills doitcrm.env.example, then it names every setting of every ready service, with no value filled in and no PORT', async () => {
    // Arrange
    const example = fs.readFileSync(path.join(unitDirectory, 'doitcrm.env.example'), 'utf8');
    const lines = [...example.matchAll(/^(#?)([A-Z_][A-Z0-9_]*)=(.*)$/gm)];
    const shapes = await Promise.all(READY_SERVICES.map(({ key }) => configShapeOf(key)));

    // Act
    const named = new Set(lines.map((match) => match[2]));
    const settings = new Set([...Object.keys(baseConfigShape), ...shapes.flatMap((shape) => Object.keys(shape))]);

    // Assert
    expect([...settings].filter((setting) => !SET_BY_THE_UNIT.includes(setting) && !named.has(setting))).toEqual([]);
    expect(lines.filter((match) => match[3] !== '').map((match) => match[0])).toEqual([]);
    expect(lines.filter((match) => match[2] === 'PORT')).toEqual([]);
  });
});

describe('the environment file a unit reads', () => {
  test('when the example is installed with the required connections left empty, then a service refuses to start and names them', () => {
    // Arrange
    const installedAsIs = { NODE_ENV: 'production', DATABASE_URL: '', AMQP_URL: '', REDIS_URL: '' };

    // Act
    const start = () => loadConfig(baseConfigShape, installedAsIs);

    // Assert
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/DATABASE_URL: connects as the PostgreSQL superuser[\s\S]*AMQP_URL: [\s\S]*REDIS_URL: /);
  });
});
