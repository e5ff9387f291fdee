import { formatInto, formatWith, Latin1Text, sprintf, type PrintfArg } from '../../../src/sim/printf';

describe('sprintf (C printf as newlib formats it on a 32-bit Cortex-M)', () => {
  it.each([
    ['%d', [-42], '-42'],
    ['%i', [7], '7'],
    ['%+d', [5], '+5'],
    ['% d', [5], ' 5'],
    ['%d', [2147483648], '-2147483648'],
    ['%d', [3.9], '3'],
    ['%u', [-1], '4294967295'],
    ['%u', [4294967296], '0'],
    ['%x', [0x202a06a8], '202a06a8'],
    ['%x', [-1], 'ffffffff'],
    ['%08X', [0x2a06a8], '002A06A8'],
    ['%#x', [255], '0xff'],
    ['%#x', [0], '0'],
    ['%o', [8], '10'],
    ['%010u', [25677], '0000025677'],
    ['%5d|', [42], '   42|'],
    ['%-5d|', [42], '42   |'],
    ['%-05d|', [42], '42   |'],
    ['%05d', [-42], '-0042'],
    ['%.3d', [-5], '-005'],
    ['%08.3d', [-5], '    -005'],
    ['%.0d', [0], ''],
    ['%*d', [4, 7], '   7'],
    ['%ld', [123456n], '123456'],
    ['%d', [true], '1'],
  ])('%s of %p gives %p', (format, args, expected) => {
    expect(sprintf(format, ...args)).toBe(expected);
  });

  it('formats strings with width, left alignment and precision', () => {
    expect(sprintf('%-5s|', 'ab')).toBe('ab   |');
    expect(sprintf('%5s|', 'ab')).toBe('   ab|');
    expect(sprintf('%.3s', 'abcdef')).toBe('abc');
    expect(sprintf('%.*s', 2, 'abcdef')).toBe('ab');
    expect(sprintf('%s', 'no limit')).toBe('no limit');
  });

  it('formats %c from a character code or a string', () => {
    expect(sprintf('%c', 65)).toBe('A');
    expect(sprintf('%c', 0x141)).toBe('A');
    expect(sprintf('%c', 'xyz')).toBe('x');
    expect(sprintf('[%3c]', 66)).toBe('[  B]');
  });

  it('formats %f with width and precision', () => {
    expect(sprintf('%5.2f', 3.14159)).toBe(' 3.14');
    expect(sprintf('%f', 1.5)).toBe('1.500000');
    expect(sprintf('%.1f', -0.26)).toBe('-0.3');
    expect(sprintf('%+.1f', 2)).toBe('+2.0');
    expect(sprintf('%8f', -1)).toBe('-1.000000');
  });

  it('formats %p as 0x and lower-case hex', () => {
    expect(sprintf('%p', 0x20001000)).toBe('0x20001000');
  });

  it('prints %% as one percent sign without consuming an argument', () => {
    expect(sprintf('100%% of %d', 5)).toBe('100% of 5');
  });

  it('treats missing arguments as 0 instead of throwing', () => {
    expect(sprintf('%d and %x')).toBe('0 and 0');
    expect(sprintf('%d %d', 1)).toBe('1 0');
  });

  it('leaves text without conversions unchanged, and ignores extra arguments', () => {
    expect(sprintf('plain text', 1, 2)).toBe('plain text');
  });

  it('formats a line from the forum sketch', () => {
    expect(sprintf('Received %d of %d bytes. Chunk Size %d. Chunk addr=%x', 79, 5012, 79, 0x202a06a8)).toBe(
      'Received 79 of 5012 bytes. Chunk Size 79. Chunk addr=202a06a8',
    );
  });
});

describe('printf as newlib formats floats and narrow integers', () => {
  it.each([
    ['%08.3f', [3.14159], '0003.142'],
    ['%06.2f', [-1.5], '-01.50'],
    ['%.0f', [2.5], '2'],
    ['%.0f', [0.5], '0'],
    ['%.2f', [0.125], '0.12'],
    ['%e', [12345.678], '1.234568e+04'],
    ['%E', [0.000123], '1.230000E-04'],
    ['%g', [12345.678], '12345.7'],
    ['%g', [1e6], '1e+06'],
    ['%g', [0.0001], '0.0001'],
    ['%g', [0], '0'],
    ['%#g', [1.5], '1.50000'],
    ['%.3g', [0.00001234], '1.23e-05'],
    ['%f', [Infinity], 'inf'],
    ['%F', [Number.NaN], 'NAN'],
    ['[%*d]', [-5, 42], '[42   ]'],
    ['[%.*s]', [-1, 'abc'], '[abc]'],
    ['%hhd', [300], '44'],
    ['%hu', [70000], '4464'],
    ['%08.3d', [5], '     005'],
  ])('%s of %j is %j', (format, args, expected) => {
    expect(sprintf(format, ...(args as (number | string)[]))).toBe(expected);
  });
});

describe('formats parsed once', () => {
  it('gives the same text the second time, and for formats made at run time, however many', () => {
    expect(sprintf('Received %d of %d bytes. Chunk Size %d. Chunk addr=%x', 128, 5012, 128, 0x289080)).toBe('Received 128 of 5012 bytes. Chunk Size 128. Chunk addr=289080');
    expect(sprintf('Received %d of %d bytes. Chunk Size %d. Chunk addr=%x', 256, 5012, 128, 0x289100)).toBe('Received 256 of 5012 bytes. Chunk Size 128. Chunk addr=289100');
    for (let i = 0; i < 2000; i++) expect(sprintf(`${i}: %05d%%|%-3s|`, i, 'x')).toBe(`${i}: ${String(i).padStart(5, '0')}%|x  |`);
    expect(sprintf('100%, %y is no conversion, nor is a trailing %', 1)).toBe('100%, %y is no conversion, nor is a trailing %');
  });
});

describe('formatInto (printf into Latin-1 bytes)', () => {
  const cases: [string, PrintfArg[]][] = [
    ['Received %d of %d bytes. Chunk Size %d. Chunk addr=%x', [128, 1048576, 128, 0x30080]],
    ['%d %i %u %x %X %o', [-2147483648, 0, -1, 0xffffffff, 0xabcdef, 8]],
    ['%d|%u|%x', [4294967296 + 5, 2 ** 40 + 7, -16]],
    ['%hhd %hu %ld %d %d', [300, 70000, 123456n, true, 'A']],
    ['%05d %-4d| %+d % d %#x %.3u %*d', [42, 7, 5, 5, 255, 9, 4, 7]],
    ['%s and %c and %.2f and %p and %%', ['text', 65, 3.14159, 0x2000]],
    ['%00d', [12]],
    ['no conversions, \xff', []],
    ['%d missing', []],
  ];

  it.each(cases)('writes %j with %j as the bytes of sprintf', (format, args) => {
    const out = new Latin1Text();
    out.text('before ');
    expect(formatInto(out, format, args)).toBe(true);
    expect(out.latin1()).toBe(`before ${formatWith(format, args)}`);
    expect(out.latin1(7)).toBe(formatWith(format, args));
  });

  it('answers false for a character beyond Latin-1, from the format or an argument', () => {
    expect(formatInto(new Latin1Text(), 'arrow → %d', [1])).toBe(false);
    expect(formatInto(new Latin1Text(), 'name %s', ['→'])).toBe(false);
    expect(formatInto(new Latin1Text(), '%c', ['→'])).toBe(false);
  });

  it('grows past its first bytes', () => {
    const out = new Latin1Text();
    const long = 'x'.repeat(10_000);
    expect(formatInto(out, '%s %d', [long, 12345])).toBe(true);
    expect(out.latin1()).toBe(`${long} 12345`);
  });
});
