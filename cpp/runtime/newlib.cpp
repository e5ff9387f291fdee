// Where the toolchain's C library (wasi-libc) and the device's (newlib) give different answers,
// the device's wins. Each function here is newlib's behaviour, written fresh.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern "C" {

/* newlib's atoi is (int)strtol(s, NULL, 10): it saturates ("4294967295" gives 2147483647, not -1). */
int atoi(const char* s) { return (int)strtol(s, nullptr, 10); }
long atol(const char* s) { return strtol(s, nullptr, 10); }

/*
 * The integer-to-text conversions. newlib has its own, but Device OS's wiring library defines
 * itoa, utoa, ultoa and ltoa too (`wiring/src/string_convert.cpp` at v1.4.4, unchanged to v6.2.0),
 * and the app links wiring before libc, so wiring's are the ones a Boron app calls: lower-case
 * digits except in ltoa, a '-' before a negative itoa in any base, and ltoa's arithmetic on a
 * negative number outside base 10 (it divides the negative value, giving punctuation, not digits).
 */

/* Digits of `value` in `radix`, at least `pad` of them (zeros in front); wiring's ultoa. */
char* vb_ultoa_padded(unsigned long value, char* out, int radix, int pad) {
    if (radix < 2 || radix > 36) return nullptr; // the buffer is left as it was
    int n = 0;
    while (value) {
        const unsigned long digit = value % (unsigned long)radix;
        out[n++] = char(digit < 10 ? '0' + digit : 'a' + digit - 10);
        value /= (unsigned long)radix;
    }
    while (n < pad) out[n++] = '0';
    out[n] = 0;
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        const char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return out;
}

char* ultoa(unsigned long value, char* out, int radix) { return vb_ultoa_padded(value, out, radix, 1); }
char* utoa(unsigned value, char* out, int radix) { return vb_ultoa_padded(value, out, radix, 1); }

char* itoa(int value, char* out, int radix) {
    if (value < 0) {
        out[0] = '-';
        vb_ultoa_padded(0U - (unsigned)value, out + 1, radix, 1);
    } else {
        vb_ultoa_padded((unsigned)value, out, radix, 1);
    }
    return out;
}

/* Upper-case digits; a base outside 2..36 means 10; only base 10 gets a sign. */
char* ltoa(long value, char* out, int radix) {
    if (radix < 2 || radix > 36) radix = 10;
    char digits[sizeof(long) * 8 + 1];
    int n = 0;
    char* head = out;
    long rest = value;
    if (radix == 10 && value < 0) {
        *head++ = '-';
        rest = (long)(0UL - (unsigned long)value);
    }
    if (rest == 0) digits[n++] = '0';
    while (rest) {
        const ldiv_t step = ldiv(rest, radix); // truncates toward zero: a negative rest gives a negative remainder
        digits[n++] = char(step.rem + (step.rem > 9 ? 'A' - 10 : '0'));
        rest = step.quot;
    }
    while (n > 0) *head++ = digits[--n];
    *head = 0;
    return out;
}

} // extern "C"
