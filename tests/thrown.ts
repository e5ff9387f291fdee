import { EmulatorError } from '../src/sim/messages';

/** The EmulatorError `action` throws (fails the test if it throws nothing or something else). */
export function thrown(action: () => unknown): EmulatorError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorError);
    return error as EmulatorError;
  }
  throw new Error('expected an EmulatorError, but nothing was thrown');
}
