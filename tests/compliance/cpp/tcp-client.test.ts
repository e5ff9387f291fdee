/**
 * TCPClient from C++ (`wiring/inc/spark_wiring_tcpclient.h`, `wiring/src/spark_wiring_tcpclient_posix.cpp`
 * at v1.4.4) against its TypeScript twin, talking to an msw server: the same bytes read, the same
 * log lines and the same virtual time for the same calls.
 */
import { http } from 'msw';
import { defineSketch, recordedLink, wireResponse, type Sketch, type VirtualBoronOptions } from '../../../src/index';
import { serve } from '../../helpers';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

const MANUAL = { systemMode: 'MANUAL' as const };
const BODY = Uint8Array.from({ length: 1000 }, (_, i) => 32 + (i % 90));
/** The response arrives in 300-byte pieces 20 ms apart, the first 50 ms after the request reaches the server. */
const link = recordedLink({ dnsMs: 20, connectMs: 30, uplinkMs: 10, downlink: [{ atMs: 50, bytes: 300 }, { atMs: 70, bytes: 300 }, { atMs: 90, bytes: 300 }, { atMs: 110, bytes: 100_000 }] });
const network: Omit<VirtualBoronOptions, 'app'> = {
  link,
  server: [serve('http://files.example/blob', BODY), http.get('http://192.0.2.7:8080/ip', () => wireResponse('by address', { headers: [['Server', 'test']] }))],
};

let cpp: Record<'session' | 'byAddress' | 'scope', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    session: `
SYSTEM_MODE(MANUAL);
TCPClient client;
void setup() {
  int ok = client.connect("files.example", 80);
  int connected = client.connected();
  int status = client.status();
  String ip = client.remoteIP().toString();
  Serial.printlnf("connect %d connected %d status %d remoteIP %s", ok, connected, status, ip.c_str());
  client.print("GET /blob HTTP/1.0\\r\\n");
  client.println("Host: files.example");
  size_t wrote = client.write((const uint8_t*)"\\r\\n", 2);
  client.flush();
  Serial.printlnf("wrote %u", wrote);
  unsigned long start = millis();
  while (client.available() == 0 && millis() - start < 5000) {}
  int available = client.available();
  Serial.printlnf("available %d after %lu ms", available, millis() - start);
  int peeked = client.peek();
  int first = client.read();
  Serial.printlnf("peek %c read %c", peeked, first);
  uint8_t buffer[64];
  int total = 1;
  for (;;) {
    if (client.available() > 0) total += client.read(buffer, sizeof(buffer));
    else if (!client.connected()) break;
  }
  int after = client.read();
  Serial.printlnf("read %d bytes, then %d; connected %d", total, after, client.connected());
  client.stop();
  ip = client.remoteIP().toString();
  Serial.printlnf("after stop: status %d remoteIP %s", client.status(), ip.c_str());
  Serial.println("DONE");
}
void loop() {}
`,
    byAddress: `
SYSTEM_MODE(MANUAL);
void setup() {
  TCPClient client;
  int ok = client.connect(IPAddress(192, 0, 2, 7), 8080);
  String ip = client.remoteIP().toString();
  Serial.printlnf("connect %d remoteIP %s", ok, ip.c_str());
  client.print("GET /ip HTTP/1.0\\r\\nHost: 192.0.2.7:8080\\r\\n\\r\\n");
  String response;
  for (;;) {
    int c = client.read();
    if (c >= 0) response += (char)c;
    else if (!client.connected()) break;
  }
  Serial.print(response.substring(0, response.indexOf("\\r\\n") + 2));
  Serial.println(response.substring(response.lastIndexOf("\\r\\n") + 2));
  Serial.println("DONE");
}
void loop() {}
`,
    scope: `
SYSTEM_MODE(MANUAL);
TCPClient kept;
void openAndDrop() {
  TCPClient local;
  local.connect("files.example", 80);
}
void openAndKeep() {
  TCPClient local;
  local.connect("files.example", 80);
  kept = local;
}
void setup() {
  openAndDrop();
  Serial.println("dropped");
  openAndKeep();
  Serial.printlnf("kept: connected %d", kept.connected());
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

describe('TCPClient from C++', () => {
  it('connects by name, writes with print/println/write (println sends \\r and \\n apart), waits with available(), reads by peek/byte/buffer to the close, as the TypeScript twin does', async () => {
    const twin = defineSketch(({ Serial, TCPClient, millis }) => {
      const client = new TCPClient();
      return {
        async setup() {
          const ok = await client.connect('files.example', 80);
          const connected = (await client.connected()) ? 1 : 0;
          const status = client.status() ? 1 : 0;
          Serial.printlnf('connect %d connected %d status %d remoteIP %s', ok, connected, status, client.remoteIP());
          await client.write('GET /blob HTTP/1.0\r\n');
          await client.write('Host: files.example');
          await client.write('\r');
          await client.write('\n');
          const wrote = await client.write(Buffer.from('\r\n'), 2);
          client.flush();
          Serial.printlnf('wrote %u', wrote);
          const start = millis();
          while ((await client.available()) === 0 && millis() - start < 5000) {
            // spin, as the C++ does
          }
          const available = await client.available();
          Serial.printlnf('available %d after %lu ms', available, millis() - start);
          const peeked = await client.peek();
          const first = await client.read();
          Serial.printlnf('peek %c read %c', peeked, first);
          const buffer = new Uint8Array(64);
          let total = 1;
          for (;;) {
            if ((await client.available()) > 0) total += await client.read(buffer, 64);
            else if (!(await client.connected())) break;
          }
          const after = await client.read();
          Serial.printlnf('read %d bytes, then %d; connected %d', total, after, (await client.connected()) ? 1 : 0);
          await client.stop();
          Serial.printlnf('after stop: status %d remoteIP %s', client.status() ? 1 : 0, client.remoteIP());
          Serial.println('DONE');
        },
      };
    }, { name: 'tcp session twin', ...MANUAL });
    const a = await run(cpp.session, 'DONE', network);
    const b = await run(twin, 'DONE', network);
    const headers = 'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n'.length;
    expect(a.seen.serial.split('\r\n')).toEqual([
      expect.stringMatching(/^connect 1 connected 1 status 1 remoteIP 192\.0\.2\.\d+$/),
      'wrote 2',
      'available 128 after 60 ms',
      'peek H read H',
      `read ${headers + BODY.length} bytes, then -1; connected 0`,
      'after stop: status 0 remoteIP 0.0.0.0',
      'DONE',
      '',
    ]);
    expect(a.seen.logs.map((l) => l.line.slice(11))).toEqual(['[wiring] ERROR: recv error = 128']);
    expect(a.seen).toEqual(b.seen);
    // print() is one send; println() sends its text, then '\r' and '\n' one byte each (Print::println, spark_wiring_print.cpp:115-120).
    const sends = (device: typeof a.device) => device.trace.flatMap((e) => (e.type === 'tcp:send' ? [e.bytes] : []));
    expect(sends(a.device)).toEqual([20, 19, 1, 1, 2]);
    expect(sends(a.device)).toEqual(sends(b.device));
  });

  it('connects by IPAddress (the first octet most significant) and reports it as remoteIP()', async () => {
    const { seen, device } = await run(cpp.byAddress, 'DONE', network);
    expect(seen.serial).toBe('connect 1 remoteIP 192.0.2.7\r\nHTTP/1.1 200 OK\r\nby address\r\nDONE\r\n');
    expect(device.trace.find((e) => e.type === 'tcp:connect')).toMatchObject({ host: '192.0.2.7', port: 8080, ok: true });
  });

  it('closes the socket when the last copy of a TCPClient is destroyed (TCPClient::Data::~Data, :254-258); a copy keeps it open', async () => {
    const { seen, device } = await run(cpp.scope, 'DONE', network);
    expect(seen.serial).toBe('dropped\r\nkept: connected 1\r\nDONE\r\n');
    expect(device.trace.filter((e) => e.type === 'tcp:close')).toEqual([expect.objectContaining({ connection: 0, by: 'device' })]);
  });
});
