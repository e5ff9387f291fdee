/*
 * Device OS version numbers (system/inc/system_version.h): 0xMMmmpp followed by 0xFF for a
 * release. SYSTEM_VERSION is the version the sketch is compiled for (compileSketch's deviceOs).
 */
#pragma once

#define SYSTEM_VERSION_DEFAULT(x, y, z) ((((x) & 0xFF) << 24) | (((y) & 0xFF) << 16) | (((z) & 0xFF) << 8) | 0xFF)
#define SYSTEM_VERSION_v121 SYSTEM_VERSION_DEFAULT(1, 2, 1)
#define SYSTEM_VERSION_v144 SYSTEM_VERSION_DEFAULT(1, 4, 4)
#define SYSTEM_VERSION_v152 SYSTEM_VERSION_DEFAULT(1, 5, 2)
#define SYSTEM_VERSION_v201 SYSTEM_VERSION_DEFAULT(2, 0, 1)
#define SYSTEM_VERSION_v331 SYSTEM_VERSION_DEFAULT(3, 3, 1)
#define SYSTEM_VERSION_v410 SYSTEM_VERSION_DEFAULT(4, 1, 0)
#define SYSTEM_VERSION_v620 SYSTEM_VERSION_DEFAULT(6, 2, 0)

#ifndef SYSTEM_VERSION
#define SYSTEM_VERSION VB_SYSTEM_VERSION
#endif
