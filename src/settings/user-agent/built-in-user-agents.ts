/** The built-in desktop Chrome user agents (RUNNER §11.2) for Chromium major version `major`. */
export function builtInUserAgents(major: number): string[] {
  const tail = `AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
  return [
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${tail}`,
    `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${tail}`,
    `Mozilla/5.0 (X11; Linux x86_64) ${tail}`,
  ];
}

export const USER_AGENT_MAX = 512;
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
