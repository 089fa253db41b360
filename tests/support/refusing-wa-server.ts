import http from 'node:http';
import net from 'node:net';

/** A loopback stand-in for an unavailable WhatsApp server, and when each connection attempt reached it. */
export interface RefusingWaServer {
  /** The `waWebSocketUrl` to give the channel. */
  url: string;
  /** Epoch ms of every attempt (WebSocket upgrade request, or TCP connection for a hung server), oldest first. */
  attempts: number[];
  close(): Promise<void>;
}

/**
 * Start a server on 127.0.0.1 that refuses every connection attempt: `refuse503` answers the WebSocket upgrade with
 * `HTTP/1.1 503` (WhatsApp overloaded), `hang` accepts the TCP connection and never answers.
 */
export async function startRefusingWaServer(mode: 'refuse503' | 'hang'): Promise<RefusingWaServer> {
  const attempts: number[] = [];
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  if (mode === 'refuse503') {
    const httpServer = http.createServer((_req, res) => res.writeHead(503).end());
    httpServer.on('upgrade', (_req, socket: net.Socket) => {
      attempts.push(Date.now());
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    server = httpServer;
  } else {
    server = net.createServer((socket) => {
      attempts.push(Date.now());
    });
  }
  server.on('connection', (socket: net.Socket) => {
    // The client gives up and resets the connection: expected here, not an uncaught ECONNRESET in the test process.
    socket.on('error', () => undefined);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws/chat`,
    attempts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
