/**
 * `npm run conformance -- DIR`: renders this chart (with Helm 4) for every `X.values.yaml` in DIR
 * and compares it with `X.<namespace>.reference.yaml` there. Prints, per scenario and namespace,
 * the fields compared and the differences; exits 1 on a difference the differences doc does not
 * list, or on a scenario that fails here without an `X.error.txt` saying the reference fails too.
 * The project's own corpus of the official chart's scenarios is test/conformance/official.
 */
import { formatDifference } from './compare';
import { checkScenario, CORPUS_NAMESPACES, corpusScenarios, undocumentedCount } from './corpus';

function main(dir: string | undefined): number {
  if (!dir) {
    process.stderr.write('usage: npm run conformance -- <directory with X.values.yaml and X.<ns>.reference.yaml>\n');
    return 2;
  }
  let undocumented = 0;
  for (const scenario of corpusScenarios(dir)) {
    for (const namespace of CORPUS_NAMESPACES) {
      const result = checkScenario(dir, scenario, namespace);
      undocumented += undocumentedCount(result);
      const where = `${scenario} [${namespace}]`;
      if (result.refusal) {
        const note = result.refusal.documented ? ' (documented)' : ' (UNDOCUMENTED: the reference renders it)';
        process.stdout.write(`${where}: refused${note}: ${result.refusal.text}\n`);
      } else if (result.outcome === 'unmatched') {
        process.stdout.write(`${where}: renders (the reference has no render to compare)\n`);
      } else {
        const differ = result.documented.length + result.undocumented.length;
        process.stdout.write(
          `${where}: ${result.fieldsCompared} fields compared, ${differ} differ (${result.documented.length} documented, ${result.undocumented.length} not)\n`,
        );
        for (const difference of result.undocumented)
          process.stdout.write(`  UNDOCUMENTED ${formatDifference(difference)}\n`);
      }
    }
  }
  process.stdout.write(undocumented ? `${undocumented} undocumented difference(s)\n` : 'no undocumented differences\n');
  return undocumented ? 1 : 0;
}

process.exitCode = main(process.argv[2]);
