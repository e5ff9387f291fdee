/* Printable (Device OS wiring/inc/spark_wiring_printable.h). */
#pragma once

#include <stddef.h>

class Print;

class Printable {
public:
    virtual ~Printable() {}
    virtual size_t printTo(Print& p) const = 0;
};
