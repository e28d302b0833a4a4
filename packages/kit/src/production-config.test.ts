import { describe, expect, test } from 'vitest';
import { baseConfigShape, ConfigError, loadConfig } from './config.ts';

/** What a production installation sets when it follows infra/systemd/doitcrm.env.example. */
const ownAccounts = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://doitcrm:pg-Secret-1@db.internal:5432/doitcrm',
  AMQP_URL: 'amqp://doitcrm:mq-Secret-2@mq.internal:5672',
  REDIS_URL: 'redis://:redis-Secret-3@cache.internal:6379',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(baseConfigShape, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('NODE_ENV=production', () => {
  test('when every connection is left at its development default and cookies are insecure, then start is refused with each setting named and what to change', () => {
    // Act
    const problems = problemsOf({ NODE_ENV: 'production', COOKIE_SECURE: 'false' });

    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: connects as the PostgreSQL superuser "postgres"; .*CREATE ROLE doitcrm/),
      expect.stringMatching(/^DATABASE_URL: connects without a password; .*postgres:\/\/doitcrm:PASSWORD@/),
      expect.stringMatching(/^AMQP_URL: logs in with RabbitMQ's guest account; .*rabbitmqctl add_user/),
      expect.stringMatching(/^REDIS_URL: Redis without a password .*requirepass.*redis:\/\/:PASSWORD@/),
      expect.stringMatching(/^COOKIE_SECURE: false sends the session cookie over plain HTTP; .*HTTPS/),
    ]);
  });

  test('when the installation has its own accounts with passwords, then it starts, with the session cookie Secure by default', () => {
    // Act
    const config = loadConfig(baseConfigShape, ownAccounts);

    // Assert
    expect(config.NODE_ENV).toBe('production');
    expect(config.COOKIE_SECURE).toBe(true);
  });

  test('when NODE_ENV is not production (npm start, the tests), then the development defaults are accepted as before', () => {
    // Act
    const unset = loadConfig(baseConfigShape, {});
    const test = loadConfig(baseConfigShape, { NODE_ENV: 'test' });

    // Assert
    expect(unset).toMatchObject({ NODE_ENV: 'development', COOKIE_SECURE: false, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/doitcrm' });
    expect(test).toMatchObject({ NODE_ENV: 'test', COOKIE_SECURE: false, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' });
  });

  test('when the superuser has a password, then it is still refused as the superuser, and a passwordless own role as passwordless', () => {
    // Act
    const superuser = problemsOf({ ...ownAccounts, DATABASE_URL: 'postgres://postgres:pg-Secret-1@db.internal:5432/doitcrm' });
    const noPassword = problemsOf({ ...ownAccounts, DATABASE_URL: 'postgres://doitcrm@db.internal:5432/doitcrm' });

    // Assert
    expect(superuser).toEqual([expect.stringMatching(/^DATABASE_URL: connects as the PostgreSQL superuser/)]);
    expect(noPassword).toEqual([expect.stringMatching(/^DATABASE_URL: connects without a password/)]);
  });

  test('when the own role connects over the Unix socket (peer authentication) or with PGPASSWORD, then no password in the URL is needed', () => {
    // Act
    const socket = loadConfig(baseConfigShape, { ...ownAccounts, DATABASE_URL: 'postgres://doitcrm@localhost/doitcrm?host=/var/run/postgresql' });
    const pgpassword = loadConfig(baseConfigShape, { ...ownAccounts, DATABASE_URL: 'postgres://doitcrm@db.internal/doitcrm', PGPASSWORD: 'pg-Secret-1' });

    // Assert
    expect(socket.DATABASE_URL).toContain('host=/var/run/postgresql');
    expect(pgpassword.DATABASE_URL).toBe('postgres://doitcrm@db.internal/doitcrm');
  });

  test.each([
    ['names no user (amqplib then logs in as guest)', 'amqp://mq.internal:5672', /RabbitMQ's guest account/],
    ['keeps the password guest', 'amqp://doitcrm:guest@mq.internal:5672', /the user "doitcrm" with the password "guest"/],
    ['gives no password', 'amqp://doitcrm@mq.internal:5672', /the user "doitcrm" without a password/],
  ])('when AMQP_URL %s, then it is refused', (_case, url, expected) => {
    // Act
    const problems = problemsOf({ ...ownAccounts, AMQP_URL: url });

    // Assert
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^AMQP_URL: .*${expected.source}`))]);
  });

  test('when production problems come with an invalid value, then one list holds both and no password is shown', () => {
    // Act
    const problems = problemsOf({ ...ownAccounts, LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://postgres:pg-Secret-1@db.internal/doitcrm', COOKIE_SECURE: 'no' });

    // Assert
    expect(problems).toEqual([
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/^DATABASE_URL: connects as the PostgreSQL superuser/),
      expect.stringMatching(/^COOKIE_SECURE: false /),
    ]);
    expect(problems.join('\n')).not.toMatch(/Secret/);
  });

  test('when NODE_ENV has a value that is not a mode, then it is named as invalid rather than taken for development', () => {
    // Act
    const problems = problemsOf({ ...ownAccounts, NODE_ENV: 'prod' });

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^NODE_ENV: .*\(got "prod"\)/)]);
  });
});
