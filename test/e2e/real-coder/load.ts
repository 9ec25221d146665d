/**
 * A steady, bounded stream of authenticated Coder API requests through the Service, as signed-in
 * users make them: reads (the signed-in user, the build info) and writes (an API token created,
 * then deleted). Every request that fails (a connection error, a timeout, or an answer that is
 * not the one a healthy Coder gives) is recorded with its time. It stops by itself after
 * `maxSeconds` or `maxRequests`, whichever comes first.
 */
import { randomBytes } from 'node:crypto';
import { CoderClient } from './coder-api';

export interface Failure {
  /** Milliseconds since the load started. */
  readonly at: number;
  readonly request: string;
  readonly outcome: string;
}

export interface LoadReport {
  readonly sent: number;
  readonly failures: readonly Failure[];
  /** The longest run of consecutive failed requests, in milliseconds from first to last. */
  readonly longestOutageMs: number;
}

export interface LoadOptions {
  readonly ratePerSecond: number;
  readonly maxSeconds: number;
  readonly maxRequests: number;
}

export class LoadGenerator {
  private sent = 0;
  private readonly failures: Failure[] = [];
  private readonly outcomes: { at: number; ok: boolean }[] = [];
  private stopping = false;
  private running?: Promise<void>;
  private started = 0;
  private tokenCounter = 0;
  private readonly id = randomBytes(4).toString('hex');

  public constructor(
    private readonly client: CoderClient,
    private readonly options: LoadOptions,
  ) {}

  public start(): void {
    this.started = Date.now();
    this.running = this.loop();
  }

  public now(): number {
    return Date.now() - this.started;
  }

  private async loop(): Promise<void> {
    const interval = 1000 / this.options.ratePerSecond;
    const inFlight = new Set<Promise<void>>();
    const end = this.started + this.options.maxSeconds * 1000;
    let next = Date.now();
    while (!this.stopping && Date.now() < end && this.sent < this.options.maxRequests) {
      const one = this.one(this.sent++).finally(() => inFlight.delete(one));
      inFlight.add(one);
      next += interval;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    await Promise.all(inFlight);
  }

  /** Every fifth request writes: a token is created, then deleted; the others read. */
  private async one(n: number): Promise<void> {
    if (n % 5 === 4) {
      // Unique across generators: every disruption of a scenario has a generator of its own.
      const name = `load-${this.id}-${++this.tokenCounter}`;
      const created = await this.attempt('create token', 'POST', '/api/v2/users/me/keys/tokens', [201], {
        token_name: name,
        lifetime: 3600 * 1e9,
      });
      if (!created) return;
      // A token is "<key id>-<secret>"; it is deleted by its id.
      const id = (created.json() as { key: string }).key.split('-')[0];
      await this.attempt('delete token', 'DELETE', `/api/v2/users/me/keys/${id}`, [204]);
      return;
    }
    const path = n % 2 === 0 ? '/api/v2/users/me' : '/api/v2/buildinfo';
    await this.attempt(`GET ${path}`, 'GET', path, [200]);
  }

  private async attempt(what: string, method: string, path: string, ok: number[], body?: unknown) {
    const at = this.now();
    let outcome: string;
    try {
      const res = await this.client.send(method, path, body);
      if (ok.includes(res.status)) {
        this.outcomes.push({ at, ok: true });
        return res;
      }
      outcome = `${res.status} ${res.body.slice(0, 160)}`;
    } catch (err) {
      outcome = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    this.failures.push({ at, request: what, outcome });
    this.outcomes.push({ at, ok: false });
    return undefined;
  }

  /** Stops sending, waits for the requests in flight, and reports. */
  public async stop(): Promise<LoadReport> {
    this.stopping = true;
    await this.running;
    return this.report();
  }

  /** Waits until the load ended by itself (its time or count), and reports. */
  public async finished(): Promise<LoadReport> {
    await this.running;
    return this.report();
  }

  private report(): LoadReport {
    const sorted = [...this.outcomes].sort((a, b) => a.at - b.at);
    let longest = 0;
    let runStart: number | undefined;
    for (const outcome of sorted) {
      if (!outcome.ok) {
        runStart ??= outcome.at;
        longest = Math.max(longest, outcome.at - runStart);
      } else runStart = undefined;
    }
    return { sent: this.sent, failures: this.failures, longestOutageMs: longest };
  }
}
