import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { baseConfigShape, ConfigError, loadConfig, portShape } from './config.ts';

/** Runs loadConfig and hands back the ConfigError it throws (fails the test when it does not throw one). */
function configErrorOf(shape: z.ZodRawShape, env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(shape, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  test('when two variables are bad, then one error lists both, each with what was given and what the key is for', () => {
    // Arrange
    const env = { LOG_LEVEL: 'loud', SESSION_TTL_SECONDS: '10', REDIS_URL: 'redis://127.0.0.1:6379' };

    // Act
    const error = configErrorOf(baseConfigShape, env);

    // Assert
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^LOG_LEVEL: .*\(got "loud"\)/);
    expect(error.problems[1]).toMatch(/^SESSION_TTL_SECONDS: .*\(got "10"\)/);
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('SESSION_TTL_SECONDS');
  });

  test('when a secret is invalid, then the message names the key but never shows the value', () => {
    // Arrange
    const env = { METRICS_TOKEN: 'too-short-tok', DATABASE_URL: 'postgres://app:hunter2@db host/doitcrm' };

    // Act
    const error = configErrorOf(baseConfigShape, env);

    // Assert
    expect(error.message).toContain('METRICS_TOKEN');
    expect(error.message).toContain('(got "***")');
    expect(error.message).not.toContain('too-short-tok');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('postgres://app:***@db host/doitcrm');
    expect(error.message).not.toContain('hunter2');
  });

  test('when a variable is set to the empty string, then it counts as unset: defaults apply and required ones are missing', () => {
    // Arrange
    const shape = { ...baseConfigShape, ...portShape(3100), WECOM_SECRET: z.string().min(1).describe('WeCom app secret') };

    // Act
    const error = configErrorOf(shape, { COOKIE_SECURE: '', PORT: '', WECOM_SECRET: '' });
    const config = loadConfig(shape, { COOKIE_SECURE: '', PORT: '', WECOM_SECRET: 'x'.repeat(20) });

    // Assert
    expect(error.problems).toEqual([expect.stringMatching(/^WECOM_SECRET: .*\(missing\) — WeCom app secret$/)]);
    expect(config.COOKIE_SECURE).toBe(false);
    expect(config.PORT).toBe(3100);
  });

  test('when the environment is valid, then values are coerced, defaults filled in, and the result is frozen', () => {
    // Act
    const config = loadConfig(baseConfigShape, { COOKIE_SECURE: 'yes', SESSION_TTL_SECONDS: '3600', UNRELATED: 'ignored' });

    // Assert
    expect(config).toMatchObject({ COOKIE_SECURE: true, SESSION_TTL_SECONDS: 3600, AMQP_NAMESPACE: '', REDIS_PREFIX: 'doitcrm:' });
    expect(config).not.toHaveProperty('UNRELATED');
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('when the public hosts and origins are given, then they are kept as a browser writes them in an Origin; unset, only this machine\'s names', () => {
    // Act
    const given = loadConfig(baseConfigShape, { PUBLIC_HOSTS: ' CRM.Example.cn , 10.0.0.5,[::1]', PUBLIC_ORIGINS: 'https://School.example.cn/, http://10.0.0.5:8080' });
    const unset = loadConfig(baseConfigShape, {});

    // Assert
    expect(given.PUBLIC_HOSTS).toEqual(['crm.example.cn', '10.0.0.5', '[::1]']);
    expect(given.PUBLIC_ORIGINS).toEqual(['https://school.example.cn', 'http://10.0.0.5:8080']);
    expect(unset.PUBLIC_HOSTS).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(unset.PUBLIC_ORIGINS).toEqual([]);
  });

  test('when a public host carries a port or an origin carries a path, then the error names the variable and the bad item', () => {
    // Act
    const error = configErrorOf(baseConfigShape, { PUBLIC_HOSTS: 'crm.example.cn,crm.example.cn:5004', PUBLIC_ORIGINS: 'https://school.example.cn/crm' });

    // Assert
    expect(error.problems).toEqual([
      expect.stringMatching(/^PUBLIC_HOSTS: "crm\.example\.cn:5004": not a bare host name/),
      expect.stringMatching(/^PUBLIC_ORIGINS: "https:\/\/school\.example\.cn\/crm": not an origin/),
    ]);
  });
});
