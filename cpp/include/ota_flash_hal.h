/*
 * What Spark_Finish_Firmware_Update fills in on 1.x when given a hal_module_t* (Device OS
 * hal/inc/ota_flash_hal.h at v1.4.4): the module's bounds and the validation flags.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "module_info.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t maximum_size;
    uint32_t start_address;
    uint32_t end_address;
    module_function_t module_function;
    uint8_t module_index;
    module_store_t store;
    uint8_t mcu_identifier;
} module_bounds_t;

typedef enum {
    MODULE_VALIDATION_PASSED = 0,
    MODULE_VALIDATION_INTEGRITY = 1 << 1,
    MODULE_VALIDATION_DEPENDENCIES = 1 << 2,
    MODULE_VALIDATION_RANGE = 1 << 3,
    MODULE_VALIDATION_PLATFORM = 1 << 4,
    MODULE_VALIDATION_PRODUCT = 1 << 5,
    MODULE_VALIDATION_DEPENDENCIES_FULL = 1 << 6,
    MODULE_VALIDATION_END = 0x7FFF
} module_validation_flags_t;

typedef struct {
    module_bounds_t bounds;
    const module_info_t* info;
    const module_info_crc_t* crc;
    const module_info_suffix_t* suffix;
    uint16_t validity_checked;
    uint16_t validity_result;
} hal_module_t;

/* The emulator writes the validity fields where the device's struct has them. */
_Static_assert(offsetof(hal_module_t, validity_checked) == 28, "hal_module_t as on the device");

#ifdef __cplusplus
}
#endif
