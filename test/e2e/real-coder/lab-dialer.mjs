// The lab's dialer: runs inside the lab's host network namespace (`ip netns exec`), where the pod
// addresses (127.77.0.0/16 on a bridge) are reachable, and listens on a Unix socket in the file
// system, which the test process in the machine's own namespace can reach. Each client connection
// names its target in one line ("127.77.1.5:8080\n"); the dialer answers "OK\n" and then relays
// bytes both ways, or answers the connect error's code ("ECONNREFUSED\n") and closes. This is how
// the kubelet stand-in probes pods and the Service proxy reaches them, as a node's kubelet and
// kube-proxy would from the node's namespace.
import { Buffer } from 'node:buffer';
import { createConnection, createServer } from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';

const [socketPath] = process.argv.slice(2);
const CONNECT_TIMEOUT_MS = 3000;

const server = createServer((client) => {
  let header = '';
  const onData = (chunk) => {
    header += chunk.toString('latin1');
    const newline = header.indexOf('\n');
    if (newline < 0) {
      if (header.length > 64) client.destroy();
      return;
    }
    client.off('data', onData);
    client.pause();
    const [host, port] = header.slice(0, newline).split(':');
    const rest = Buffer.from(header.slice(newline + 1), 'latin1');
    const target = createConnection({ host, port: Number(port) });
    const timer = setTimeout(
      () => target.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      CONNECT_TIMEOUT_MS,
    );
    let connected = false;
    target.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      client.write('OK\n');
      if (rest.length > 0) target.write(rest);
      client.pipe(target);
      target.pipe(client);
      client.resume();
    });
    target.on('error', (err) => {
      clearTimeout(timer);
      if (connected) client.destroy();
      else client.end(`${err.code ?? 'EIO'}\n`);
    });
    client.on('error', () => target.destroy());
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  };
  client.on('data', onData);
  client.on('error', () => {});
});
server.listen(socketPath, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
