/**
 * The fixed value sets of Kubernetes fields (image pull policy, Service type, protocol …), read
 * from the Go source of the k8s.io/api and k8s.io/apimachinery modules of one Kubernetes release.
 * The JavaScript client's models and the OpenAPI documents in k8s.io/kubernetes name those values
 * only in descriptions; the Go source marks each closed string type with `+enum` and declares its
 * values as typed constants. A field gets an enum when its Go type is such a type (or a pointer to
 * or list of one). Keys are `<client model>.<JSON field>`, the client model being the package's
 * version (`V1`, `V2`) + the Go struct name, as @kubernetes/client-node names them.
 *
 * Development tooling: it needs Go and the module proxy (`go mod download`), and writes
 * schema/kubernetes.enums.json (`npm run kubernetes-enums`), which the build then reads.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBERNETES_ENUMS_FILE } from '../../src/paths';

/** Kubernetes release → the k8s.io/api and k8s.io/apimachinery module version of it. */
export const ENUM_RELEASES: Readonly<Record<string, string>> = {
  '1.28': 'v0.28.15',
  '1.36': 'v0.36.3',
};

/** The API packages whose types the chart's values and objects use, in lookup order. */
const PACKAGES: readonly { readonly module: 'api' | 'apimachinery'; readonly dir: string }[] = [
  { module: 'api', dir: 'core/v1' },
  { module: 'api', dir: 'apps/v1' },
  { module: 'api', dir: 'autoscaling/v2' },
  { module: 'api', dir: 'networking/v1' },
  { module: 'api', dir: 'policy/v1' },
  { module: 'api', dir: 'rbac/v1' },
  { module: 'apimachinery', dir: 'pkg/apis/meta/v1' },
];

/**
 * Closed string types that lack the `+enum` marker (so the served OpenAPI has no enum for them
 * either) but whose values the API server's validation checks all the same: label selector
 * operators, a container's restart policy (only "Always" in 1.28), resize restart policies, the
 * pod OS name, and the autoscaling/v2 metric, target and scaling-policy types.
 */
const UNMARKED_ENUMS: readonly string[] = [
  'LabelSelectorOperator',
  'ContainerRestartPolicy',
  'ResourceResizeRestartPolicy',
  'OSName',
  'MetricSourceType',
  'MetricTargetType',
  'HPAScalingPolicyType',
  'ScalingPolicySelect',
];

/** Where `go mod download` put a module version (downloading it when needed). */
export function moduleDir(module: string, version: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
    encoding: 'utf8',
    // Outside any Go module, so that no go.mod is read or written.
    cwd: '/',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no directory'}`);
  return info.Dir;
}

interface GoPackage {
  /** Struct name → its fields: JSON name and Go type, and the structs it inlines. */
  readonly structs: Map<string, { fields: { json: string; type: string }[]; inlined: string[] }>;
  /** Closed type name → its values. */
  readonly enums: Map<string, string[]>;
}

/** The Go source of a package (generated and test files left out). */
function packageSource(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && !f.includes('.pb.'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

export function parseGoPackage(source: string): GoPackage {
  const closed = new Set(UNMARKED_ENUMS);
  for (const m of source.matchAll(/^\/\/ \+enum\s*\n(?:\/\/.*\n)*type (\w+) string$/gm)) closed.add(m[1]);
  const enums = new Map<string, string[]>();
  // Typed constants, in a `const (…)` block or on their own line, declared either way:
  // `PullAlways PullPolicy = "Always"` or `PathTypeExact = PathType("Exact")`.
  const constants = /^\s*(?:const\s+)?\w+\s+(\w+)\s*=\s*"([^"]*)"|^\s*(?:const\s+)?\w+\s*=\s*(\w+)\("([^"]*)"\)/gm;
  for (const m of source.matchAll(constants)) {
    const type = m[1] ?? m[3];
    const value = m[2] ?? m[4];
    if (!closed.has(type)) continue;
    const values = enums.get(type) ?? [];
    if (!values.includes(value)) values.push(value);
    enums.set(type, values);
  }
  const structs: GoPackage['structs'] = new Map();
  for (const m of source.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields: { json: string; type: string }[] = [];
    const inlined: string[] = [];
    for (const line of m[2].split('\n')) {
      const field = /^\s+(\w+)\s+([^\s`]+)\s+`json:"([^"]*)"/.exec(line);
      const embedded = /^\s+(\w+)\s+`json:",inline"/.exec(line);
      if (embedded) inlined.push(embedded[1]);
      else if (field) {
        const json = field[3].split(',')[0];
        if (json && json !== '-') fields.push({ json, type: field[2] });
      }
    }
    structs.set(m[1], { fields, inlined });
  }
  return { structs, enums };
}

/** The closed type a Go field type names: `T`, `*T` or `[]T` (a list gets the enum on its items). */
const baseType = (type: string): string => type.replace(/^(\[\]|\*)+/, '').replace(/^\w+\./, '');

/**
 * `<model>.<field>` → the values Kubernetes accepts, for one release. Where two packages of one
 * version declare a struct of the same name, the first in PACKAGES wins (as the client's does).
 */
export function releaseEnums(dirs: { api: string; apimachinery: string }): Record<string, string[]> {
  const packages = PACKAGES.map((p) => ({
    ...parseGoPackage(packageSource(join(dirs[p.module], p.dir))),
    // The client's model prefix: the package's version, capitalised (core/v1 → V1).
    prefix: (p.dir.split('/').pop() as string).toUpperCase(),
  }));
  const enumValues = (type: string): string[] | undefined => {
    for (const pkg of packages) {
      const values = pkg.enums.get(type);
      if (values) return values;
    }
    return undefined;
  };
  const out: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const pkg of packages) {
    for (const [name, struct] of pkg.structs) {
      const model = `${pkg.prefix}${name}`;
      if (seen.has(model)) continue;
      seen.add(model);
      const fieldsOf = (structName: string): { json: string; type: string }[] => {
        const s = packages.map((p) => p.structs.get(structName)).find(Boolean);
        return s ? [...s.fields, ...s.inlined.flatMap(fieldsOf)] : [];
      };
      for (const field of [...struct.fields, ...struct.inlined.flatMap(fieldsOf)]) {
        const values = enumValues(baseType(field.type));
        if (values) out[`${model}.${field.json}`] = [...values].sort();
      }
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** schema/kubernetes.enums.json: per release, every closed field of the packages above. */
export function kubernetesEnumsDocument(): object {
  const releases: Record<string, Record<string, string[]>> = {};
  for (const [release, version] of Object.entries(ENUM_RELEASES)) {
    releases[release] = releaseEnums({
      api: moduleDir('k8s.io/api', version),
      apimachinery: moduleDir('k8s.io/apimachinery', version),
    });
  }
  const versions = Object.entries(ENUM_RELEASES)
    .map(([release, version]) => `${release} (${version})`)
    .join(' and ');
  return {
    $comment: `Generated by \`npm run kubernetes-enums\` from the Go source of k8s.io/api and k8s.io/apimachinery for Kubernetes ${versions}; do not edit.`,
    releases,
  };
}

/** Writes schema/kubernetes.enums.json (needs Go and the module proxy). */
export function writeKubernetesEnums(): void {
  writeFileSync(KUBERNETES_ENUMS_FILE, `${JSON.stringify(kubernetesEnumsDocument(), null, 2)}\n`);
}

if (require.main === module) {
  writeKubernetesEnums();
  process.stdout.write(`wrote ${KUBERNETES_ENUMS_FILE}\n`);
}
