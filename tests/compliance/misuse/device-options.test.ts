/**
 * Misuse: each option `new VirtualBoron()` takes, given a value it does not take. Every one fails at
 * construction with a typed error that names the option and lists what it takes — never a
 * TypeError from deep inside a later call, and never silence (`kind: 'stal'` used to run clean).
 */
import { http, HttpResponse } from 'msw';
import { VirtualBoron, type VirtualBoronOptions } from '../../../src/index';
import { thrown } from '../../thrown';

const create = (options: unknown) => thrown(() => new VirtualBoron(options as VirtualBoronOptions));
const OPTIONS = 'app, cloud, deviceOs, dns, faults, freeMemory, gen2UnalignedWriteBug, link, modules, otaRegion, realServerTimeoutMs, realServers, seed, server, stack, trace';
const PROFILES = '1.2.1, 1.4.4, 1.5.2, 2.0.1, 3.3.1, 4.1.0, 6.2.0';
const LINKS = 'ideal, forum, lte-m, nb-iot, 3g';
const FAULTS = 'dns-failure, connection-refused, connect-timeout, server-close, stall, socket-dropped, link-down';

describe('deviceOs', () => {
  it.each(['5.0.0', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses "%s", listing the profiles (Object.hasOwn: no name from Object.prototype passes)', (version) => {
    const error = create({ deviceOs: version });
    expect(error.code).toBe('UNKNOWN_PROFILE');
    expect(error.message).toBe(`Failed to create the device: Device OS "${version}" has no profile. Use one of ${PROFILES}.`);
  });

  it('refuses a number', () => {
    expect(create({ deviceOs: 1.4 }).message).toBe(`Failed to create the device: Device OS "1.4" has no profile. Use one of ${PROFILES}.`);
  });
});

describe('link', () => {
  it.each(['lte', 'LTE-M', 'constructor', 'toString'])('refuses the name "%s", listing the named links (it used to crash at connect with a TypeError)', (link) => {
    const error = create({ link });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to create the device: link "${link}" is not a named link. Use one of ${LINKS}, or a model from recordedLink() or parametricLink().`);
  });

  it('refuses an object that is not a link model', () => {
    expect(create({ link: { rttMs: 100 } }).message).toBe(`Failed to create the device: link is an object, not a link model. Use one of ${LINKS}, or a model from recordedLink() or parametricLink().`);
  });
});

describe('faults', () => {
  it.each(['stal', 'dns', 'constructor'])('refuses the kind "%s", listing the kinds (it used to be ignored: a clean run)', (kind) => {
    const error = create({ faults: [{ kind, afterBytes: 4096, forMs: 30_000 }] });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to create the device: faults[0].kind "${kind}" is not a fault. Use one of ${FAULTS}.`);
  });

  it.each(([
    [{ kind: 'stall', afterByte: 4096, forMs: 30_000 }, 'faults[0] (stall) has no option "afterByte". Use one of kind, afterBytes, forMs, connection, host, port.'],
    [{ kind: 'stall', forMs: 30_000 }, 'faults[0].afterBytes is undefined. Pass a whole number of bytes, 0 or more.'],
    [{ kind: 'stall', afterBytes: 1.5, forMs: 30_000 }, 'faults[0].afterBytes is 1.5. Pass a whole number of bytes, 0 or more.'],
    [{ kind: 'connect-timeout', afterMs: '5s' }, 'faults[0].afterMs is "5s". Pass a finite number of virtual milliseconds, 0 or more.'],
    [{ kind: 'server-close', afterBytes: 10, reset: 'yes' }, 'faults[0].reset is "yes". Pass true or false.'],
    [{ kind: 'socket-dropped', atMs: -1 }, 'faults[0].atMs is -1. Pass a finite number of virtual milliseconds, 0 or more.'],
    [{ kind: 'link-down', fromMs: 200, toMs: 100 }, 'faults[0] (link-down) ends before it starts: toMs 100 is before fromMs 200. Pass toMs ≥ fromMs.'],
    [{ kind: 'dns-failure', connection: -1 }, 'faults[0].connection is -1. Pass the number of a connection (the nth the device opens, from 0).'],
    [{ kind: 'dns-failure', port: 70_000 }, 'faults[0].port is 70000. Pass a port number from 1 to 65535.'],
    [{ kind: 'dns-failure', host: '' }, 'faults[0].host is "". Pass a host name.'],
  ] as [object, string][]).map(([fault, message]) => [message, fault] as const))('refuses a fault: %s', (message, fault) => {
    expect(create({ faults: [fault] }).message).toBe(`Failed to create the device: ${message}`);
  });

  it('names the fault by its place in the list', () => {
    expect(create({ faults: [{ kind: 'dns-failure' }, { kind: 'stal' }] }).message).toBe(`Failed to create the device: faults[1].kind "stal" is not a fault. Use one of ${FAULTS}.`);
  });

  it('refuses a single fault that is not in an array', () => {
    expect(create({ faults: { kind: 'dns-failure' } }).message).toBe("Failed to create the device: faults is an object. Pass an array of faults, such as [{ kind: 'stall', afterBytes: 4096, forMs: 30000 }].");
  });
});

describe('the other options', () => {
  it.each(([
    [{ deviceOS: '1.2.1' }, `there is no option "deviceOS". Use one of ${OPTIONS}.`],
    [{ faultes: [] }, `there is no option "faultes". Use one of ${OPTIONS}.`],
    [{ app: () => ({}) }, 'app is a function. Pass a sketch (defineSketch() or compileSketch()) or a user-part image (a Uint8Array, e.g. from buildModule()).'],
    [{ app: 'v1' }, 'app is "v1". Pass a sketch (defineSketch() or compileSketch()) or a user-part image (a Uint8Array, e.g. from buildModule()).'],
    [{ modules: new Uint8Array(4) }, 'modules is a Uint8Array of 4 bytes. Pass an array of module images (Uint8Array).'],
    [{ modules: [[1, 2, 3]] }, 'modules[0] is an array of 3. Pass a module image as a Uint8Array.'],
    [{ server: {} }, 'server is an object. Pass an array of msw handlers, e.g. [http.get(url, resolver)] or [firmwareRoute(url, image)].'],
    [{ server: [() => new Response('x')] }, 'server[0] is a function, not an msw handler. Pass handlers made by msw (http.get(url, resolver), …) or firmwareRoute(url, image).'],
    [{ dns: { unresolvable: 'fw.example' } }, 'dns.unresolvable is "fw.example". Pass an array of host names.'],
    [{ dns: { records: { 'fw.example': 'localhost' } } }, 'dns.records["fw.example"] is "localhost". Pass a dotted IPv4 address, such as "192.0.2.7".'],
    [{ dns: { record: {} } }, 'dns has no option "record". Use one of unresolvable, records.'],
    [{ realServers: { 'fw.example': { host: '127.0.0.1' } } }, 'realServers["fw.example"].port is undefined. Pass a port number from 1 to 65535.'],
    [{ realServers: { 'fw.example': 8080 } }, 'realServers["fw.example"] is 8080. Pass an object with any of host, port.'],
    [{ realServerTimeoutMs: 0 }, 'realServerTimeoutMs is 0. Pass a number of milliseconds of host time, more than 0.'],
    [{ seed: {} }, 'seed is an object. Pass a finite number or a string.'],
    [{ stack: 'zeros' }, "stack \"zeros\" is not a stack option. Use one of garbage, zero, or { values: { chunk_address: 0, … }, otherwise: 'garbage' | 'zero' }."],
    [{ stack: { values: { chunkAddress: 0 } } }, 'stack.values has no option "chunkAddress". Use one of size, reserved2, chunk_address, chunk_size, store, reserved, file_length, file_address.'],
    [{ stack: { values: {}, otherwise: 'random' } }, 'stack.otherwise "random" is not a stack option. Use one of garbage, zero.'],
    [{ otaRegion: [0xff] }, 'otaRegion is an array of 1. Pass the bytes the OTA region holds as a Uint8Array.'],
    [{ otaRegion: new Uint8Array(1_536_001) }, 'otaRegion holds 1,536,001 bytes, and the OTA region of Device OS 1.4.4 holds 1,536,000. Pass at most 1,536,000 bytes.'],
    [{ cloud: { connectMs: '10s' } }, 'cloud.connectMs is "10s". Pass a finite number of milliseconds, 0 or more.'],
    [{ cloud: { connectMS: 10 } }, 'cloud has no option "connectMS". Use one of connectMs, disconnectMs.'],
    [{ freeMemory: 1.5 }, 'freeMemory is 1.5. Pass a whole number of bytes, 0 or more.'],
    [{ gen2UnalignedWriteBug: 'true' }, 'gen2UnalignedWriteBug is "true". Pass true or false.'],
  ] as [object, string][]).map(([options, message]) => [message, options] as const))('refuses it: %s', (message, options) => {
    const error = create(options);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to create the device: ${message}`);
  });

  it('refuses options that are not an object', () => {
    expect(create('1.4.4').message).toBe(`Failed to create the device: the options argument is "1.4.4". Pass an object with any of ${OPTIONS}.`);
  });

  it('takes every valid value it lists', () => {
    expect(
      () =>
        new VirtualBoron({
          deviceOs: '6.2.0',
          link: 'nb-iot',
          faults: [{ kind: 'stall', afterBytes: 0, forMs: 0, connection: 0, host: 'fw.example', port: 80 }, { kind: 'server-close', afterBytes: 1, reset: true }],
          stack: { values: { chunk_address: 0x202a06a8 }, otherwise: 'zero' },
          dns: { unresolvable: ['down.example'], records: { 'fw.example': '192.0.2.9' } },
          server: [http.get('http://fw.example/', () => HttpResponse.text('ok'))],
          realServers: { 'real.example:8080': { host: '127.0.0.1', port: 8080 } },
          realServerTimeoutMs: 250,
          cloud: { connectMs: 0, disconnectMs: 0 },
          seed: 'any',
          freeMemory: 0,
          gen2UnalignedWriteBug: false,
        }),
    ).not.toThrow();
  });
});
