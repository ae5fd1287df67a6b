/**
 * Failure alerts' settings: each field checked with a message naming what is valid, a change
 * keeping the write-only values it does not give, district admins only, and the SMTP password
 * and webhook secret redacted from everything shown (redactSettings, alertsView, the file read
 * back as before without alerts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConnectorError,
  DISTRICT_ADMIN,
  SettingsStore,
  alertsView,
  applyAlertChange,
  auditedAlerts,
  redactSettings,
  setAlertSettings,
  type AlertChange,
} from '../../connector/index.ts';

const SMTP = 'smtps://alerts%40district.org:sm7p-Pa55word@smtp.district.org:465';
const SECRET = 'whsec-0123456789abcdef';
const GOOD: AlertChange = {
  intervalMinutes: 15,
  emailTo: ['office@district.org', 'it@district.org'],
  emailFrom: 'pswb@district.org',
  smtpUrl: SMTP,
  webhookUrl: 'https://hooks.district.org/pswb',
  webhookSecret: SECRET,
  pageUrl: 'https://pswb.district.org/',
};

function refusal(change: AlertChange, saved = undefined): string {
  try {
    applyAlertChange(saved, change);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('invalid_settings');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('alert settings checks', () => {
  it('takes good settings, trimming the page URL and defaulting the interval', () => {
    const alerts = applyAlertChange(undefined, { ...GOOD, intervalMinutes: undefined });
    expect(alerts).toEqual({
      intervalMinutes: 15,
      email: {
        to: ['office@district.org', 'it@district.org'],
        from: 'pswb@district.org',
        smtpUrl: SMTP,
      },
      webhook: { url: 'https://hooks.district.org/pswb', secret: SECRET },
      pageUrl: 'https://pswb.district.org',
    });
  });

  it('refuses each bad field naming what is valid, never repeating a secret', () => {
    expect(refusal({ ...GOOD, intervalMinutes: 0 })).toContain('from 1 to 1440');
    expect(refusal({ ...GOOD, intervalMinutes: 1441 })).toContain('from 1 to 1440');
    expect(refusal({ ...GOOD, intervalMinutes: 2.5 })).toContain('whole minutes');
    expect(refusal({ ...GOOD, emailTo: ['not-an-address'] })).toContain(
      'is not an email address: give one like alerts@district.org',
    );
    const many = Array.from({ length: 21 }, (_, i) => `a${i}@district.org`);
    expect(refusal({ ...GOOD, emailTo: many })).toContain('give 1 to 20');
    expect(refusal({ ...GOOD, emailFrom: 'Pswb <pswb@district.org>' })).toContain('From');
    const smtp = refusal({ ...GOOD, smtpUrl: 'http://user:hunter2hunter2@smtp.district.org' });
    expect(smtp).toContain('smtp://host:587');
    expect(smtp).not.toContain('hunter2');
    expect(refusal({ ...GOOD, webhookUrl: 'http://hooks.district.org/pswb' })).toContain(
      'http:// only for localhost or 127.0.0.1',
    );
    const short = refusal({ ...GOOD, webhookSecret: 'short-secret' });
    expect(short).toContain('give 16 to 512');
    expect(short).not.toContain('short-secret');
    expect(refusal({ ...GOOD, pageUrl: 'ftp://pswb.district.org' })).toContain(
      'http:// or https://',
    );
    expect(refusal({ intervalMinutes: 5, emailTo: [], webhookUrl: '' })).toContain(
      'need somewhere to go',
    );
    expect(refusal({ emailTo: ['a@district.org'] })).toContain('sender (From)');
    expect(refusal({ emailTo: ['a@district.org'], emailFrom: 'b@district.org' })).toContain(
      'SMTP URL',
    );
    expect(refusal({ webhookUrl: 'https://hooks.district.org' })).toContain('needs a secret');
  });

  it('takes http only for a local webhook receiver', () => {
    for (const url of ['http://localhost:9000/hook', 'http://127.0.0.1:9000/hook']) {
      expect(
        applyAlertChange(undefined, { webhookUrl: url, webhookSecret: SECRET }).webhook?.url,
      ).toBe(url);
    }
  });

  it('keeps the saved SMTP URL and webhook secret when a change leaves them out', () => {
    const saved = applyAlertChange(undefined, GOOD);
    const changed = applyAlertChange(saved, {
      intervalMinutes: 30,
      emailTo: ['new@district.org'],
      emailFrom: 'pswb@district.org',
      webhookUrl: 'https://hooks.district.org/other',
    });
    expect(changed.intervalMinutes).toBe(30);
    expect(changed.email?.smtpUrl).toBe(SMTP);
    expect(changed.webhook?.secret).toBe(SECRET);
    const noWebhook = applyAlertChange(saved, { webhookUrl: '' });
    expect(noWebhook.webhook).toBeUndefined();
    expect(noWebhook.email?.to).toEqual(['office@district.org', 'it@district.org']);
  });
});

describe('saving and redaction', () => {
  it('saves for a district admin only, and redacts the secrets everywhere they are shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-alerts-'));
    try {
      const store = await SettingsStore.openDataDir(dir);
      await expect(
        setAlertSettings(store, { role: 'building_admin', schools: [101] }, GOOD),
      ).rejects.toThrow('Only a district admin can change the failure alerts');
      const saved = await setAlertSettings(store, DISTRICT_ADMIN, GOOD);
      expect(saved.alerts?.webhook?.secret).toBe(SECRET);
      // Read back from the file, as a restarted pswb would.
      const again = await SettingsStore.openDataDir(dir);
      expect(again.get().alerts?.email?.smtpUrl).toBe(SMTP);

      const shown = JSON.stringify([
        redactSettings(saved),
        alertsView(saved.alerts),
        auditedAlerts(saved),
      ]);
      expect(shown).not.toContain('sm7p-Pa55word');
      expect(shown).not.toContain(SECRET);
      expect(redactSettings(saved).alerts?.email?.smtpUrl).toBe(
        'smtps://alerts%40district.org:********@smtp.district.org:465',
      );
      expect(alertsView(saved.alerts)).toEqual({
        intervalMinutes: 15,
        email: {
          to: ['office@district.org', 'it@district.org'],
          from: 'pswb@district.org',
          smtpHost: 'smtps://smtp.district.org:465',
        },
        webhook: { url: 'https://hooks.district.org/pswb' },
        pageUrl: 'https://pswb.district.org',
      });
      const cleared = await setAlertSettings(store, DISTRICT_ADMIN, null);
      expect(cleared.alerts).toBeUndefined();
      expect(alertsView(cleared.alerts)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a settings file written before alerts existed as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-alerts-old-'));
    try {
      const path = join(dir, 'connector-settings.json');
      await writeFile(
        path,
        JSON.stringify({ version: 1, preventSchoolOverrides: false, schools: {}, reasons: {} }),
      );
      const store = await SettingsStore.openFile(path);
      expect(store.get().alerts).toBeUndefined();
      await store.update(() => undefined);
      expect(JSON.parse(await readFile(path, 'utf8'))).not.toHaveProperty('alerts');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
