/*
 * The module format's types and constants (Device OS dynalib/inc/module_info.h at v1.4.4): the
 * 24-byte prefix, the 36-byte suffix and the CRC every Particle binary carries. wasm32 has 32-bit
 * pointers, so the layouts are the device's.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "virtual_boron/support.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct module_dependency_t {
    uint8_t module_function;
    uint8_t module_index;
    uint16_t module_version;
} module_dependency_t;

typedef enum module_info_flags_t {
    MODULE_INFO_FLAG_NONE = 0x00,
    MODULE_INFO_FLAG_DROP_MODULE_INFO = 0x01
} module_info_flags_t;

typedef struct module_info_t {
    const void* module_start_address;
    const void* module_end_address; /* exclusive; the CRC starts here */
    uint8_t reserved;               /* mcu_target on Gen 3 */
    uint8_t flags;                  /* module_info_flags_t */
    uint16_t module_version;
    uint16_t platform_id;
    uint8_t module_function;
    uint8_t module_index;
    module_dependency_t dependency;
    module_dependency_t dependency2;
} module_info_t;

#define MOD_FUNC_NONE 0
#define MOD_FUNC_RESOURCE 1
#define MOD_FUNC_BOOTLOADER 2
#define MOD_FUNC_MONO_FIRMWARE 3
#define MOD_FUNC_SYSTEM_PART 4
#define MOD_FUNC_USER_PART 5
#define MOD_FUNC_SETTINGS 6
#define MOD_FUNC_NCP_FIRMWARE 7
#define MOD_FUNC_RADIO_STACK 8

typedef enum module_function_t {
    MODULE_FUNCTION_NONE = MOD_FUNC_NONE,
    MODULE_FUNCTION_RESOURCE = MOD_FUNC_RESOURCE,
    MODULE_FUNCTION_BOOTLOADER = MOD_FUNC_BOOTLOADER,
    MODULE_FUNCTION_MONO_FIRMWARE = MOD_FUNC_MONO_FIRMWARE,
    MODULE_FUNCTION_SYSTEM_PART = MOD_FUNC_SYSTEM_PART,
    MODULE_FUNCTION_USER_PART = MOD_FUNC_USER_PART,
    MODULE_FUNCTION_SETTINGS = MOD_FUNC_SETTINGS,
    MODULE_FUNCTION_NCP_FIRMWARE = MOD_FUNC_NCP_FIRMWARE,
    MODULE_FUNCTION_RADIO_STACK = MOD_FUNC_RADIO_STACK
} module_function_t;

typedef enum module_store_t {
    MODULE_STORE_MAIN = 0,
    MODULE_STORE_FACTORY = 1,
    MODULE_STORE_BACKUP = 2,
    MODULE_STORE_SCRATCHPAD = 3
} module_store_t;

typedef enum module_scheme_t {
    MODULE_SCHEME_MONO,
    MODULE_SCHEME_SPLIT
} module_scheme_t;

typedef struct module_info_suffix_t {
    uint16_t reserved;
    uint8_t sha[32];
    uint16_t size;
} __attribute__((packed)) module_info_suffix_t;

typedef struct module_info_crc_t {
    uint32_t crc32;
} __attribute__((packed)) module_info_crc_t;

_Static_assert(sizeof(module_info_t) == 24, "module_info_t is 24 bytes");
_Static_assert(sizeof(module_info_suffix_t) == 36, "module_info_suffix_t is 36 bytes");

/* Pure readers of a prefix, as Device OS's dynalib/src/module_info.c computes them. */
static inline module_function_t module_function(const module_info_t* mi) { return (module_function_t)mi->module_function; }
static inline uint8_t module_index(const module_info_t* mi) { return mi->module_index; }
static inline uint16_t module_platform_id(const module_info_t* mi) { return mi->platform_id; }
static inline uint32_t module_length(const module_info_t* mi) {
    return (uint32_t)((const uint8_t*)mi->module_end_address - (const uint8_t*)mi->module_start_address);
}

/* The running app's own prefix, suffix and CRC live in flash on the device. */
extern const module_info_t module_info VB_NOT_MODELLED("the app's own module_info");
extern const module_info_suffix_t module_info_suffix VB_NOT_MODELLED("the app's own module_info_suffix");
extern const module_info_crc_t module_info_crc VB_NOT_MODELLED("the app's own module_info_crc");

#ifdef __cplusplus
}
#endif
