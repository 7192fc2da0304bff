import WebSocket from 'ws';

/**
 * Heap used after a full GC, read through the inspector of a server started with
 * `--inspect=127.0.0.1:0` (HeapProfiler.collectGarbage, then Runtime.getHeapUsage): a debug-only
 * window, so the server needs no route or flag of its own for it.
 */
export async function heapAfterGcMb(inspectorUrl: string): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      // The inspector sends text frames: one Buffer each.
      const onMessage = (data: Buffer): void => {
        const message = JSON.parse(data.toString('utf8')) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (message.id !== id) {
          return;
        }
        socket.off('message', onMessage);
        if (message.error !== undefined) {
          reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        } else {
          resolve(message.result ?? {});
        }
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  };
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return Number(usage.usedSize) / 1024 / 1024;
  } finally {
    socket.close();
  }
}
