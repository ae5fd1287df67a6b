/**
 * An event as a caller scoped to some buildings may see it: one of another building is answered
 * as not there at all (the API's and the page's 404), so event ids do not leak across buildings.
 */
import {
  ConnectorError,
  type Actor,
  type Connector,
  type WritebackRecord,
} from '../connector/index.ts';

/** The event, or undefined when there is none or it belongs to a building the actor may not see. */
export function visibleRecord(
  connector: Connector,
  actor: Actor,
  id: string,
): WritebackRecord | undefined {
  try {
    return connector.record(actor, id);
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'permission_denied') return undefined;
    throw error;
  }
}
