/**
 * A data directory's workspace: its store opens without a saved connection (pswb users before
 * pswb connect), the connector uses that same store, reconnect() builds the next connector from
 * the settings as saved now, and close() closes the store once, whatever was opened.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';

const CONNECTION = {
  visibleStudentId: 'sis_id',
  studentIdSource: 'dcid',
} as const;

async function emptyDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pswb-workspace-'));
}

describe('workspace', () => {
  it('opens the store without a saved connection, and keeps one store', async () => {
    const dataDir = await emptyDataDir();
    const workspace = await openWorkspace({ dataDir });
    try {
      const store = workspace.store();
      expect(store.path).toBe(join(dataDir, 'connector.db'));
      expect(workspace.store()).toBe(store);
      await store.users.add(
        { email: 'admin@district.org', role: 'district_admin', password: 'a long password' },
        new Date(),
      );
      expect(() => workspace.connector()).toThrow(
        expect.objectContaining({ code: 'not_connected' }),
      );
    } finally {
      workspace.close();
    }
    const again = await openWorkspace({ dataDir });
    try {
      expect(
        again
          .store()
          .users.list()
          .map((user) => user.email),
      ).toEqual(['admin@district.org']);
    } finally {
      again.close();
    }
  });

  it('gives the connector the same store, and reconnect() rebuilds it from the saved settings', async () => {
    const dataDir = await emptyDataDir();
    const workspace = await openWorkspace({ dataDir });
    try {
      await workspace.settings.update((draft) => {
        draft.connection = {
          url: 'https://one.powerschool.com',
          clientId: 'one',
          clientSecret: 'secret one',
          ...CONNECTION,
        };
      });
      const first = workspace.connector();
      expect(first.store).toBe(workspace.store());
      expect(workspace.connector()).toBe(first);
      await workspace.settings.update((draft) => {
        draft.connection = {
          url: 'https://two.powerschool.com',
          clientId: 'two',
          clientSecret: 'secret two',
          ...CONNECTION,
        };
      });
      // Until reconnect, the connector made from the old settings is kept.
      expect(workspace.connector()).toBe(first);
      workspace.reconnect();
      const second = workspace.connector();
      expect(second).not.toBe(first);
      expect(second.client.baseUrl).toBe('https://two.powerschool.com');
      expect(first.client.baseUrl).toBe('https://one.powerschool.com');
      // The store stayed open and is shared.
      expect(second.store).toBe(first.store);
      expect(second.store.db.open).toBe(true);
      expect(second.queue().pending).toBe(0);
    } finally {
      workspace.close();
    }
    expect(workspace.store().db.open).toBe(false);
    expect(() => workspace.close()).not.toThrow();
  });

  it('closes without opening anything when nothing was used', async () => {
    const workspace = await openWorkspace({ dataDir: await emptyDataDir() });
    expect(() => workspace.close()).not.toThrow();
  });
});
