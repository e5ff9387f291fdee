/**
 * The loud edges of compiling a sketch: clang's errors with the user's own file names and lines, a
 * Particle API the emulator does not model named as such, and a function nobody defines named by
 * the linker. Each is a SketchCompileError (code SKETCH_COMPILE) before anything runs.
 */
import { compileSketch, SketchCompileError, type SketchSource } from '../../../src/index';
import { COMPILE_TIMEOUT } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

async function compileError(source: SketchSource): Promise<SketchCompileError> {
  const error = await compileSketch(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SketchCompileError);
  expect((error as SketchCompileError).code).toBe('SKETCH_COMPILE');
  return error as SketchCompileError;
}

const errors = (error: SketchCompileError) => error.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);

describe('compile errors', () => {
  it('a syntax error in an .ino is reported at the .ino\'s own line, though the preprocessor added lines above it', async () => {
    const error = await compileError({ 'app.ino': 'SYSTEM_MODE(MANUAL);\n\nvoid setup() {\n  int x = ;\n}\n\nint later() { return 1; }\n' });
    expect(errors(error)).toEqual(['app.ino:4:11: expected expression']);
    expect(error.message.split('\n').slice(0, 2)).toEqual(['Failed to compile sketch "sketch": clang reported 1 error.', 'app.ino:4:11: error: expected expression']);
  });

  it('an error in a project\'s C++ file is reported at that file\'s path in the project', async () => {
    const error = await compileError({ 'src/app.ino': 'void setup() {}\n', 'src/util.cpp': '#include "Particle.h"\nint f() {\n  return undefinedThing;\n}\n' });
    expect(errors(error)).toEqual(["src/util.cpp:3:10: use of undeclared identifier 'undefinedThing'"]);
  });

  it.each([
    ['Particle.publish("temp", "21");', "'publish' is unavailable: Particle.publish() is not modelled by virtual-boron yet"],
    ['Particle.subscribe("temp", nullptr);', "'subscribe' is unavailable: Particle.subscribe() is not modelled by virtual-boron yet"],
    ['Cellular.on();', "'Cellular' is unavailable: Cellular is not modelled by virtual-boron yet"],
    ['WiFi.on();', "'WiFi' is unavailable: WiFi is not modelled by virtual-boron yet"],
    ['pinMode(D7, OUTPUT);', "'pinMode' is unavailable: pinMode() (GPIO) is not modelled by virtual-boron yet"],
    ['Serial.println(Time.now());', "'Time' is unavailable: Time is not modelled by virtual-boron yet"],
    ['System.sleep(10);', "'sleep' is unavailable: System.sleep() is not modelled by virtual-boron yet"],
    ['delayMicroseconds(10);', "'delayMicroseconds' is unavailable: delayMicroseconds() is not modelled by virtual-boron yet"],
    ['Log.printf("x");', "'printf' is unavailable: Log.printf() (raw log output) is not modelled by virtual-boron yet"],
    ['TCPServer server(80);', "'TCPServer' is unavailable: TCPServer is not modelled by virtual-boron yet"],
  ])('using an API the emulator does not model fails to compile, naming it: %s', async (statement, message) => {
    const error = await compileError({ 'app.ino': `void setup() {\n  ${statement}\n}\n` });
    expect(errors(error).map((e) => e.replace(/^app\.ino:2:\d+: /, 'app.ino:2: '))).toContain(`app.ino:2: ${message}`);
  });

  it('calling a function that no one defines fails to link, naming the function', async () => {
    const error = await compileError({ 'app.ino': 'int checksum(const uint8_t* data, size_t size);\nvoid setup() {\n  Serial.println(checksum(nullptr, 0));\n}\n' });
    expect(error.message).toBe(
      'Failed to link sketch "sketch": checksum(unsigned char const*, unsigned long) is called but defined nowhere — not in the sketch\'s sources, and not a Particle API the emulator models.\nwasm-ld: error: .virtual-boron/objects/0.o: undefined symbol: checksum(unsigned char const*, unsigned long)',
    );
  });
});
