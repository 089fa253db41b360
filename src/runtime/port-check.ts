import net from 'node:net';

/** The web port is taken (most often by a tracebot already running); the message says which port. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use: is tracebot already running?`);
    this.name = 'PortInUseError';
  }
}

/**
 * Throw PortInUseError when `host:port` cannot be bound. Checked before any worker or channel starts, so a second copy
 * exits without consuming queues or polling (issue 12). Port 0 (any free port) is never in use.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
