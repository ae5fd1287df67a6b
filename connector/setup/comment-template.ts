/**
 * The source stamp: a district's template for att_comment, so staff reading a record in
 * PowerSchool see where it came from ("VM {type} {time} by front office"). Without a template
 * the comment is what it always was: the event's own comment, else "Late Check-in at 08:40".
 * PowerSchool's Attendance.Att_Comment is a CLOB with no fixed length (EDP data dictionary,
 * docs/powerschool-reference.md); the 200-character limit on a template is pswb's own, to keep
 * the Attendance pages readable, not PowerSchool's.
 */
import { ConnectorError, EVENT_TYPE_LABELS, type EventType } from '../domain/index.ts';
import { assertDistrictAdmin, type Actor } from './roles.ts';
import type { ConnectorSettings, SettingsStore } from './settings.ts';

/** What a template may name, each as {name}. */
export const COMMENT_PLACEHOLDERS = [
  'type',
  'date',
  'time',
  'reason',
  'school',
  'comment',
] as const;
export type CommentPlaceholder = (typeof COMMENT_PLACEHOLDERS)[number];

/** The longest template pswb takes (pswb's limit: att_comment itself has none). */
export const MAX_COMMENT_TEMPLATE = 200;

/** What an event's comment is made of. */
export interface CommentFacts {
  type: EventType;
  /** District-local YYYY-MM-DD and HH:MM. */
  date: string;
  time: string;
  reason: string;
  school: number;
  /** The event's own comment, when Visitor Management sent one. */
  comment?: string;
}

const TOKEN = /\{([^{}]*)\}/g;

/** The template, trimmed, or invalid_settings naming what is wrong and what is valid. */
export function checkCommentTemplate(template: string): string {
  const trimmed = template.trim();
  if (trimmed === '') {
    throw new ConnectorError(
      'invalid_settings',
      'The comment template is empty: give one, e.g. "VM {type} {time}", or clear it to use the default comment.',
    );
  }
  if (trimmed.length > MAX_COMMENT_TEMPLATE) {
    throw new ConnectorError(
      'invalid_settings',
      `The comment template has ${trimmed.length} characters; pswb takes up to ${MAX_COMMENT_TEMPLATE}.`,
    );
  }
  const unknown = [...trimmed.matchAll(TOKEN)]
    .map((match) => match[1]!)
    .filter((name) => !(COMMENT_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new ConnectorError(
      'invalid_settings',
      `The comment template names ${unknown.map((name) => `{${name}}`).join(', ')}, which pswb does not know. Valid: ${COMMENT_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}.`,
    );
  }
  return trimmed;
}

/** att_comment for an event: the template filled in, or the default comment without one. */
export function renderComment(template: string | undefined, facts: CommentFacts): string {
  const label = EVENT_TYPE_LABELS[facts.type];
  if (template === undefined) return facts.comment ?? `${label} at ${facts.time}`;
  const values: Record<CommentPlaceholder, string> = {
    type: label,
    date: facts.date,
    time: facts.time,
    reason: facts.reason,
    school: String(facts.school),
    comment: facts.comment ?? '',
  };
  return template
    .replace(TOKEN, (whole, name: string) => values[name as CommentPlaceholder] ?? whole)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Saves the district's template (district admins only); null goes back to the default. */
export async function setCommentTemplate(
  store: SettingsStore,
  actor: Actor,
  template: string | null,
): Promise<ConnectorSettings> {
  assertDistrictAdmin(actor, 'change the comment template');
  const checked = template === null ? null : checkCommentTemplate(template);
  return store.update((draft) => {
    if (checked === null) delete draft.commentTemplate;
    else draft.commentTemplate = checked;
  });
}
