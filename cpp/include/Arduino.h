/* Particle.h under its Arduino name: min, max and constrain are macros, as Device OS gives them. */
#pragma once
#define PARTICLE_WIRING_ARDUINO_COMPATIBILTY 1
#include "application.h"
#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef constrain
#define constrain(amt, low, high) ((amt) < (low) ? (low) : ((amt) > (high) ? (high) : (amt)))
#endif
