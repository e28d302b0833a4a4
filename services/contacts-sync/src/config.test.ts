import { describe, expect, it } from 'vitest';
import { ConfigError } from '@doitcrm/kit';
import { loadContactsSyncConfig } from './config.ts';

describe('contacts-sync settings', () => {
  it('when nothing is set, then the seed\'s schedule applies (incremental hourly, full at 02:00) with batches of 100 members', () => {
    const config = loadContactsSyncConfig({});

    expect(config).toMatchObject({ CONTACTS_SYNC_INCREMENTAL_CRON: '0 * * * *', CONTACTS_SYNC_FULL_CRON: '0 2 * * *', CONTACTS_SYNC_MEMBERS_PER_BATCH: 100, PORT: 5030 });
  });

  it('when a schedule is not cron, or a batch is larger than WeCom allows, then start-up refuses naming both', () => {
    const load = () => loadContactsSyncConfig({ CONTACTS_SYNC_FULL_CRON: 'every night', CONTACTS_SYNC_MEMBERS_PER_BATCH: '101', CONTACTS_SYNC_INCREMENTAL_CRON: 'off' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CONTACTS_SYNC_FULL_CRON[\s\S]*CONTACTS_SYNC_MEMBERS_PER_BATCH|CONTACTS_SYNC_MEMBERS_PER_BATCH[\s\S]*CONTACTS_SYNC_FULL_CRON/);
  });

  it('when the EncodingAESKey is not 43 base64 characters, then start-up refuses naming WECOM_ENCODING_AES_KEY; callbacks have no defaults', () => {
    const load = () => loadContactsSyncConfig({ WECOM_TOKEN: 'tok3n', WECOM_ENCODING_AES_KEY: 'too-short-key' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WECOM_ENCODING_AES_KEY/);
    const unset = loadContactsSyncConfig({});
    expect([unset.WECOM_TOKEN, unset.WECOM_ENCODING_AES_KEY, unset.WECOM_AGENT_ID, unset.WECOM_CALLBACK_URL]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('when a schedule setting is cron the page could not show (every 30 minutes, a weekly clean-up without a weekday), then start-up refuses naming it; the clean-up defaults to Sunday 03:00', () => {
    const load = () => loadContactsSyncConfig({ CONTACTS_SYNC_INCREMENTAL_CRON: '*/30 * * * *', CONTACTS_SYNC_CLEANUP_CRON: '0 3 * * *' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CONTACTS_SYNC_INCREMENTAL_CRON[\s\S]*CONTACTS_SYNC_CLEANUP_CRON|CONTACTS_SYNC_CLEANUP_CRON[\s\S]*CONTACTS_SYNC_INCREMENTAL_CRON/);
    expect(loadContactsSyncConfig({})).toMatchObject({ CONTACTS_SYNC_CLEANUP_CRON: '0 3 * * 0', CONTACTS_SYNC_RETENTION_DAYS: 90 });
  });
});
