/** Minimal JUnit XML, as CI systems (GitHub Actions reporters, GitLab, Jenkins) read it. */
export interface JunitCase {
  name: string;
  classname: string;
  ms: number;
  failure?: string;
}

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function junitXml(suite: string, cases: readonly JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const time = (cases.reduce((a, c) => a + c.ms, 0) / 1000).toFixed(3);
  const body = cases
    .map((c) => `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${(c.ms / 1000).toFixed(4)}">${c.failure ? `\n      <failure message="${esc(c.failure)}"/>\n    ` : ''}</testcase>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(suite)}" tests="${cases.length}" failures="${failures}" time="${time}">\n  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" time="${time}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}
