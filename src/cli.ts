#!/usr/bin/env node
/** The `coder-chart` command line. */
import { readFileSync } from 'node:fs';
import { GuardError, NeedsHelmError } from './backends/concrete';
import { writeKubernetesDefinitions, writeValuesTypes } from './build/schema-files';
import { writeChart } from './build/write-chart';
import { OutputDirError, writeOutputDir } from './output-dir';
import { CHART_DIR } from './paths';
import { checkGuards, manifestsToYaml, renderManifests, resolveValues, ValueMap } from './render';
import { mergeUserValues } from './values/coalesce';
import { parseValuesYaml } from './values/read-values';
import { applySet, SetSyntaxError } from './values/set-values';
import { formatProblem, InvalidValuesError } from './values/validate';

const USAGE = `coder-chart: the Coder HA chart, for Helm and for everyone else

Usage: coder-chart <command> [options]

Commands:
  render      Print the manifests the chart renders: the same objects, in the same order, as
              \`helm template\` of charts/coder with the same values.
                coder-chart render --release coder --namespace coder -f examples/ha-3-replicas.yaml
  validate    Check values against the chart's schema and rules, as Helm would before rendering.
              Exits 0 when valid, 1 with one line per problem otherwise.
                coder-chart validate -f my-values.yaml --set coder.replicaCount=3
  build       Write the Helm chart into charts/coder from the TypeScript sources (npm run build).
                coder-chart build
  help        Show this text.

Values options (render, validate), applied as Helm applies them:
  -f, --values FILE        A values file; repeat to layer several (later files win, null deletes).
  --set a.b=c              Set values on the command line, typed as Helm types them (a=3 integer,
                           a=true boolean, a=null deletes, a[0].b=c, a={x,y}, \\, and \\. escape).
  --set-string a.b=c       The same, keeping every value a string. All --set come before all
                           --set-string, whatever their order on the line (as in Helm).
Render options:
  --release NAME           Release name (default: release-name).
  -n, --namespace NS       Namespace (default: default).
  --output-dir DIR         Write one file per object and a kustomization.yaml into DIR (new or
                           empty) instead of printing; then: kubectl apply -k DIR
                             coder-chart render --release coder -n coder -f ha.yaml --output-dir out/

Exit status: 0 done; 1 the values are refused (schema or chart rule; nothing is printed on
stdout); 2 a usage error.
`;

class UsageError extends Error {}

interface Options {
  files: string[];
  sets: string[];
  setStrings: string[];
  release?: string;
  namespace?: string;
  outputDir?: string;
}

function readValuesFile(path: string): ValueMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read values file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseValuesYaml(text, path);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseOptions(args: string[], allowRelease: boolean): Options {
  const options: Options = { files: [], sets: [], setStrings: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] =
      args[i].startsWith('--') && args[i].includes('=')
        ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)]
        : [args[i], undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '-f' || flag === '--values') options.files.push(value());
    else if (flag === '--set') options.sets.push(value());
    else if (flag === '--set-string') options.setStrings.push(value());
    else if (allowRelease && flag === '--release') options.release = value();
    else if (allowRelease && (flag === '-n' || flag === '--namespace')) options.namespace = value();
    else if (allowRelease && flag === '--output-dir') options.outputDir = value();
    else throw new UsageError(`unknown option ${args[i]}`);
  }
  return options;
}

/** The user's values: files merged in order, then every --set, then every --set-string. */
export function userValues(options: Pick<Options, 'files' | 'sets' | 'setStrings'>): ValueMap {
  const values = mergeUserValues(options.files.map(readValuesFile));
  for (const expression of options.sets) applySet(values, expression, true);
  for (const expression of options.setStrings) applySet(values, expression, false);
  return values;
}

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'build': {
        if (rest.length) throw new UsageError(`build takes no options, got ${rest.join(' ')}`);
        writeKubernetesDefinitions();
        const typesChanged = writeValuesTypes();
        const files = writeChart(CHART_DIR);
        process.stdout.write(`built ${files.length} files into ${CHART_DIR}\n`);
        if (typesChanged) process.stdout.write('src/generated/values.ts changed: compile again (npm run build does)\n');
        return 0;
      }
      case 'render': {
        const options = parseOptions(rest, true);
        const manifests = renderManifests([userValues(options)], {
          releaseName: options.release,
          namespace: options.namespace,
        });
        if (options.outputDir) {
          const files = writeOutputDir(options.outputDir, manifests);
          process.stdout.write(`wrote ${files.length} objects and kustomization.yaml into ${options.outputDir}\n`);
        } else {
          process.stdout.write(manifestsToYaml(manifests));
        }
        return 0;
      }
      case 'validate': {
        const options = parseOptions(rest, false);
        checkGuards(resolveValues([userValues(options)]));
        process.stdout.write('values are valid\n');
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`coder-chart: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof InvalidValuesError) {
      process.stderr.write(`coder-chart: values are not valid:\n${err.problems.map(formatProblem).join('\n')}\n`);
      return 1;
    }
    if (
      err instanceof GuardError ||
      err instanceof SetSyntaxError ||
      err instanceof NeedsHelmError ||
      err instanceof OutputDirError
    ) {
      process.stderr.write(`coder-chart: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
