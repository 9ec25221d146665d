/**
 * One attempt of a container probe, as the kubelet makes it: httpGet (success is a status from
 * 200 to 399 within timeoutSeconds) or tcpSocket (the connection opens). Ports are numbers or the
 * names of the container's ports. exec and grpc probes are not supported by the stand-in: they
 * fail with a message saying so, which the test then shows.
 */
import { request } from 'node:http';
import { Socket } from 'node:net';
import { Obj } from '../kube';

export type Dial = (host: string, port: number) => Promise<Socket>;

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export function containerPort(container: Obj, port: unknown): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(String(port))) return Number(port);
  const named = ((container.ports ?? []) as Obj[]).find((p) => p.name === port);
  if (!named) throw new Error(`container ${String(container.name)} has no port named ${String(port)}`);
  return Number(named.containerPort);
}

/** An HTTP GET through `dial`, resolved with the status code, or rejected (timeout, refused). */
export function httpGet(
  dial: Dial,
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        headers: { 'user-agent': 'kube-probe/e2e-stand-in', ...headers },
        createConnection: (_options, callback) => {
          dial(host, port).then(
            (socket) => callback(null, socket),
            (err: Error) => callback(err, undefined as unknown as Socket),
          );
          return undefined;
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

export async function runProbe(dial: Dial, podIP: string, container: Obj, probe: Obj): Promise<ProbeResult> {
  const timeoutMs = Number(probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) {
      const get = probe.httpGet as Obj;
      if (get.scheme && get.scheme !== 'HTTP')
        return { ok: false, detail: `scheme ${String(get.scheme)} not supported` };
      const headers = Object.fromEntries(
        ((get.httpHeaders ?? []) as Obj[]).map((h) => [String(h.name), String(h.value)] as const),
      );
      const port = containerPort(container, get.port);
      const status = await httpGet(dial, podIP, port, String(get.path ?? '/'), timeoutMs, headers);
      return { ok: status >= 200 && status < 400, detail: `HTTP ${status}` };
    }
    if (probe.tcpSocket) {
      const socket = await dial(podIP, containerPort(container, (probe.tcpSocket as Obj).port));
      socket.destroy();
      return { ok: true, detail: 'connected' };
    }
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
  return { ok: false, detail: 'the kubelet stand-in runs httpGet and tcpSocket probes only' };
}
