/*
 * The application-level update calls (Device OS system/inc/system_update.h) and their flags
 * (communication/inc/protocol_defs.h). The emulator implements them per Device OS profile.
 */
#pragma once

#include <stdint.h>
#include "file_transfer.h"

namespace particle {
namespace protocol {
namespace UpdateFlag {
enum Enum {
    ERROR = 0x00,
    SUCCESS = 0x01,
    VALIDATE_ONLY = 0x02,
    DONT_RESET = 0x04
};
}
} // namespace protocol
} // namespace particle

/* 0 on success; Device OS erases the OTA region here. Flags bit 0: a dry run. */
inline int Spark_Prepare_For_Firmware_Update(FileTransfer::Descriptor& file, uint32_t flags, void* reserved) {
    return vb_spark_prepare(&file, flags, reserved);
}

/* Writes file.chunk_size bytes from `chunk` at file.chunk_address. */
inline int Spark_Save_Firmware_Chunk(FileTransfer::Descriptor& file, const uint8_t* chunk, void* reserved) {
    return vb_spark_save(&file, chunk, reserved);
}

/* Validates and queues the module; `module` is a hal_module_t* (1.x) or a 255-byte result buffer (3.x+). */
inline int Spark_Finish_Firmware_Update(FileTransfer::Descriptor& file, uint32_t flags, void* module) {
    return vb_spark_finish(&file, flags, module);
}
