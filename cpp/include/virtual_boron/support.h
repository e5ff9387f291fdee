/*
 * virtual-boron: small pieces the Particle headers share.
 */
#pragma once

#include <stdint.h>

/* A Particle API that the emulator does not model yet: calling it is a compile error that says so. */
#define VB_NOT_MODELLED(what) __attribute__((unavailable(what " is not modelled by virtual-boron yet")))

#ifdef __cplusplus
#include "virtual_boron/host.h"

namespace vb {

/*
 * A field of FileTransfer::Descriptor: the same bytes as the plain integer Device OS declares,
 * but every read and write is told to the emulator, which keeps which fields were ever written
 * (to report a read of stack garbage, as valgrind would) and gives the device's garbage to the
 * ones that were not. `Offset` is the field's place in the descriptor.
 */
template <typename T, unsigned Offset>
class DescriptorField {
    T value_;

    void* descriptor() const { return const_cast<char*>(reinterpret_cast<const char*>(this) - Offset); }
    DescriptorField& store(T value) {
        value_ = value;
        vb_descriptor_wrote(descriptor(), Offset);
        return *this;
    }

public:
    operator T() const { return static_cast<T>(vb_descriptor_read(descriptor(), Offset)); }
    DescriptorField& operator=(T value) { return store(value); }
    template <typename U> DescriptorField& operator+=(U v) { return store(static_cast<T>(T(*this) + v)); }
    template <typename U> DescriptorField& operator-=(U v) { return store(static_cast<T>(T(*this) - v)); }
    template <typename U> DescriptorField& operator*=(U v) { return store(static_cast<T>(T(*this) * v)); }
    template <typename U> DescriptorField& operator/=(U v) { return store(static_cast<T>(T(*this) / v)); }
    template <typename U> DescriptorField& operator%=(U v) { return store(static_cast<T>(T(*this) % v)); }
    template <typename U> DescriptorField& operator&=(U v) { return store(static_cast<T>(T(*this) & v)); }
    template <typename U> DescriptorField& operator|=(U v) { return store(static_cast<T>(T(*this) | v)); }
    template <typename U> DescriptorField& operator^=(U v) { return store(static_cast<T>(T(*this) ^ v)); }
    template <typename U> DescriptorField& operator<<=(U v) { return store(static_cast<T>(T(*this) << v)); }
    template <typename U> DescriptorField& operator>>=(U v) { return store(static_cast<T>(T(*this) >> v)); }
    DescriptorField& operator++() { return store(static_cast<T>(T(*this) + 1)); }
    DescriptorField& operator--() { return store(static_cast<T>(T(*this) - 1)); }
    T operator++(int) { T old = *this; store(static_cast<T>(old + 1)); return old; }
    T operator--(int) { T old = *this; store(static_cast<T>(old - 1)); return old; }
};

/*
 * What a variadic call passes for an argument: a descriptor field as its integer (promoted as C
 * promotes it), anything else unchanged. Particle's printf-like calls go through this.
 */
template <typename T> inline T arg(T value) { return value; }
template <typename T, unsigned Offset> inline T arg(const DescriptorField<T, Offset>& field) { return field; }

} // namespace vb
#endif
