/**
 * Watches of live objects through the API server's watch protocol (a list, then every change
 * after its resourceVersion), so that a scenario sees every state the cluster went through, not
 * samples of it.
 */
import { readFileSync } from 'node:fs';
import { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { Obj } from './kube';

export interface Change {
  /** Milliseconds since the watch started. */
  readonly at: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED';
  readonly object: Obj;
}

interface Credentials {
  readonly port: number;
  readonly dir: string;
}

const meta = (o: Obj): Obj => (o.metadata ?? {}) as Obj;
/** A watch resumed more often than this in one scenario is broken, not merely timed out. */
const MAX_RESUMES = 20;

/** Every object of one collection (`/api/v1/namespaces/x/pods?labelSelector=…`), kept current. */
export class ObjectWatch {
  public readonly objects = new Map<string, Obj>();
  public readonly changes: Change[] = [];
  private readonly listeners: ((change: Change) => void)[] = [];
  private readonly started = Date.now();
  private req?: ClientRequest;
  private stopped = false;
  private failure?: Error;
  private lastResourceVersion = '';
  private resumes = 0;
  /** Which watch request is current: only its end resumes the watch. */
  private requestNumber = 0;

  private constructor(
    private readonly credentials: Credentials,
    private readonly path: string,
  ) {}

  /** Lists the collection, then follows it until `stop`. */
  public static async start(credentials: Credentials, path: string): Promise<ObjectWatch> {
    const watch = new ObjectWatch(credentials, path);
    const list = JSON.parse(await watch.get(path)) as Obj;
    for (const item of (list.items ?? []) as Obj[]) watch.record('LISTED', item);
    watch.lastResourceVersion = String(meta(list).resourceVersion);
    watch.follow(watch.lastResourceVersion);
    return watch;
  }

  public now(): number {
    return Date.now() - this.started;
  }

  /** Called on every change from now on, after the objects are updated. */
  public onChange(listener: (change: Change) => void): void {
    this.listeners.push(listener);
  }

  /** Throws if the watch broke: a scenario must not pass on a watch that stopped seeing. */
  public check(): void {
    if (this.failure) throw this.failure;
  }

  public stop(): void {
    this.stopped = true;
    this.req?.destroy();
  }

  private tls() {
    const dir = this.credentials.dir;
    return {
      host: '127.0.0.1',
      port: this.credentials.port,
      ca: readFileSync(join(dir, 'ca.crt')),
      cert: readFileSync(join(dir, 'admin.crt')),
      key: readFileSync(join(dir, 'admin.key')),
    };
  }

  private get(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ ...this.tls(), path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
          else resolve(body);
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  private follow(resourceVersion: string): void {
    const separator = this.path.includes('?') ? '&' : '?';
    const path = `${this.path}${separator}watch=1&allowWatchBookmarks=false&resourceVersion=${resourceVersion}`;
    const current = ++this.requestNumber;
    this.req = request({ ...this.tls(), path }, (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim() === '') continue;
          const event = JSON.parse(line) as { type: string; object: Obj };
          if (event.type === 'ERROR') {
            if (event.object.code === 410) {
              // Too old to follow from: end this request and list again.
              this.lastResourceVersion = '';
              this.requestNumber++;
              this.req?.destroy();
              if (!this.stopped) this.resume('');
              return;
            }
            this.failure = new Error(`watch of ${this.path} failed: ${JSON.stringify(event.object)}`);
            continue;
          }
          this.record(event.type as Change['type'], event.object);
        }
      });
      res.on('end', () => {
        if (!this.stopped && current === this.requestNumber) this.resume(this.lastResourceVersion);
      });
    });
    this.req.on('error', (err) => {
      if (!this.stopped && current === this.requestNumber) this.failure ??= err;
    });
    this.req.end();
  }

  /**
   * The API server ends every watch after a while (--min-request-timeout): follow again from the
   * last version seen, or list again when that version is too old (410 Gone), recording what
   * changed meanwhile. A watch that keeps ending fails the scenario instead of seeing nothing.
   */
  private resume(resourceVersion: string): void {
    this.resumes++;
    if (this.resumes > MAX_RESUMES) {
      this.failure ??= new Error(`watch of ${this.path} ended ${this.resumes} times`);
      return;
    }
    if (resourceVersion) {
      this.follow(resourceVersion);
      return;
    }
    this.get(this.path).then(
      (body) => {
        const list = JSON.parse(body) as Obj;
        const items = (list.items ?? []) as Obj[];
        const present = new Set(items.map((item) => this.keyOf(item)));
        for (const [key, object] of [...this.objects]) if (!present.has(key)) this.record('DELETED', object);
        for (const item of items) this.record('MODIFIED', item);
        this.follow(String(meta(list).resourceVersion));
      },
      (err: Error) => {
        if (!this.stopped) this.failure ??= err;
      },
    );
  }

  /** How many times the watch was resumed after the API server ended it. */
  public get resumed(): number {
    return this.resumes;
  }

  /** Objects are keyed by name, or by namespace/name for a watch across namespaces. */
  private keyOf(object: Obj): string {
    const name = String(meta(object).name);
    return this.path.includes('/namespaces/') ? name : `${String(meta(object).namespace ?? '')}/${name}`;
  }

  private record(type: Change['type'], object: Obj): void {
    const key = this.keyOf(object);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, object);
    if (meta(object).resourceVersion) this.lastResourceVersion = String(meta(object).resourceVersion);
    const change = { at: this.now(), type, object };
    this.changes.push(change);
    for (const listener of this.listeners) listener(change);
  }
}

// ---- Pods -------------------------------------------------------------------------------------

const conditionTrue = (pod: Obj, type: string): boolean =>
  (((pod.status ?? {}) as Obj).conditions as Obj[] | undefined)?.some((c) => c.type === type && c.status === 'True') ??
  false;

export const isReady = (pod: Obj): boolean => !meta(pod).deletionTimestamp && conditionTrue(pod, 'Ready');
export const isDeleting = (pod: Obj): boolean => Boolean(meta(pod).deletionTimestamp);
export const nodeOf = (pod: Obj): string => String(((pod.spec ?? {}) as Obj).nodeName ?? '');
export const imageOf = (pod: Obj): string =>
  String((((pod.spec as Obj).containers as Obj[]).find((c) => c.name === 'coder') ?? {}).image);

/** The state of the coderd pods after one change. */
export interface PodState {
  readonly at: number;
  readonly ready: number;
  /** Ready pods per image. */
  readonly readyByImage: Record<string, number>;
  /** Pods not being deleted, per image (running or starting). */
  readonly liveByImage: Record<string, number>;
  /** Pods not being deleted and not Ready, per image. */
  readonly startingByImage: Record<string, number>;
  /** Pods whose containers run but are not Ready yet (coderd migrating, starting), per image. */
  readonly migratingByImage: Record<string, number>;
}

/** The coderd pods of a namespace, with their state after every change. */
export class PodWatch {
  public readonly states: PodState[] = [];

  private constructor(public readonly watch: ObjectWatch) {
    this.states.push(this.state(watch.now()));
    watch.onChange((change) => this.states.push(this.state(change.at)));
  }

  public static async start(credentials: Credentials, namespace: string, selector: string): Promise<PodWatch> {
    const path = `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`;
    return new PodWatch(await ObjectWatch.start(credentials, path));
  }

  public pods(): Obj[] {
    return [...this.watch.objects.values()];
  }

  public current(): PodState {
    return this.state(this.watch.now());
  }

  /** The states from `since` (a `watch.now()` reading) on. */
  public statesSince(since: number): PodState[] {
    return this.states.filter((s) => s.at >= since);
  }

  private state(at: number): PodState {
    const readyByImage: Record<string, number> = {};
    const liveByImage: Record<string, number> = {};
    const startingByImage: Record<string, number> = {};
    const migratingByImage: Record<string, number> = {};
    const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
    let ready = 0;
    for (const pod of this.watch.objects.values()) {
      if (isDeleting(pod)) continue;
      const image = imageOf(pod);
      bump(liveByImage, image);
      if (isReady(pod)) {
        ready++;
        bump(readyByImage, image);
      } else {
        bump(startingByImage, image);
        if (((pod.status ?? {}) as Obj).phase === 'Running') bump(migratingByImage, image);
      }
    }
    return { at, ready, readyByImage, liveByImage, startingByImage, migratingByImage };
  }
}
