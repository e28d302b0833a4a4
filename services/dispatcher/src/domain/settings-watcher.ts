import { zodInChinese, type Logger, type Pool, type PoolClient } from '@doitcrm/kit';
import { CONFIG_CHANNEL, configFingerprint, listConfigRows, type ConfigRow } from '../data-access/config-repository.ts';
import { DEFAULT_DISPATCH_SETTINGS, dispatchSettingSchemas, type DispatchSettingKey, type DispatchSettings } from './dispatch-settings.ts';

export type SettingsListener = (settings: DispatchSettings, changed: DispatchSettingKey[]) => void;

export interface SettingsWatcher {
  /** The settings in force now: every key, each the stored value when it is valid, else its default. */
  current(): DispatchSettings;
  /** Called after a change is loaded, with the keys whose value changed; returns the unsubscribe. */
  onChange(listener: SettingsListener): () => void;
  /** Loads once (so `current()` is right from the start), then listens and polls. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Loads now (what a notification or a changed fingerprint triggers). */
  reload(): Promise<void>;
}

export interface SettingProblem {
  key: string;
  problems: string[];
}

const KEYS = Object.keys(dispatchSettingSchemas) as DispatchSettingKey[];

export function isSettingKey(key: string): key is DispatchSettingKey {
  return (KEYS as string[]).includes(key);
}

/** Every problem of a value for the key, in the words the config API answers with (`field` is the value's path). */
export function settingProblems(key: DispatchSettingKey, value: unknown): Array<{ field: string; message: string }> {
  const result = dispatchSettingSchemas[key].safeParse(value, zodInChinese);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ field: ['value', ...issue.path].join('.'), message: issue.message }));
}

/**
 * The settings the stored rows make. A row that does not validate (written by hand, or by an older version with
 * another shape) is reported and its default kept: one bad row must not stop every worker, nor half-apply.
 * Rows of keys this version does not know are ignored.
 */
export function settingsFromRows(rows: Array<Pick<ConfigRow, 'key' | 'value'>>): { settings: DispatchSettings; invalid: SettingProblem[] } {
  const settings = { ...DEFAULT_DISPATCH_SETTINGS } as Record<DispatchSettingKey, unknown>;
  const invalid: SettingProblem[] = [];
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    const result = dispatchSettingSchemas[row.key].safeParse(row.value);
    if (result.success) settings[row.key] = result.data;
    else invalid.push({ key: row.key, problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`) });
  }
  return { settings: settings as DispatchSettings, invalid };
}

/**
 * The dispatcher's hot configuration as every worker reads it. A write NOTIFYs (config API), so a change is normally
 * loaded within milliseconds; the LISTEN connection can be lost without anyone noticing (a PostgreSQL restart, a
 * proxy dropping an idle connection), so a cheap fingerprint of the table is also polled every `pollMs` and a change
 * of it reloads too — the change is then seen within `pollMs` at worst.
 */
export function createSettingsWatcher(options: { pool: Pool; logger: Logger; pollMs?: number }): SettingsWatcher {
  const { pool, logger } = options;
  const pollMs = options.pollMs ?? 1_000;
  const listeners = new Set<SettingsListener>();
  let settings: DispatchSettings = DEFAULT_DISPATCH_SETTINGS;
  let fingerprint: string | null = null;
  let listenClient: PoolClient | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let reportedInvalid = '';

  async function load(): Promise<void> {
    const nextFingerprint = await configFingerprint(pool);
    const { settings: next, invalid } = settingsFromRows(await listConfigRows(pool));
    fingerprint = nextFingerprint;
    const invalidText = JSON.stringify(invalid);
    if (invalid.length > 0 && invalidText !== reportedInvalid) logger.error({ invalid }, 'dispatch.configs rows that do not validate were ignored; their defaults are in force');
    reportedInvalid = invalidText;
    const changed = KEYS.filter((key) => JSON.stringify(next[key]) !== JSON.stringify(settings[key]));
    if (changed.length === 0) return;
    settings = next;
    logger.info({ changed }, 'dispatcher settings changed');
    for (const listener of listeners) {
      try {
        listener(settings, changed);
      } catch (error) {
        logger.error({ err: error, changed }, 'a settings listener failed');
      }
    }
  }

  // a notification arriving while a load runs loads once more after it, never two loads at once
  function reload(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await load();
        } while (again && !stopped);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function listen(): Promise<void> {
    const client = await pool.connect();
    client.on('notification', (message) => {
      if (message.channel === CONFIG_CHANNEL) reload().catch((error: unknown) => logger.warn({ err: error }, 'could not reload dispatcher settings'));
    });
    client.on('error', (error) => {
      logger.warn({ err: error }, 'lost the dispatch_configs LISTEN connection; polling until it is back');
      if (listenClient === client) listenClient = null;
      client.release(true);
    });
    await client.query(`LISTEN ${CONFIG_CHANNEL}`);
    listenClient = client;
  }

  async function poll(): Promise<void> {
    if (!listenClient && !stopped) await listen().catch((error: unknown) => logger.debug({ err: error }, 'LISTEN not re-established yet'));
    if ((await configFingerprint(pool)) !== fingerprint) await reload();
  }

  return {
    current: () => settings,
    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async start() {
      await reload();
      await listen();
      pollTimer = setInterval(() => {
        poll().catch((error: unknown) => logger.warn({ err: error }, 'could not poll dispatch.configs'));
      }, pollMs);
      pollTimer.unref();
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      await running?.catch(() => {});
      const client = listenClient;
      listenClient = null;
      if (client) {
        await client.query(`UNLISTEN ${CONFIG_CHANNEL}`).catch(() => {});
        client.release();
      }
    },
    reload,
  };
}
