// Print and Stream as Particle's wiring behaves: numbers formatted here in C, bytes out through the
// subclass's write(); timed reads give up after setTimeout()'s milliseconds of millis().
#include "spark_wiring_print.h"
#include "spark_wiring_stream.h"
#include "spark_wiring_ipaddress.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

size_t Print::write(const uint8_t* buffer, size_t size) {
    size_t n = 0;
    while (size--) n += write(*buffer++);
    return n;
}

size_t Print::print(const __FlashStringHelper* text) { return print(reinterpret_cast<const char*>(text)); }
size_t Print::print(const char text[]) { return write(text); }
size_t Print::print(char c) { return write(uint8_t(c)); }
size_t Print::print(unsigned char b, int base) { return print((unsigned long)b, base); }
size_t Print::print(int n, int base) { return print((long)n, base); }
size_t Print::print(unsigned int n, int base) { return print((unsigned long)n, base); }

size_t Print::print(long n, int base) {
    if (base == 0) return write(uint8_t(n));
    if (base == 10 && n < 0) return print('-') + printNumber(0UL - (unsigned long)n, 10);
    return printNumber((unsigned long)n, uint8_t(base));
}

size_t Print::print(unsigned long n, int base) {
    if (base == 0) return write(uint8_t(n));
    return printNumber(n, uint8_t(base));
}

size_t Print::print(double n, int digits) { return printFloat(n, uint8_t(digits)); }
size_t Print::print(const Printable& x) { return x.printTo(*this); }

// Two writes, as on the device (spark_wiring_print.cpp:115-120 at v1.4.4): a TCPClient sends '\r' and '\n' separately.
size_t Print::println(void) { return print('\r') + print('\n'); }
size_t Print::println(const __FlashStringHelper* text) { return print(text) + println(); }
size_t Print::println(const char c[]) { return print(c) + println(); }
size_t Print::println(char c) { return print(c) + println(); }
size_t Print::println(unsigned char b, int base) { return print(b, base) + println(); }
size_t Print::println(int num, int base) { return print(num, base) + println(); }
size_t Print::println(unsigned int num, int base) { return print(num, base) + println(); }
size_t Print::println(long num, int base) { return print(num, base) + println(); }
size_t Print::println(unsigned long num, int base) { return print(num, base) + println(); }
size_t Print::println(double num, int digits) { return print(num, digits) + println(); }
size_t Print::println(const Printable& x) { return print(x) + println(); }

size_t Print::printNumber(unsigned long n, uint8_t base) {
    char text[8 * sizeof(long) + 1];
    char* p = &text[sizeof(text) - 1];
    *p = 0;
    if (base < 2) base = 10;
    do {
        const unsigned long digit = n % base;
        n /= base;
        *--p = char(digit < 10 ? '0' + digit : 'A' + digit - 10);
    } while (n);
    return write(p);
}

size_t Print::printFloat(double number, uint8_t digits) {
    if (isnan(number)) return print("nan");
    if (isinf(number)) return print("inf");
    if (number > 4294967040.0 || number < -4294967040.0) return print("ovf");
    size_t n = 0;
    if (number < 0.0) {
        n += print('-');
        number = -number;
    }
    // Round at the last printed digit, then print the whole part and each decimal in turn.
    double rounding = 0.5;
    for (uint8_t i = 0; i < digits; ++i) rounding /= 10.0;
    number += rounding;
    unsigned long whole = (unsigned long)number;
    double rest = number - (double)whole;
    n += print(whole);
    if (digits > 0) n += print('.');
    while (digits-- > 0) {
        rest *= 10.0;
        const unsigned digit = unsigned(rest);
        n += print(digit);
        rest -= digit;
    }
    return n;
}

// As `Print::printf_impl` (`wiring/src/spark_wiring_print.cpp:256-280` at v1.4.4): formatted on the
// stack (a 20-byte try, then a buffer of the exact size), printed as a C string, so output stops at
// a NUL that %c or %s put in, and a very long line costs its length in stack.
size_t Print::printf_impl(bool newline, const char* format, ...) {
    char first[20];
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const int n = vsnprintf(first, sizeof(first), format, args);
    va_end(args);
    size_t written = 0;
    if (n >= 0 && size_t(n) < sizeof(first)) {
        written = print(first);
    } else if (n > 0) {
        char exact[n + 1];
        vsnprintf(exact, n + 1, format, again);
        written = print(exact);
    }
    va_end(again);
    if (newline) written += println();
    return written;
}

size_t IPAddress::printTo(Print& p) const {
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i) n += p.print('.');
        n += p.print(octets_[i], DEC);
    }
    return n;
}

// ---- Stream ----

void Stream::setTimeout(system_tick_t timeout) { _timeout = timeout; }

int Stream::timedRead() {
    _startMillis = millis();
    do {
        const int c = read();
        if (c >= 0) return c;
    } while (millis() - _startMillis < _timeout);
    return -1;
}

int Stream::timedPeek() {
    _startMillis = millis();
    do {
        const int c = peek();
        if (c >= 0) return c;
    } while (millis() - _startMillis < _timeout);
    return -1;
}

int Stream::peekNextDigit() {
    for (;;) {
        const int c = timedPeek();
        if (c < 0) return c;
        if (c == '-' || (c >= '0' && c <= '9')) return c;
        read();
    }
}

bool Stream::find(char* target) { return findUntil(target, strlen(target), NULL, 0); }
bool Stream::find(char* target, size_t length) { return findUntil(target, length, NULL, 0); }
bool Stream::findUntil(char* target, char* terminator) { return findUntil(target, strlen(target), terminator, strlen(terminator)); }

bool Stream::findUntil(char* target, size_t targetLen, char* terminator, size_t termLen) {
    size_t matched = 0;
    size_t termMatched = 0;
    if (targetLen == 0) return true;
    int c;
    while ((c = timedRead()) > 0) {
        if (c == target[matched]) {
            if (++matched >= targetLen) return true;
        } else {
            matched = c == target[0] ? 1 : 0;
        }
        if (termLen > 0 && c == terminator[termMatched]) {
            if (++termMatched >= termLen) return false;
        } else {
            termMatched = 0;
        }
    }
    return false;
}

long Stream::parseInt() { return parseInt(1); } // 1: no character is skipped

long Stream::parseInt(char skipChar) {
    bool negative = false;
    long value = 0;
    int c = peekNextDigit();
    if (c < 0) return 0;
    do {
        if (c == skipChar) {
        } else if (c == '-') {
            negative = true;
        } else if (c >= '0' && c <= '9') {
            value = value * 10 + c - '0';
        }
        read();
        c = timedPeek();
    } while ((c >= '0' && c <= '9') || c == skipChar);
    return negative ? -value : value;
}

float Stream::parseFloat() { return parseFloat(char(1)); }

float Stream::parseFloat(char skipChar) {
    bool negative = false;
    bool fraction = false;
    long value = 0;
    float scale = 1.0f;
    int c = peekNextDigit();
    if (c < 0) return 0;
    do {
        if (c == skipChar) {
        } else if (c == '-') {
            negative = true;
        } else if (c == '.') {
            fraction = true;
        } else if (c >= '0' && c <= '9') {
            value = value * 10 + c - '0';
            if (fraction) scale *= 0.1f;
        }
        read();
        c = timedPeek();
    } while ((c >= '0' && c <= '9') || c == '.' || c == skipChar);
    const float result = fraction ? value * scale : float(value);
    return negative ? -result : result;
}

size_t Stream::readBytes(char* buffer, size_t length) {
    size_t count = 0;
    while (count < length) {
        const int c = timedRead();
        if (c < 0) break;
        *buffer++ = char(c);
        count++;
    }
    return count;
}

size_t Stream::readBytesUntil(char terminator, char* buffer, size_t length) {
    size_t index = 0;
    while (index < length) {
        const int c = timedRead();
        if (c < 0 || c == terminator) break;
        *buffer++ = char(c);
        index++;
    }
    return index;
}

String Stream::readString() {
    String out;
    int c;
    while ((c = timedRead()) >= 0) out += char(c);
    return out;
}

String Stream::readStringUntil(char terminator) {
    String out;
    int c;
    while ((c = timedRead()) >= 0 && c != terminator) out += char(c);
    return out;
}
