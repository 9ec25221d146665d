/**
 * The Coder REST API as a user reaches it: through the Service (service-proxy.ts), one
 * connection per request, so that every request is routed afresh as a new browser or CLI
 * connection would be.
 */
import { request } from 'node:http';

export interface CoderResponse {
  readonly status: number;
  readonly body: string;
  readonly json: () => unknown;
}

export class CoderClient {
  public sessionToken = '';

  public constructor(
    private readonly port: number,
    private readonly timeoutMs = 10_000,
  ) {}

  public send(method: string, path: string, body?: unknown): Promise<CoderResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method,
          agent: false,
          headers: {
            accept: 'application/json',
            ...(this.sessionToken ? { 'Coder-Session-Token': this.sessionToken } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) as unknown });
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  /** Sends until coderd answers `want` (it may still be starting); returns that response. */
  public async sendUntil(method: string, path: string, body: unknown, want: number, seconds: number) {
    const deadline = Date.now() + seconds * 1000;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const res = await this.send(method, path, body);
        if (res.status === want) return res;
        last = `${res.status} ${res.body.slice(0, 300)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${method} ${path} did not answer ${want} within ${seconds} s (last: ${last})`);
  }

  /** The first user (the owner), then a session as that user. */
  public async createFirstUser(email: string, username: string, password: string): Promise<void> {
    await this.sendUntil('POST', '/api/v2/users/first', { email, username, password, name: username }, 201, 120);
    await this.login(email, password);
  }

  public async login(email: string, password: string): Promise<void> {
    const res = await this.sendUntil('POST', '/api/v2/users/login', { email, password }, 201, 60);
    this.sessionToken = (res.json() as { session_token: string }).session_token;
  }
}
