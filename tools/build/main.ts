/**
 * `npm run build`: writes charts/coder, schema/kubernetes.definitions.json and
 * src/generated/values.ts from the TypeScript sources. A development tool: the npm package ships
 * the built chart, not this (it would write into the installed package).
 */
import { CHART_DIR } from '../../src/paths';
import { writeKubernetesDefinitions, writeValuesTypes } from './schema-files';
import { writeChart } from './write-chart';

function main(args: readonly string[]): number {
  if (args.length > 0) {
    process.stderr.write(`build: takes no options, got ${args.join(' ')}\n`);
    return 2;
  }
  writeKubernetesDefinitions();
  const typesChanged = writeValuesTypes();
  const files = writeChart(CHART_DIR);
  process.stdout.write(`built ${files.length} files into ${CHART_DIR}\n`);
  if (typesChanged) process.stdout.write('src/generated/values.ts changed: compile again (npm run build does)\n');
  return 0;
}

process.exit(main(process.argv.slice(2)));
