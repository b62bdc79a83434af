// Test helper: a TCP proxy in front of a real gdbserver that answers Z2/Z3/Z4 (and z2-z4) with "" as a stub without hardware watchpoints does.
import { createServer, connect, type Server } from 'node:net';

function framed(payload: string): string {
  let sum = 0;
  for (const ch of Buffer.from(payload, 'latin1')) sum = (sum + ch) & 0xff;
  return `$${payload}#${sum.toString(16).padStart(2, '0')}`;
}

export interface Proxy {
  port: number;
  close(): void;
}

/** Listens on 127.0.0.1 and forwards one client to host:port, except the watchpoint packets. */
export function startNoWatchProxy(host: string, port: number): Promise<Proxy> {
  return new Promise((resolve) => {
    const server: Server = createServer((client) => {
      const stub = connect(port, host);
      let noAck = false;
      let pending = '';
      stub.on('data', (d) => client.write(d));
      client.on('data', (d) => {
        pending += d.toString('latin1');
        let forward = '';
        for (;;) {
          const start = pending.indexOf('$');
          if (start < 0) {
            forward += pending;
            pending = '';
            break;
          }
          const end = pending.indexOf('#', start);
          if (end < 0 || pending.length < end + 3) {
            forward += pending.slice(0, start);
            pending = pending.slice(start);
            break;
          }
          const payload = pending.slice(start + 1, end);
          const packet = pending.slice(start, end + 3);
          forward += pending.slice(0, start);
          pending = pending.slice(end + 3);
          if (/^[Zz][234],/.test(payload)) {
            client.write((noAck ? '' : '+') + framed(''));
            continue;
          }
          if (payload === 'QStartNoAckMode') noAck = true;
          forward += packet;
        }
        // In ack mode the client acknowledges our own replies: those '+' are not the stub's business,
        // and a stray '+' is harmless to gdbserver, so they are passed on.
        if (forward) stub.write(Buffer.from(forward, 'latin1'));
      });
      const end = () => {
        client.destroy();
        stub.destroy();
      };
      client.on('close', end).on('error', end);
      stub.on('close', end).on('error', end);
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : 0, close: () => server.close() });
    });
  });
}
