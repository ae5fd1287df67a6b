import { CliError, type Command } from '../cli/command.ts';
import { parseOptions, psVersionOption } from '../cli/parse-options.ts';
import { buildBundle } from '../../plugin/bundle.ts';
import { writeBundle } from '../../plugin/bundle-files.ts';
import { describeV1AccessChoice } from '../../plugin/bundle-summary.ts';
import { PLUGIN_IDENTITY } from '../../plugin/contract.ts';
import { DEFAULT_PS_VERSION } from '../../plugin/ps-version.ts';
import { formatFindings } from '../../plugin/finding.ts';
import { PluginError } from '../../plugin/plugin-error.ts';

const DEFAULT_OUT = 'dist';

const OPTIONS = {
  'ps-version': { type: 'string' },
  version: { type: 'string' },
  out: { type: 'string' },
  'contact-email': { type: 'string' },
} as const;

/** `pswb plugin build`: validates and writes the Attendance Access bundle and its sha256. */
export const pluginBuildCommand: Command = {
  name: 'plugin build',
  help: `Usage: pswb plugin build [--ps-version V] [--version X] [--out DIR] [--contact-email E]

Validates the Navigate360 Attendance Access plugin against every rule pswb knows (our bundle
must have no refusal, warning or note: it passes pswb plugin inspect --strict), then
writes DIR/<slug>-<version>-ps<V>.zip (plugin.xml at the root, queries_root/ with the
PowerQueries) and DIR/<same>.zip.sha256 (sha256sum format). The same input always gives the same
bytes, so the checksum identifies the bundle. Nothing is written when anything is found.

Options:
  --ps-version V     PowerSchool version the district runs (default ${DEFAULT_PS_VERSION}).
                     25.2.0.0 and later get <oauth accessLevelV1Api="FULL"/>; older versions get
                     <oauth/> (their installer rejects the attribute).
  --version X        the plugin's own version (default ${PLUGIN_IDENTITY.version})
  --out DIR          output folder, created if missing (default ${DEFAULT_OUT})
  --contact-email E  publisher contact email (default ${PLUGIN_IDENTITY.publisher.contact.email})
  -h, --help         show this help

Example:
  pswb plugin build --ps-version 25.2.0.0 --out dist/
  cd dist && sha256sum -c navigate360-attendance-access-${PLUGIN_IDENTITY.version}-ps25.2.0.0.zip.sha256
`,
  async run(argv, io) {
    const { values } = parseOptions(argv, OPTIONS);
    const psVersion = values['ps-version'] ?? DEFAULT_PS_VERSION;
    psVersionOption(psVersion);
    let bundle;
    try {
      bundle = await buildBundle({
        psVersion,
        ...(values.version === undefined ? {} : { version: values.version }),
        ...(values['contact-email'] === undefined ? {} : { contactEmail: values['contact-email'] }),
      });
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      const findings = error.findings.length > 0 ? `\n${formatFindings(error.findings)}` : '';
      throw new CliError(`${error.message}${findings}\n${error.fix}\nNothing was written.`);
    }
    const written = await writeBundle(bundle, values.out ?? DEFAULT_OUT);
    io.stdout(
      [
        `Built ${written.zipPath}`,
        `sha256 ${bundle.sha256}  (${written.checksumPath})`,
        `PowerSchool ${psVersion.trim()}: ${describeV1AccessChoice(bundle.definition, psVersion)}`,
      ].join('\n'),
    );
    return 0;
  },
};
