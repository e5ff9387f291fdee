/** The parts of binary-version-reader@3.1.3 (a test-only oracle, no types of its own) that the tests use. */
declare module 'binary-version-reader' {
  export interface BvrExtension {
    type: number;
    length: number;
    offset: number;
    [field: string]: unknown;
  }
  export interface BvrPrefixInfo {
    moduleStartAddy: string;
    moduleEndAddy: string;
    reserved: number;
    moduleFlags: number;
    moduleVersion: number;
    platformID: number;
    moduleFunction: number;
    moduleIndex: number;
    depModuleFunction: number;
    depModuleIndex: number;
    depModuleVersion: number;
    dep2ModuleFunction: number;
    dep2ModuleIndex: number;
    dep2ModuleVersion: number;
    prefixSize: number;
    prefixOffset: number;
    extensions?: BvrExtension[];
  }
  export interface BvrSuffixInfo {
    productId: number;
    productVersion: number;
    fwUniqueId: string;
    reserved: number;
    suffixSize: number;
    crcBlock: string;
    extensions?: BvrExtension[];
  }
  export interface BvrResult {
    crc: { ok: boolean; storedCrc: string; actualCrc: string };
    prefixInfo: BvrPrefixInfo;
    suffixInfo: BvrSuffixInfo;
  }
  export class HalModuleParser {
    parseBuffer(input: { fileBuffer: Buffer }): Promise<BvrResult>;
  }
  export const firmwareTestHelper: {
    createFirmwareBinary(options: {
      productId?: number;
      productVersion?: number;
      platformId?: number;
      moduleFunction?: number;
      moduleIndex?: number;
      moduleVersion?: number;
      moduleStartAddress?: number;
      deps?: { func: number; index: number; version: number }[];
      addVectorTable?: boolean;
      vectorTableSize?: number;
      dataSize?: number;
    }): Buffer;
  };
}
