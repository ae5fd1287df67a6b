/**
 * The PowerSchool URL rule from the guide's Settings tab: the base URL used to log into the
 * Admin Portal, https, no trailing slash, no path such as /admin.
 */

/** The guide's own examples, quoted in every refusal. */
export const URL_EXAMPLES = {
  correct: 'https://sample-district.powerschool.com',
  incorrect: [
    'https://sample-district.powerschool.com/',
    'https://sample-district.powerschool.com/admin',
  ],
} as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for hosts that never leave this machine (http is allowed only for them). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const EXAMPLES_TEXT = `Correct: "${URL_EXAMPLES.correct}". Incorrect: ${URL_EXAMPLES.incorrect
  .map((example) => `"${example}"`)
  .join(', ')}.`;

/**
 * Checks a PowerSchool URL; returns the problem in the guide's terms, or undefined when valid.
 * http is accepted only for loopback hosts (a local simulator).
 */
export function findPowerSchoolUrlProblem(input: string): string | undefined {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${input}" is not a URL. Enter the base URL used to log into the PowerSchool Admin Portal. ${EXAMPLES_TEXT}`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `"${input}" must start with https:// (http is accepted only for a local test server such as http://127.0.0.1:PORT). ${EXAMPLES_TEXT}`;
  }
  if (url.username || url.password) {
    return `"${input}" must not hold a user name or password: enter the Client ID and Client Secret separately. ${EXAMPLES_TEXT}`;
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    return `"${input}" has a path or query ("${url.pathname}${url.search}${url.hash}"): use only the base URL, without /admin or anything after the host. ${EXAMPLES_TEXT}`;
  }
  if (text.endsWith('/')) {
    return `"${input}" ends with a forward slash: remove the trailing "/". ${EXAMPLES_TEXT}`;
  }
  return undefined;
}
