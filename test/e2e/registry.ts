/**
 * A real OCI registry for the e2e suite: the CNCF Distribution project's registry
 * (github.com/distribution/distribution/v3, pinned by test/registry/go.mod), built from the module
 * proxy like the control plane, cached under .cache/, and run on loopback with filesystem storage.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './control-plane';
import { PACKAGE_ROOT } from './paths';

const MODULE_DIR = join(PACKAGE_ROOT, 'test', 'registry');
const MODULE = 'github.com/distribution/distribution/v3';

export function registryVersion(): string {
  const version = /github\.com\/distribution\/distribution\/v3 (v\S+)/.exec(
    readFileSync(join(MODULE_DIR, 'go.mod'), 'utf8'),
  )?.[1];
  if (!version) throw new Error(`test/registry/go.mod does not require ${MODULE}`);
  return version;
}

/** The registry binary, built on first use. */
export function registryBinary(): string {
  const binary = join(PACKAGE_ROOT, '.cache', 'registry', registryVersion(), 'registry');
  if (!existsSync(binary)) {
    const partial = `${binary}.partial`;
    mkdirSync(join(binary, '..'), { recursive: true });
    execFileSync('go', ['build', '-trimpath', '-o', partial, `${MODULE}/cmd/registry`], {
      cwd: MODULE_DIR,
      stdio: 'inherit',
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
    });
    renameSync(partial, binary);
  }
  return binary;
}

export class Registry {
  private constructor(
    /** host:port, as `oci://` references and `--plain-http` take it. */
    public readonly host: string,
    private readonly process: ChildProcess,
    private readonly dir: string,
    private readonly log: () => string,
  ) {}

  public static async start(): Promise<Registry> {
    const binary = registryBinary();
    const dir = mkdtempSync(join(tmpdir(), 'coder-registry-'));
    const port = await freePort();
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(dir, 'data')}`,
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const registry = new Registry(`127.0.0.1:${port}`, child, dir, () => output);
    await registry.waitUntilServing();
    return registry;
  }

  /** The registry answers the OCI distribution API's base endpoint with 200 once it serves. */
  private async waitUntilServing(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`the registry exited:\n${this.log()}`);
      const status = await fetch(`http://${this.host}/v2/`).then(
        (response) => response.status,
        () => 0, // not listening yet
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`the registry did not serve within 30 s:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The tags the registry holds for a repository (the OCI distribution API's tag list). */
  public async tags(repository: string): Promise<string[]> {
    const response = await fetch(`http://${this.host}/v2/${repository}/tags/list`);
    return (((await response.json()) as { tags?: string[] }).tags ?? []).sort();
  }

  public async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
