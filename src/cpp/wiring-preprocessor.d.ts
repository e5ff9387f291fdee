/** Particle's own .ino preprocessor (the one the cloud compiler runs). */
declare module 'wiring-preprocessor' {
  /** The C++ for an .ino: `#include "Particle.h"` unless included, prototypes, `#line` directives. */
  export function processFile(inputFile: string, content: string): string;
}
