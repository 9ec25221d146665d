/**
 * `coder-chart render --output-dir DIR`: one file per object, numbered in `helm template`'s
 * order, plus a kustomization.yaml listing them, for kustomize and `kubectl apply -k`. The
 * `helm test` Pod goes to DIR/tests/ instead: `kubectl apply -f DIR/tests/` once coderd is up.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest } from './backends/concrete';
import { isHook } from './backends/helm-order';
import { plainYaml } from './backends/template';
import { isMap } from './expr/go-semantics';

export class OutputDirError extends Error {}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');

export function objectFileName(manifest: Manifest, index: number): string {
  const metadata = isMap(manifest.metadata) ? manifest.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? `.${slug(metadata.namespace)}` : '';
  return `${String(index).padStart(2, '0')}-${slug(String(manifest.kind))}-${slug(String(metadata.name))}${namespace}.yaml`;
}

/** Writes the files and returns the kustomization's resources; refuses a non-empty directory. */
export function writeOutputDir(dir: string, manifests: readonly Manifest[]): string[] {
  try {
    return writeFiles(dir, manifests);
  } catch (err) {
    if (err instanceof OutputDirError) throw err;
    // A file where the directory should be, no permission, a full disk: say where and why.
    throw new OutputDirError(`cannot write into ${dir}: ${(err as Error).message}`);
  }
}

function writeFiles(dir: string, manifests: readonly Manifest[]): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new OutputDirError(`${dir} is not empty: give a new or empty directory (nothing was written)`);
  }
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  manifests.forEach((manifest, index) => {
    // `helm test` hooks are not part of the install: they go to tests/, to apply after a rollout.
    const hook = isHook(manifest);
    const file = `${hook ? 'tests/' : ''}${objectFileName(manifest, index)}`;
    if (hook) mkdirSync(join(dir, 'tests'), { recursive: true });
    writeFileSync(join(dir, file), plainYaml(manifest));
    if (!hook) files.push(file);
  });
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files,
  };
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `# Written by coder-chart render --output-dir.\n${plainYaml(kustomization)}`,
  );
  return files;
}
