/*
 * FileTransfer (Device OS communication/inc/file_transfer.h): the descriptor the Spark_* update
 * calls take. The same 20 packed bytes; the constructor sets only `size` and every other field
 * starts as whatever was on the stack (the emulator's seeded garbage, see the `stack` option).
 */
#pragma once

#include <stdint.h>
#include "virtual_boron/support.h"

namespace FileTransfer {

namespace Store {
enum __attribute__((__packed__)) Enum {
    FIRMWARE,
    SYSTEM,
    APPLICATION = 128,
};
}

struct __attribute__((packed)) Chunk {
    vb::DescriptorField<uint16_t, 0> size;
    vb::DescriptorField<uint16_t, 2> reserved2;
    vb::DescriptorField<uint32_t, 4> chunk_address;
    vb::DescriptorField<uint16_t, 8> chunk_size;
    vb::DescriptorField<Store::Enum, 10> store;
    vb::DescriptorField<uint8_t, 11> reserved;
};

static_assert(sizeof(Chunk) == 12, "FileTransfer::Chunk is 12 bytes on the device");

struct Descriptor : public Chunk {
    Descriptor() { vb_descriptor_init(this); }

    vb::DescriptorField<uint32_t, 12> file_length;
    vb::DescriptorField<uint32_t, 16> file_address;

    unsigned chunk_count(unsigned chunk_size) {
        return chunk_size ? (file_length + chunk_size - 1) / chunk_size : 0;
    }
};

static_assert(sizeof(Descriptor) == 20, "FileTransfer::Descriptor is 20 bytes on the device");

} // namespace FileTransfer
