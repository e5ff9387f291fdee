/**
 * Misuse: the helpers that make a device's world — firmware routes, link models, compileSketch —
 * given options they do not take. Each refuses with the option named and what it takes; a
 * misspelt option used to be ignored (`range: 'ignored'` served Range anyway).
 */
import { compileSketch, firmwareRoute, parametricLink, recordedLink, type CompileSketchOptions, type FirmwareRouteOptions, type ParametricLinkOptions, type RecordedSchedule } from '../../../src/index';
import { thrown } from '../../thrown';

const image = new Uint8Array(16);

describe('firmwareRoute', () => {
  it.each([
    ['range: "ignored"', { range: 'ignored' }, 'range "ignored" is not a Range behaviour. Use one of honour, ignore.'],
    ['contentLength: "none"', { contentLength: 'none' }, 'contentLength "none" is not a Content-Length behaviour. Use one of exact, missing, or a number (a header that lies).'],
    ['a misspelt option', { keepalive: true }, 'there is no option "keepalive". Use one of range, contentLength, chunked, status, retryAfter, redirectTo, keepAlive, headers, once.'],
    ['a status that is none', { status: 1000 }, 'status is 1000. Pass an HTTP status from 100 to 599.'],
    ['headers as an object', { headers: { Server: 'x' } }, 'headers is {"Server":"x"}. Pass header lines as [name, value] pairs of strings, in wire order.'],
  ])('refuses %s', (_what, options, message) => {
    const error = thrown(() => firmwareRoute('http://fw.example/app.bin', image, options as FirmwareRouteOptions));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to make the firmware route: ${message}`);
  });

  it('refuses an image that is not bytes', () => {
    expect(thrown(() => firmwareRoute('http://fw.example/app.bin', 'app.bin' as never)).message).toBe('Failed to make the firmware route: image is "app.bin". Pass the image it serves as a Uint8Array.');
  });
});

describe('link models', () => {
  it.each([
    ['a misspelt option', { rtt: 100, downKbps: 1, upKbps: 1, burstBytes: 1 }, 'there is no option "rtt". Use one of name, rttMs, downKbps, upKbps, burstBytes, jitterMs, lossPercent, retransmitMs, natIdleTimeoutMs.'],
    ['a missing rate', { rttMs: 100, upKbps: 1, burstBytes: 1 }, 'downKbps is undefined. Pass a rate in kbit/s, more than 0.'],
    ['a loss over 100 %', { rttMs: 100, downKbps: 1, upKbps: 1, burstBytes: 1, lossPercent: 150 }, 'lossPercent is 150. Pass a percentage from 0 to 100.'],
  ])('parametricLink refuses %s', (_what, options, message) => {
    expect(thrown(() => parametricLink(options as ParametricLinkOptions)).message).toBe(`Failed to make the parametric link: ${message}`);
  });

  it('recordedLink refuses a piece without its bytes', () => {
    const schedule = { dnsMs: 0, connectMs: 0, uplinkMs: 0, downlink: [{ atMs: 5 }] } as unknown as RecordedSchedule;
    expect(thrown(() => recordedLink(schedule)).message).toBe('Failed to make the recorded link: downlink[0].bytes is undefined. Pass a whole number of bytes, 0 or more.');
  });
});

describe('compileSketch', () => {
  it.each([
    ['a misspelt option', { device_os: '1.4.4' }, 'INVALID_OPTION', 'Failed to compile the sketch: there is no option "device_os". Use one of name, deviceOs, cacheDir, defines.'],
    ['a define that is no value', { defines: { DEBUG: false } }, 'INVALID_OPTION', 'Failed to compile the sketch: defines.DEBUG is false. Pass a string, a number, or true (for -D DEBUG).'],
    ['an unknown profile', { deviceOs: 'constructor' }, 'UNKNOWN_PROFILE', 'Failed to compile the sketch: Device OS "constructor" has no profile. Use one of 1.2.1, 1.4.4, 1.5.2, 2.0.1, 3.3.1, 4.1.0, 6.2.0.'],
  ])('refuses %s, before compiling anything', async (_what, options, code, message) => {
    await expect(compileSketch({ 'app.ino': 'void setup() {}\nvoid loop() {}\n' }, options as CompileSketchOptions)).rejects.toMatchObject({ code, message });
  });
});
