/* millis(), micros(), delay() (Device OS wiring/inc/spark_wiring_ticks.h): virtual time, and delay() blocks. */
#pragma once

#include <stdint.h>
#include "virtual_boron/host.h"

typedef uint32_t system_tick_t;

#ifdef __cplusplus
inline system_tick_t millis(void) { return vb_millis(); }
inline unsigned long micros(void) { return vb_micros(); }
inline void delay(unsigned long ms) { vb_delay((uint32_t)ms); }
void delayMicroseconds(unsigned int us) VB_NOT_MODELLED("delayMicroseconds()");
#endif
