import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on loopback serving files by path (404 for any other), counting requests; with `range`, `bytes=N-` gets a 206. */
export class FileServer {
  requests = 0;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(files: Record<string, Uint8Array>, { range = false } = {}): Promise<FileServer> {
    let served: FileServer | undefined;
    const server = createServer((req, res) => {
      served!.requests++;
      res.sendDate = false;
      const file = files[req.url ?? ''];
      if (file === undefined) return void res.writeHead(404).end();
      const from = range ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null;
      const start = from ? Number(from[1]) : 0;
      res.writeHead(from ? 206 : 200, { 'Content-Length': file.length - start, ...(from ? { 'Content-Range': `bytes ${start}-${file.length - 1}/${file.length}` } : {}) });
      res.end(file.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    served = new FileServer(server, (server.address() as AddressInfo).port);
    return served;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
