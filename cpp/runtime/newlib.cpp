// Where the toolchain's C library (wasi-libc) and the device's (newlib) give different answers,
// the device's wins. Each function here is newlib's behaviour, written fresh.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern "C" {

/* newlib's atoi is (int)strtol(s, NULL, 10): it saturates ("4294967295" gives 2147483647, not -1). */
int atoi(const char* s) { return (int)strtol(s, nullptr, 10); }
long atol(const char* s) { return strtol(s, nullptr, 10); }

/* newlib's non-standard integer-to-text conversions (stdlib.h), which Arduino-style code uses. */
static char* vb_unsigned_to_text(unsigned long value, char* out, int base) {
    if (base < 2 || base > 36) {
        out[0] = 0;
        return out;
    }
    char digits[33];
    int n = 0;
    do {
        const unsigned d = value % base;
        digits[n++] = char(d < 10 ? '0' + d : 'a' + d - 10);
        value /= base;
    } while (value);
    for (int i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    out[n] = 0;
    return out;
}

char* utoa(unsigned value, char* out, int base) { return vb_unsigned_to_text(value, out, base); }
char* ultoa(unsigned long value, char* out, int base) { return vb_unsigned_to_text(value, out, base); }

/* Negative numbers get a sign in base 10 only; other bases print the two's complement. */
char* itoa(int value, char* out, int base) {
    if (base == 10 && value < 0) {
        out[0] = '-';
        vb_unsigned_to_text(0U - (unsigned)value, out + 1, base);
        return out;
    }
    return vb_unsigned_to_text((unsigned)value, out, base);
}

char* ltoa(long value, char* out, int base) { return itoa((int)value, out, base); }

} // extern "C"
