/*
 * sprintf, snprintf and printf as templates over newlib's: a FileTransfer::Descriptor field then
 * passes as its integer (C varargs cannot promote a class), and anything else as before.
 * printf writes to stdout, which goes nowhere on a Boron (the emulator says so once).
 */
#pragma once

#include <stddef.h>
#include <stdio.h>
#include "virtual_boron/support.h"

extern "C" int vb_sprintf(char* s, const char* format, ...) __attribute__((format(printf, 2, 3)));
extern "C" int vb_snprintf(char* s, size_t n, const char* format, ...) __attribute__((format(printf, 3, 4)));
extern "C" int vb_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

template <typename... A> inline int sprintf(char* s, const char* format, A... a) { return vb_sprintf(s, format, vb::arg(a)...); }
template <typename... A> inline int snprintf(char* s, size_t n, const char* format, A... a) { return vb_snprintf(s, n, format, vb::arg(a)...); }
template <typename... A> inline int printf(const char* format, A... a) { return vb_printf(format, vb::arg(a)...); }
