// Network faults on loopback, for reconnect tests: cut live TCP connections
// the way a Wi-Fi drop or a NAT timeout would, without stopping the server.
import { execFile } from 'node:child_process';

/**
 * Destroys every TCP connection to 127.0.0.1:port (`ss -K`, which needs
 * CAP_NET_ADMIN: root, or the loopback-only namespace the suite runs in).
 * Resolves with how many connections were cut.
 */
export function cutTcpConnectionsTo(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('ss', ['-K', '-tn', 'dst', '127.0.0.1', 'dport', '=', `:${port}`], { timeout: 5000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`ss -K failed (needs CAP_NET_ADMIN): ${stderr || error.message}`));
        return;
      }
      resolve(stdout.split('\n').filter((line) => /ESTAB/.test(line)).length);
    });
  });
}
