/* Print (Device OS wiring/inc/spark_wiring_print.h): number formatting in C++ (runtime print.cpp), bytes out through write(). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "spark_wiring_string.h"
#include "spark_wiring_printable.h"

const unsigned char DEC = 10;
const unsigned char HEX = 16;
const unsigned char OCT = 8;
const unsigned char BIN = 2;

class Print {
private:
    int write_error;
    size_t printNumber(unsigned long, uint8_t);
    size_t printFloat(double, uint8_t);

protected:
    void setWriteError(int err = 1) { write_error = err; }
    size_t printf_impl(bool newline, const char* format, ...) __attribute__((format(printf, 3, 4)));

public:
    Print() : write_error(0) {}
    virtual ~Print() {}

    int getWriteError() { return write_error; }
    void clearWriteError() { setWriteError(0); }

    virtual size_t write(uint8_t) = 0;
    size_t write(const char* str) {
        if (str == NULL) return 0;
        return write((const uint8_t*)str, strlen(str));
    }
    virtual size_t write(const uint8_t* buffer, size_t size);
    size_t write(const char* buffer, size_t size) { return write((const uint8_t*)buffer, size); }

    size_t print(const char[]);
    size_t print(char);
    size_t print(unsigned char, int = DEC);
    size_t print(int, int = DEC);
    size_t print(unsigned int, int = DEC);
    size_t print(long, int = DEC);
    size_t print(unsigned long, int = DEC);
    size_t print(double, int = 2);
    size_t print(const Printable&);
    size_t print(const __FlashStringHelper*);
    size_t print(const String& s) { return write((const uint8_t*)s.c_str(), s.length()); }

    size_t println(const char[]);
    size_t println(char);
    size_t println(unsigned char, int = DEC);
    size_t println(int, int = DEC);
    size_t println(unsigned int, int = DEC);
    size_t println(long, int = DEC);
    size_t println(unsigned long, int = DEC);
    size_t println(double, int = 2);
    size_t println(const Printable&);
    size_t println(void);
    size_t println(const __FlashStringHelper*);
    size_t println(const String& s) { return print(s) + println(); }

    template <typename... Args>
    inline size_t printf(const char* format, Args... args) { return this->printf_impl(false, format, vb::arg(args)...); }

    template <typename... Args>
    inline size_t printlnf(const char* format, Args... args) { return this->printf_impl(true, format, vb::arg(args)...); }
};
