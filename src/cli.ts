#!/usr/bin/env node
/** The `coder-chart` command line. */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { GuardError } from './backends/concrete';
import { writeKubernetesDefinitions } from './build/schema-files';
import { writeChart } from './build/write-chart';
import { isMap } from './expr/go-semantics';
import { CHART_DIR } from './paths';
import { manifestsToYaml, renderManifests, ValueMap } from './render';
import { InvalidValuesError } from './values/validate';

const USAGE = `coder-chart: the Coder HA chart, for Helm and for everyone else

Commands:
  build                       Write the Helm chart into charts/coder from the TypeScript sources.
                              Example: coder-chart build
  render [options]            Print the manifests the chart renders (same objects as helm template).
    -f, --values FILE         A values file; repeat to layer several (later files win).
    --release NAME            Release name (default: release-name).
    --namespace NS            Namespace (default: default).
                              Example: coder-chart render --release coder --namespace coder -f ha.yaml
  help                        Show this text.
`;

class UsageError extends Error {}

function readValuesFile(path: string): ValueMap {
  let parsed: unknown;
  try {
    parsed = load(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read values file ${path}: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new UsageError(`values file ${path} must hold a YAML map at the top`);
  return parsed;
}

interface RenderArgs {
  files: string[];
  release?: string;
  namespace?: string;
}

function parseRenderArgs(args: string[]): RenderArgs {
  const out: RenderArgs = { files: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = (): string => {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      return value;
    };
    if (arg === '-f' || arg === '--values') out.files.push(next());
    else if (arg === '--release') out.release = next();
    else if (arg === '--namespace' || arg === '-n') out.namespace = next();
    else throw new UsageError(`unknown option ${arg}`);
  }
  return out;
}

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'build': {
        writeKubernetesDefinitions();
        const files = writeChart(CHART_DIR);
        process.stdout.write(`built ${files.length} files into ${CHART_DIR}\n`);
        return 0;
      }
      case 'render': {
        const args = parseRenderArgs(rest);
        const manifests = renderManifests(args.files.map(readValuesFile), {
          releaseName: args.release,
          namespace: args.namespace,
        });
        process.stdout.write(manifestsToYaml(manifests));
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
    if (err instanceof InvalidValuesError || err instanceof GuardError) {
      process.stderr.write(`coder-chart: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
