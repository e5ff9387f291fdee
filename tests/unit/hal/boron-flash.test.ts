import { BoronFlash, BoronMap, decodeQspiAddress, EXTERNAL_FLASH_TIMING, INTERNAL_FLASH_TIMING } from '../../../src/hal/boron-flash';

describe('decodeQspiAddress', () => {
  it("lands the forum's uninitialised chunk address modulo 4 MB and says so", () => {
    expect(decodeQspiAddress(0x202a06a8)).toEqual({ chipAddress: 0x2a06a8, wrapped: true });
  });

  it('passes an address on the chip through unchanged', () => {
    expect(decodeQspiAddress(0x289000)).toEqual({ chipAddress: 0x289000, wrapped: false });
    expect(decodeQspiAddress(0x3fffff)).toEqual({ chipAddress: 0x3fffff, wrapped: false });
  });

  it('wraps the first address past the chip to 0', () => {
    expect(decodeQspiAddress(0x400000)).toEqual({ chipAddress: 0, wrapped: true });
  });
});

describe('BoronMap', () => {
  it('puts the OTA region at 0x289000 for 1,536,000 bytes, ending exactly at the end of the 4 MB chip', () => {
    const { ota, size } = BoronMap.external;
    expect(ota.start).toBe(0x289000);
    expect(ota.length).toBe(1500 * 1024);
    expect(ota.start + ota.length).toBe(0x400000);
    expect(size).toBe(0x400000);
  });

  it('lays out the internal flash without gaps from the MBR to the bootloader', () => {
    const { mbr, radioStack, systemPart, userPart, bootloader, size } = BoronMap.internal;
    expect(mbr.start).toBe(0);
    expect([mbr.end, radioStack.end, systemPart.end, userPart.end]).toEqual([radioStack.start, systemPart.start, userPart.start, bootloader.start]);
    expect(userPart).toEqual({ start: 0xd4000, end: 0xf4000 });
    expect(bootloader.end).toBe(size);
  });
});

describe('BoronFlash', () => {
  it('has a 1 MB internal chip and a 4 MB external chip, both with 4 KB sectors, 4-byte words, erased to 0xFF', () => {
    const flash = new BoronFlash();
    expect(flash.internal.size).toBe(1024 * 1024);
    expect(flash.external.size).toBe(4 * 1024 * 1024);
    for (const chip of [flash.internal, flash.external]) {
      expect(chip.geometry).toMatchObject({ sectorSize: 4096, writeUnit: 4, eraseValue: 0xff });
    }
    expect(flash.internal.name).toBe('internal');
    expect(flash.external.name).toBe('external');
    expect(flash.internal.timing).toBe(INTERNAL_FLASH_TIMING);
    expect(flash.external.timing).toBe(EXTERNAL_FLASH_TIMING);
  });

  it('allocates no memory while idle, and only the sectors that are written to', () => {
    const flash = new BoronFlash();
    expect(flash.allocatedBytes).toBe(0);
    flash.external.read(BoronMap.external.ota.start, BoronMap.external.ota.length);
    expect(flash.allocatedBytes).toBe(0);
    flash.external.program(BoronMap.external.ota.start, new Uint8Array(79));
    flash.internal.program(BoronMap.internal.userPart.start, new Uint8Array(4));
    expect(flash.allocatedBytes).toBe(2 * 4096);
  });

  it('charges the nRF52840 page erase time for an internal sector erase', () => {
    const flash = new BoronFlash();
    expect(flash.internal.erase(BoronMap.internal.userPart.start, 4096)).toBe(85_000);
    expect(flash.external.erase(BoronMap.external.ota.start, 4096)).toBe(40_000);
  });
});
