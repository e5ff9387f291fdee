import type { TraceLevel } from '../sim/events';
import type { DeviceOsVersion } from '../ota/profiles';
import type { LinkModel } from '../net/link';
import type { LinkProfileName } from '../net/link-profiles';
import type { DnsOptions } from '../net/network';
import type { RequestHandler } from '../net/http-server';
import type { NetworkFault } from '../net/faults';
import type { RealServerAddress } from '../net/real-server';
import type { Sketch } from './sketch';
import type { StackOption } from './stack';

export interface VirtualBoronOptions {
  /** Device OS behaviour profile. Default '1.4.4'. */
  deviceOs?: DeviceOsVersion;
  /** The app installed at the factory: a sketch (built into a user part for you) or a user-part image. */
  app?: Sketch | Uint8Array;
  /**
   * Modules to install over the factory ones — real Particle binaries (a bootloader, radio stack,
   * system part or user part) or built ones — each written where its prefix says it starts.
   */
  modules?: Uint8Array[];
  /** The web: msw handlers answer every HTTP request the device makes. */
  server?: readonly RequestHandler[];
  /** How data reaches the device: a named profile ('lte-m', 'nb-iot', '3g', 'forum', 'ideal') or a model. */
  link?: LinkModel | LinkProfileName;
  dns?: DnsOptions;
  /** What goes wrong on the network, at chosen moments or bytes. */
  faults?: NetworkFault[];
  /**
   * Names (or `name:port`) that lead to a real server on loopback instead of the msw handlers: the
   * device's TCPClient talks to it through a real socket. Virtual time stands still while it answers.
   */
  realServers?: Record<string, RealServerAddress>;
  /**
   * How long, in host milliseconds, a real server may take to accept a connection or to send a whole
   * answer while virtual time stands still; then the run fails with REAL_SERVER_TIMEOUT. The one
   * place host time enters a run. Default 4,000 ms (under jest's 5 s test timeout, so the cause is named).
   */
  realServerTimeoutMs?: number;
  /** Same seed and inputs, same run, byte for byte. */
  seed?: number | string;
  /** What uninitialised stack variables (a `FileTransfer::Descriptor`) hold. */
  stack?: StackOption;
  /** Bytes the OTA region already holds at power-on, e.g. the image of an earlier update. */
  otaRegion?: Uint8Array;
  cloud?: {
    /** Cellular attach and cloud handshake before an AUTOMATIC sketch's setup(). */
    connectMs?: number;
    /** Finish's forced DISCONNECT waits this long for the cloud's confirmation. */
    disconnectMs?: number;
  };
  /** `System.freeMemory()`. */
  freeMemory?: number;
  /**
   * Program OTA chunks with Gen 2's unaligned-write bug (Device OS #1989, fixed in 1.5.0), which no
   * Boron ever had: with it on, a chunk whose length is not a multiple of 4 corrupts the image.
   */
  gen2UnalignedWriteBug?: boolean;
  /**
   * What `device.trace` keeps: `'all'` every event; `'ota'` (the default) all but those made per
   * chunk, print or log line (`serial`, `log`, `flash:program`, `ota:chunk`, `firmware_update`
   * progress), which `serial.output`, `logs` and the flash stats already hold; `'off'` none;
   * `{ ring: n }` the last n events. `device.on(...)` listeners hear every event at any level.
   */
  trace?: TraceLevel;
}

/**
 * What a Boron and its Device OS give when a test does not say: each figure with where it comes
 * from, as a datasheet's defaults are kept in one place.
 */
export const BORON_DEFAULTS = {
  deviceOs: '1.4.4',
  seed: 1,
  stack: 'garbage',
  /** A cellular Boron attaches and completes the cloud handshake ~10.6 s after power-on (the thread's first log line). */
  cloudConnectMs: 10_400,
  /** Finish's DISCONNECT waits at least 1 s for confirmation (`wait_confirmable()`, `communication/inc/dtls_protocol.h:75-121`). */
  cloudDisconnectMs: 1_000,
  /** What the thread's Boron printed for `System.freeMemory()` (1.2.1, a small app). */
  freeMemory: 70_184,
  /** A finished device keeps the story of its run, not an entry per chunk and per line. */
  trace: 'ota',
  /** Not the device's: how long a real server may keep a run waiting, in host time (under jest's default 5 s test timeout). */
  realServerTimeoutMs: 4_000,
} as const;

/** The modelled device's own timings: not options, but named and sourced here. */
export const TIMING = {
  /** The bootloader's checks before it jumps to the system part. */
  bootloaderMicros: 30_000,
  /** The system part's start-up before the app's constructors run. */
  systemInitMicros: 200_000,
  /** One `loop()` turn plus `Spark_Idle_Events` between turns. */
  loopTurnMicros: 1_000,
  /** Entering a system_update call. */
  systemCallMicros: 20,
  /** `millis()`/`micros()` read the RTC through the system part's dynalib: a little time, so a loop that only reads the clock still sees it move. */
  clockReadMicros: 1,
  /**
   * `TIMING_FLASH_UPDATE_TIMEOUT`: 300 s on a Boron (`system/inc/system_cloud.h:266-270` at v1.4.4;
   * unconditional at v6.2.0). Counted only while an update is in progress (`system/src/main.cpp:376-388`).
   */
  flashUpdateTimeoutMicros: 300_000_000,
} as const;

/** `System.resetReason()` values the emulator gives (`hal/inc/core_hal.h:61-80` at v1.4.4). */
export const RESET_REASON = { NONE: 0, PIN_RESET: 20, POWER_DOWN: 40, UPDATE: 70, UPDATE_ERROR: 80, UPDATE_TIMEOUT: 90, USER: 140 } as const;

export const resetReasonName = (reason: number): string => (Object.entries(RESET_REASON).find(([, value]) => value === reason)?.[0] ?? String(reason));
