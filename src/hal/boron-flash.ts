import { NorFlash, type NorFlashTiming } from './nor-flash';

/**
 * The Boron's two flash chips and its 1.x flash map (`platform/MCU/nRF52840/inc/flash_mal.h:62-97`,
 * `hal/src/nRF52840/ota_module_bounds.c` at v1.4.4).
 */
export const BoronMap = {
  internal: {
    size: 0x100000,
    mbr: { start: 0x0, end: 0x1000 },
    radioStack: { start: 0x1000, end: 0x30000 },
    systemPart: { start: 0x30000, end: 0xd4000 },
    userPart: { start: 0xd4000, end: 0xf4000 },
    bootloader: { start: 0xf4000, end: 0x100000 },
  },
  external: {
    size: 0x400000,
    filesystem: { start: 0x0, end: 0x200000 },
    factoryApp: { start: 0x200000, end: 0x220000 },
    /** `EXTERNAL_FLASH_OTA_ADDRESS` and `module_ota.maximum_size` (1500 × 1024). */
    ota: { start: 0x289000, length: 1_536_000 },
  },
  /** The QSPI chip is also memory-mapped (XIP) here; validation reads the OTA region through it. */
  xipBase: 0x12000000,
  sectorSize: 0x1000,
} as const;

/**
 * nRF52840 NVMC: 4-byte words, 4 KB pages. Product Specification v1.1 §4.3.9: t_WRITE 41 µs per
 * word, t_ERASEPAGE 85 ms (maximum figures; the device takes no less).
 */
export const INTERNAL_FLASH_TIMING: NorFlashTiming = {
  sectorEraseMicros: 85_000,
  programSetupMicros: 0,
  programMicrosPerByte: 41 / 4,
  readMicrosPerByte: 1 / 64,
};

/**
 * MX25L3233F over QSPI: typical 4 KB sector erase 40 ms and 256-byte page program 0.5 ms
 * (Macronix datasheet class figures, not in Device OS source); XIP reads feeding a table-driven
 * CRC-32 on a 64 MHz Cortex-M4 cost about 8 cycles a byte.
 */
export const EXTERNAL_FLASH_TIMING: NorFlashTiming = {
  sectorEraseMicros: 40_000,
  programSetupMicros: 10,
  programMicrosPerByte: 500 / 256,
  readMicrosPerByte: 8 / 64,
};

export interface DecodedQspiAddress {
  /** Where on the 4 MB chip the bytes land. */
  chipAddress: number;
  /** True when the address had bits above the chip's 22 that the hardware dropped. */
  wrapped: boolean;
}

/**
 * The nRF52840 QSPI sends a 24-bit address and the 4 MB MX25L3233F decodes 22 bits, so any
 * address lands modulo 4 MB. Inference: hardware behaviour, not in Device OS source
 * (reference note §2.3, "wrap modulo 4 MB likely but unverified").
 */
export function decodeQspiAddress(address: number): DecodedQspiAddress {
  const chipAddress = (address >>> 0) & (BoronMap.external.size - 1);
  return { chipAddress, wrapped: chipAddress !== address >>> 0 };
}

/** The two chips of one Boron. */
export class BoronFlash {
  readonly internal = new NorFlash('internal', { size: BoronMap.internal.size, sectorSize: BoronMap.sectorSize, writeUnit: 4, eraseValue: 0xff }, INTERNAL_FLASH_TIMING);
  /** The MX25L3233F's Page Program writes at most one aligned 256-byte page per command (Macronix datasheet). */
  readonly external = new NorFlash('external', { size: BoronMap.external.size, sectorSize: BoronMap.sectorSize, writeUnit: 4, eraseValue: 0xff, programPage: 256 }, EXTERNAL_FLASH_TIMING);

  /** Bytes of host memory both chips hold now (sparse storage). */
  get allocatedBytes(): number {
    return this.internal.allocatedBytes + this.external.allocatedBytes;
  }
}
