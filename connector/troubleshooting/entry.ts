/** The shape of a troubleshooting catalogue entry and of the failure it explains. */

/** What a failure looks like to the matchers. */
export interface FailureFacts {
  /** The connector's or the transport's stable code. */
  code?: string;
  message: string;
  status?: number;
}

/** One catalogue entry. */
export interface TroubleshootingEntry {
  id: string;
  title: string;
  /** plain-text and technical are the guide's two groups; connector errors are pswb's own. */
  kind: 'plain-text' | 'technical' | 'connector';
  source: 'guide' | 'inferred';
  example: string;
  meaning: string;
  causes: readonly string[];
  resolution: readonly string[];
  matches: (failure: FailureFacts) => boolean;
}
