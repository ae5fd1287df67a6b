/** API keys for service tests, made and revoked in a data directory as pswb keys does. */
import { openWorkspace } from '../../connector/index.ts';
import { createApiKey } from '../../service/index.ts';

export async function createKey(
  dataDir: string,
  options: { name: string; schools?: number[] },
): Promise<string> {
  const workspace = await openWorkspace({ dataDir });
  try {
    return createApiKey(workspace, options).key;
  } finally {
    workspace.close();
  }
}

/** Revokes the key (given by its plaintext) from another connection to the same file. */
export async function revokeKey(dataDir: string, key: string): Promise<void> {
  const workspace = await openWorkspace({ dataDir });
  try {
    workspace.connector().keys.revoke(key.split('_')[1]!);
  } finally {
    workspace.close();
  }
}
