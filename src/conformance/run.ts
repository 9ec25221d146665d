/**
 * `npm run conformance -- DIR`: renders this chart (with Helm 4) for every `X.values.yaml` in DIR
 * and compares it with `X.<namespace>.reference.yaml` there. Prints, per scenario and namespace,
 * the fields compared and the differences; exits 1 on a difference the differences doc does not
 * list, or on a scenario that fails here without an `X.error.txt` saying the reference fails too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmSync } from '../helm/helm';
import { CHART_DIR } from '../paths';
import { documentedDifferences, isDocumented, isDocumentedRefusal } from './allowlist';
import { compareRenders, formatDifference } from './compare';

const NAMESPACES = ['default', 'coder'];

function main(dir: string | undefined): number {
  if (!dir) {
    process.stderr.write('usage: npm run conformance -- <directory with X.values.yaml and X.<ns>.reference.yaml>\n');
    return 2;
  }
  const documented = documentedDifferences();
  let undocumented = 0;
  const scenarios = readdirSync(dir)
    .filter((f) => f.endsWith('.values.yaml'))
    .sort();
  for (const file of scenarios) {
    const name = file.slice(0, -'.values.yaml'.length);
    for (const namespace of NAMESPACES) {
      const referenceFile = join(dir, `${name}.${namespace}.reference.yaml`);
      const run = helmSync(4, ['template', 'release-name', CHART_DIR, '--namespace', namespace, '-f', join(dir, file)]);
      if (run.status !== 0) {
        const why = run.stderr.trim().split('\n').slice(0, 3).join(' ');
        const expected = !existsSync(referenceFile) || isDocumentedRefusal(run.stderr, documented);
        process.stdout.write(
          `${name} [${namespace}]: refused${expected ? ' (documented)' : ' (UNDOCUMENTED: the reference renders it)'}: ${why}\n`,
        );
        if (!expected) undocumented++;
        continue;
      }
      if (!existsSync(referenceFile)) {
        process.stdout.write(`${name} [${namespace}]: renders (the reference has no render to compare)\n`);
        continue;
      }
      const result = compareRenders(readFileSync(referenceFile, 'utf8'), run.stdout, namespace);
      const open = result.differences.filter((d) => !isDocumented(d, documented));
      undocumented += open.length;
      process.stdout.write(
        `${name} [${namespace}]: ${result.fieldsCompared} fields compared, ${result.differences.length} differ (${result.differences.length - open.length} documented, ${open.length} not)\n`,
      );
      for (const difference of open) process.stdout.write(`  UNDOCUMENTED ${formatDifference(difference)}\n`);
    }
  }
  process.stdout.write(undocumented ? `${undocumented} undocumented difference(s)\n` : 'no undocumented differences\n');
  return undocumented ? 1 : 0;
}

process.exitCode = main(process.argv[2]);
