/**
 * `pswb comment-template`: the district's source stamp for att_comment (connector/setup/
 * comment-template.ts): shows it, sets it, or clears it back to the default comment. Each change
 * is written to the audit log. Wiring only.
 */
import {
  COMMENT_PLACEHOLDERS,
  MAX_COMMENT_TEMPLATE,
  setCommentTemplate,
} from '../../connector/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = { ...COMMON_OPTIONS, clear: { type: 'boolean' } } as const;

const DEFAULT_TEXT = 'the default: the event\'s own comment, else "Late Check-in at 08:40"';

async function run(argv: string[], io: CliIO): Promise<number> {
  // One argument: the template, in quotes (a second word is refused as unexpected).
  const { values, positionals } = parseOptions(argv, OPTIONS, { maxPositionals: 1 });
  if (values.clear && positionals.length > 0) {
    throw new UsageError('give a template or --clear, not both.');
  }
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const before = workspace.settings.get().commentTemplate ?? null;
    let current = before;
    if (values.clear || positionals.length === 1) {
      const saved = await setCommentTemplate(
        workspace.settings,
        actor,
        values.clear ? null : positionals[0]!,
      );
      current = saved.commentTemplate ?? null;
      auditCliChange(workspace.store(), {
        action: 'settings.comment_template',
        target: 'settings',
        before: { commentTemplate: before },
        after: { commentTemplate: current },
      });
    }
    if (values.json) io.stdout(toJson({ commentTemplate: current }));
    else io.stdout(`Comment template: ${current === null ? `none (${DEFAULT_TEXT})` : current}`);
    return 0;
  });
}

export const commentTemplateCommand: Command = {
  name: 'comment-template',
  help: `Usage: pswb comment-template ["TEMPLATE" | --clear] [options]

The source stamp: the comment each record pswb writes to PowerSchool carries (att_comment), so
staff reading the record see where it came from. Without an argument, prints the template; with
one, sets it (district admins); --clear goes back to ${DEFAULT_TEXT}.
A template may use ${COMMENT_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}, up to
${MAX_COMMENT_TEMPLATE} characters. Changes are written to the audit log.

Options:
  --clear            Go back to the default comment
${COMMON_HELP}

Examples:
  npx pswb comment-template "VM {type} {time} by front office"
  npx pswb comment-template --clear
`,
  run,
};
