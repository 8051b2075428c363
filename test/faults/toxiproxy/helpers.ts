// Why: the toxiproxy tests need small real TCP peers on 127.0.0.1:0 — an echo server and a
// server that sends a fixed payload — that close every socket they opened in `after`.
import net from 'node:net';
import { once } from 'node:events';

export interface TestServer {
  address: string;
  close(): Promise<void>;
}

export async function startTcpServer(onConnection: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Echoes every byte back. */
export const startEchoServer = (): Promise<TestServer> => startTcpServer((s) => s.pipe(s));

/** Sends `payload` to each client, then ends. */
export const startPayloadServer = (payload: Buffer): Promise<TestServer> => startTcpServer((s) => s.end(payload));

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Connects to "host:port" and tracks the socket so `destroyAll` can clean up. */
export class Clients {
  private readonly sockets = new Set<net.Socket>();

  async connect(address: string): Promise<net.Socket> {
    const socket = net.connect(splitAddress(address));
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    await once(socket, 'connect');
    return socket;
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }
}

/** Reads until the socket ends; resolves with the bytes, each 'data' chunk's size, and how it ended. */
export function readAll(socket: net.Socket): Promise<{ data: Buffer; chunks: number[]; error: NodeJS.ErrnoException | null }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: NodeJS.ErrnoException | null = null;
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('error', (err) => (error = err));
    socket.on('close', () => resolve({ data: Buffer.concat(parts), chunks: parts.map((p) => p.length), error }));
  });
}

/** Round-trip time of `message` through an echo path, in ms. */
export async function roundTrip(socket: net.Socket, message = 'ping'): Promise<number> {
  const start = performance.now();
  let received = 0;
  const done = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received >= message.length) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.write(message);
  await done;
  return performance.now() - start;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
