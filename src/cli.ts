#!/usr/bin/env node
/** The `coder-chart` command line. */
import { readFileSync } from 'node:fs';
import { GuardError, NeedsHelmError } from './backends/concrete';
import { OutputDirError, writeOutputDir } from './output-dir';
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
  help        Show this text.

Values options (render, validate), applied as Helm applies them:
  -f, --values FILE        A values file; repeat to layer several (later files win, null deletes).
  --set a.b=c              Set values on the command line, typed as Helm types them (a=3 integer,
                           a=true boolean, a=null deletes, a[0].b=c, a={x,y}, \\, and \\. escape).
  --set-string a.b=c       The same, keeping every value a string. All --set come before all
                           --set-string, whatever their order on the line (as in Helm).
Release options (render, validate; guards and names depend on them):
  --release NAME           Release name (default: release-name), checked as Helm checks it.
  -n, --namespace NS       Namespace (default: default), a Kubernetes namespace name.
Render options:
  --output-dir DIR         Write one file per object and a kustomization.yaml into DIR (new or
                           empty) instead of printing; then: kubectl apply -k DIR
                             coder-chart render --release coder -n coder -f ha.yaml --output-dir out/

Exit status:
  0  done (render printed or wrote the manifests; validate found the values valid)
  1  the values are refused by the schema or a chart rule (nothing is printed on stdout)
  2  a usage error: an unknown command or option, a malformed --set, a bad release or namespace
  3  an input or output error: a values file that cannot be read or parsed, an --output-dir
     that is not empty or cannot be written
`;

const USAGE_HINT = 'Run `coder-chart --help` for the commands and options.\n';

/** The command line itself is wrong: exit 2, with one line saying where the usage text is. */
class UsageError extends Error {}
/** A file to read or a directory to write is not usable: exit 3, without the usage text. */
class InputOutputError extends Error {}

/** Helm's release name rule (chartutil.ValidateReleaseName): a DNS subdomain of at most 53. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RELEASE_NAME_MAX = 53;
/** A Kubernetes namespace name: a DNS label of at most 63. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_NAME_MAX = 63;

function checkReleaseName(name: string): string {
  if (!RELEASE_NAME.test(name) || name.length > RELEASE_NAME_MAX) {
    throw new UsageError(
      `invalid release name ${JSON.stringify(name)}: as in Helm it must match ${RELEASE_NAME.source} ` +
        `and be at most ${RELEASE_NAME_MAX} characters (lower-case letters, digits, '-' and '.')`,
    );
  }
  return name;
}

function checkNamespace(name: string): string {
  if (!NAMESPACE_NAME.test(name) || name.length > NAMESPACE_NAME_MAX) {
    throw new UsageError(
      `invalid namespace ${JSON.stringify(name)}: a Kubernetes namespace is at most ${NAMESPACE_NAME_MAX} ` +
        `lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

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
    throw new InputOutputError(`cannot read values file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseValuesYaml(text, path);
  } catch (err) {
    throw new InputOutputError((err as Error).message);
  }
}

function parseOptions(args: string[], allowOutputDir: boolean): Options {
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
    else if (flag === '--release') options.release = checkReleaseName(value());
    else if (flag === '-n' || flag === '--namespace') options.namespace = checkNamespace(value());
    else if (allowOutputDir && flag === '--output-dir') options.outputDir = value();
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
      case 'render': {
        const options = parseOptions(rest, true);
        const manifests = renderManifests([userValues(options)], {
          releaseName: options.release,
          namespace: options.namespace,
          // kubectl apply (or kustomize) applies these, not Helm.
          managedBy: 'coder-chart',
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
        checkGuards(resolveValues([userValues(options)]), {
          releaseName: options.release,
          namespace: options.namespace,
        });
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
    if (err instanceof UsageError || err instanceof SetSyntaxError) {
      // The one line that matters, and where the rest is: not 35 lines of help after it.
      process.stderr.write(`coder-chart: ${err.message}\n${USAGE_HINT}`);
      return 2;
    }
    if (err instanceof InvalidValuesError) {
      process.stderr.write(`coder-chart: values are not valid:\n${err.problems.map(formatProblem).join('\n')}\n`);
      return 1;
    }
    if (err instanceof GuardError || err instanceof NeedsHelmError) {
      process.stderr.write(`coder-chart: ${err.message}\n`);
      return 1;
    }
    if (err instanceof InputOutputError || err instanceof OutputDirError) {
      process.stderr.write(`coder-chart: ${err.message}\n`);
      return 3;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
