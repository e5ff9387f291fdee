/* The non-standard integer-to-text conversions a Boron app has (wiring's, see runtime newlib.cpp), which wasi-libc lacks. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
char* itoa(int value, char* out, int base);
char* ltoa(long value, char* out, int base);
char* utoa(unsigned value, char* out, int base);
char* ultoa(unsigned long value, char* out, int base);
#ifdef __cplusplus
}
#endif
