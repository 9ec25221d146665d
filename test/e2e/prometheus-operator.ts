/**
 * The Prometheus Operator's CRDs for the e2e control plane, generated from the operator's API
 * types (the Go module github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring) by
 * controller-gen, as the operator's own build generates them. Both are pinned by
 * test/prometheus-operator/go.mod; the CRDs are cached per version under .cache/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';

const MODULE_DIR = join(PACKAGE_ROOT, 'test', 'prometheus-operator');
const API_PACKAGE = 'github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring';

/** The pinned version of the operator's API module, from go.mod. */
export function operatorApiVersion(): string {
  const goMod = readFileSync(join(MODULE_DIR, 'go.mod'), 'utf8');
  const version = new RegExp(`${API_PACKAGE.replace(/[./]/g, '\\$&')} (v\\S+)`).exec(goMod)?.[1];
  if (!version) throw new Error(`test/prometheus-operator/go.mod does not require ${API_PACKAGE}`);
  return version;
}

/** Path of the generated CRD of `plural` (servicemonitors, podmonitors …), generating them if needed. */
export function prometheusOperatorCRD(plural: string): string {
  const dir = join(PACKAGE_ROOT, '.cache', 'prometheus-operator', operatorApiVersion(), 'crds');
  if (!existsSync(dir)) {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    execFileSync(
      'go',
      [
        'run',
        'sigs.k8s.io/controller-tools/cmd/controller-gen',
        'crd:crdVersions=v1',
        `paths=${API_PACKAGE}/v1`,
        `output:crd:dir=${partial}`,
      ],
      { cwd: MODULE_DIR, stdio: 'inherit', env: { ...process.env, GOFLAGS: '-mod=readonly' } },
    );
    renameSync(partial, dir);
  }
  const file = join(dir, `monitoring.coreos.com_${plural}.yaml`);
  if (!existsSync(file)) throw new Error(`controller-gen made no CRD for ${plural} in ${dir}`);
  return file;
}
