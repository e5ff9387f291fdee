/*
 * virtual-boron's Particle headers: Device OS's application API as the emulator models it. What
 * is declared here works; what a sketch may use but the emulator does not model yet is declared
 * unavailable, so the compile error names it.
 */
#pragma once

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platforms.h"
#include "system_version.h"
#include "virtual_boron/newlib.h"
#include "virtual_boron/support.h"

#ifdef __cplusplus
#include "spark_wiring_constants.h"
#include "spark_wiring_ticks.h"
#include "spark_wiring_string.h"
#include "spark_wiring_print.h"
#include "spark_wiring_stream.h"
#include "spark_wiring_usbserial.h"
#include "spark_wiring_logging.h"
#include "spark_wiring_ipaddress.h"
#include "spark_wiring_client.h"
#include "spark_wiring_tcpclient.h"
#include "spark_wiring_system.h"
#include "spark_wiring_cloud.h"
#include "spark_wiring_startup.h"
#include "system_update.h"
#include "module_info.h"
#include "virtual_boron/not_modelled.h"
#include "virtual_boron/printf.h"

/* The app's entry points; never inlined, so a crash names them. */
void setup() __attribute__((noinline));
void loop() __attribute__((noinline));

namespace spark {}
namespace particle {}
using namespace spark;
using namespace particle;

/* Arduino's PROGMEM helpers are plain memory on a Boron. */
#define PROGMEM
#define PSTR(x) (x)
#define strcpy_P strcpy
#define strlen_P strlen
#define strcmp_P strcmp
#define memcpy_P memcpy
#define sprintf_P sprintf
#define vsnprintf_P vsnprintf
#endif
