/**
 * A throwaway PostgreSQL cluster for one e2e run: Debian's `postgresql` server binaries, initdb
 * into a directory of the lab, run as the unprivileged `postgres` user inside the lab's host
 * namespace, listening at the lab host address (where the pods reach it) and on a Unix socket
 * (where the test process queries it). `stop` removes the cluster.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_HOST_ADDRESS, LAB_NETWORK, LabNetwork } from './lab-network';

const OS_USER = 'postgres';
export const POSTGRES_PORT = 5432;

/** The newest server under /usr/lib/postgresql (Debian's layout), or a clear error. */
function serverBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      "the real-coderd e2e tests need a PostgreSQL server: install Debian's postgresql package " +
        '(.ci/run does where it is missing)',
    );
  }
  return join(root, versions[0], 'bin');
}

function ids(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export class Postgres {
  private server?: ChildProcess;
  public readonly version: string;

  private constructor(
    bin: string,
    private readonly socketDir: string,
    private readonly logFile: string,
  ) {
    this.version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  }

  /** initdb, then the server, waiting until it accepts connections. */
  public static async start(lab: LabNetwork): Promise<Postgres> {
    const bin = serverBinDir();
    const owner = ids(OS_USER);
    const dataDir = lab.path('postgres/data');
    const socketDir = lab.path('postgres/socket');
    for (const dir of [join(dataDir, '..'), dataDir, socketDir]) chownSync(dir, owner.uid, owner.gid);
    const pg = new Postgres(bin, socketDir, join(dataDir, '..', 'server.log'));
    const asPostgres = (command: string, args: string[]) =>
      execFileSync('runuser', ['-u', OS_USER, '--', join(bin, command), ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    // Trust on the Unix socket (the test, as root, through its own directory); passwords from
    // the lab network, where the pods connect.
    asPostgres('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    appendFileSync(
      join(dataDir, 'pg_hba.conf'),
      `host all all ${LAB_NETWORK.prefix}.0.0/${LAB_NETWORK.bits} scram-sha-256\n`,
    );
    const log = openSync(pg.logFile, 'a');
    chownSync(pg.logFile, owner.uid, owner.gid);
    // A throwaway cluster: durability settings off, room for every replica's connection pool.
    pg.server = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.hostNamespace,
        // setpriv execs the server itself (runuser would stay as its parent), so that signals reach it.
        'setpriv',
        `--reuid=${owner.uid}`,
        `--regid=${owner.gid}`,
        '--clear-groups',
        join(bin, 'postgres'),
        '-D',
        dataDir,
        '-p',
        String(POSTGRES_PORT),
        '-c',
        `listen_addresses=${LAB_HOST_ADDRESS}`,
        '-c',
        `unix_socket_directories=${socketDir}`,
        '-c',
        'max_connections=300',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        pg.query('select 1');
        pg.query("create role coder login password 'coder-e2e'");
        pg.query('create database coder owner coder');
        return pg;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await pg.stop();
    throw new Error(`PostgreSQL did not start within 60 s:\n${pg.log()}`);
  }

  /** The URL the pods use (a Secret holds it, as in a real install). */
  public connectionURL(): string {
    return `postgres://coder:coder-e2e@${LAB_HOST_ADDRESS}:${POSTGRES_PORT}/coder?sslmode=disable`;
  }

  /**
   * Runs SQL in a session of its own, in the background (a lock held for a while); resolves with
   * psql's exit code when the session ends.
   */
  public background(sql: string, database = 'postgres'): Promise<number> {
    const psql = spawn(
      'psql',
      ['-h', this.socketDir, '-p', String(POSTGRES_PORT), '-U', 'postgres', '-d', database, '-XAtq', '-c', sql],
      { stdio: 'ignore' },
    );
    return new Promise((resolve) => psql.on('close', (code) => resolve(code ?? 1)));
  }

  /** Runs SQL through the Unix socket; rows as arrays of fields (tab-separated by psql). */
  public query(sql: string, database = 'postgres'): string[][] {
    const out = execFileSync(
      'psql',
      [
        '-h',
        this.socketDir,
        '-p',
        String(POSTGRES_PORT),
        '-U',
        'postgres',
        '-d',
        database,
        '-XAtq',
        '-F',
        '\t',
        '-c',
        sql,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t'));
  }

  public log(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  /** Stops the server (fast shutdown); the lab removes its files. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    server.kill('SIGINT');
    const deadline = Date.now() + 15_000;
    while (server.exitCode === null && server.signalCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
}
