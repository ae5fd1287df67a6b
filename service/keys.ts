/** API keys for the ingest API, made for the district a data directory is connected to. */
import { requireConnection, type ApiKeyRecord, type Workspace } from '../connector/index.ts';

/** Makes a key for the workspace's district (and, given schools, for those buildings only). */
export function createApiKey(
  workspace: Workspace,
  options: { name: string; schools?: readonly number[] | null },
): { key: string; record: ApiKeyRecord } {
  const { url } = requireConnection(workspace.settings.get());
  return workspace.connector().keys.create({
    name: options.name,
    district: url,
    schools: options.schools ?? null,
  });
}
