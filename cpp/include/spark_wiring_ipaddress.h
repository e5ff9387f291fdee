/* IPAddress (Device OS wiring/inc/spark_wiring_ipaddress.h), IPv4 only. */
#pragma once

#include <stdint.h>
#include "spark_wiring_printable.h"
#include "spark_wiring_string.h"

class IPAddress : public Printable {
    uint8_t octets_[4];

public:
    IPAddress() : octets_{0, 0, 0, 0} {}
    IPAddress(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3) : octets_{b0, b1, b2, b3} {}
    IPAddress(uint32_t address) { *this = address; }
    IPAddress(const uint8_t* address) : octets_{address[0], address[1], address[2], address[3]} {}

    /* As Device OS packs it: the first octet in the most significant byte. */
    operator uint32_t() const { return (uint32_t)octets_[0] << 24 | (uint32_t)octets_[1] << 16 | (uint32_t)octets_[2] << 8 | octets_[3]; }
    explicit operator bool() const { return (uint32_t)*this != 0; }
    bool operator==(const IPAddress& that) const { return (uint32_t)*this == (uint32_t)that; }
    bool operator!=(const IPAddress& that) const { return !(*this == that); }
    uint8_t operator[](int index) const { return octets_[index]; }
    uint8_t& operator[](int index) { return octets_[index]; }
    IPAddress& operator=(uint32_t address) {
        octets_[0] = address >> 24;
        octets_[1] = address >> 16;
        octets_[2] = address >> 8;
        octets_[3] = address;
        return *this;
    }
    IPAddress& operator=(const uint8_t* address) {
        for (int i = 0; i < 4; i++) octets_[i] = address[i];
        return *this;
    }
    uint8_t version() const { return 4; }
    String toString() const { return String::format("%u.%u.%u.%u", octets_[0], octets_[1], octets_[2], octets_[3]); }
    virtual size_t printTo(Print& p) const;
};
