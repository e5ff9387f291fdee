/**
 * Regression (issue 8, held-out check): parseModule called random bytes — no module at all —
 * "truncated", because the first 8 bytes read as a start and a later end address. A file is called
 * truncated now only when its prefix makes sense in every other field.
 */
import { parseModule } from '../../src/index';
import { SeededRandom } from '../../src/sim/random';
import { thrown } from '../thrown';

test.each(['random image', 'noise 1', 'noise 2', 'noise 3'])('random bytes (seed %j) are "not a Particle module"', (seed) => {
  const bytes = new SeededRandom(seed).fill(new Uint8Array(20_000));
  const error = thrown(() => parseModule(bytes));
  expect(error.code).toBe('MODULE_NO_PREFIX');
  expect(error.message).toBe('Failed to parse module: no module prefix was found at any offset up to 8 KB in these 20000 bytes. This is not a Particle module.');
});
