/**
 * Requests to the e2e API server with the admin certificate: what the kubelet stand-in writes
 * (pod status, the final pod deletion) and reads (Secrets and ConfigMaps named by env), without a
 * kubectl process per call.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { Obj } from '../kube';

export interface ApiCredentials {
  readonly port: number;
  readonly dir: string;
}

export class ApiStatusError extends Error {
  public constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ApiClient {
  private readonly tls: { ca: Buffer; cert: Buffer; key: Buffer };

  public constructor(private readonly credentials: ApiCredentials) {
    const dir = credentials.dir;
    this.tls = {
      ca: readFileSync(join(dir, 'ca.crt')),
      cert: readFileSync(join(dir, 'admin.crt')),
      key: readFileSync(join(dir, 'admin.key')),
    };
  }

  public call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Obj> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.credentials.port,
          path,
          method,
          ...this.tls,
          timeout: 10_000,
          headers: payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text ? (JSON.parse(text) as Obj) : {});
            else reject(new ApiStatusError(status, `${method} ${path}: ${status} ${text.slice(0, 500)}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  public get(path: string): Promise<Obj> {
    return this.call('GET', path);
  }

  public mergePatch(path: string, patch: unknown): Promise<Obj> {
    return this.call('PATCH', path, patch, 'application/merge-patch+json');
  }
}
