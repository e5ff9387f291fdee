// String as Particle's wiring documents it: a heap buffer with its length, growing as needed; a
// failed allocation leaves the string invalid (c_str() NULL), as on the device.
#include "spark_wiring_string.h"
#include "spark_wiring_print.h"
#include "spark_wiring_printable.h"
#include "virtual_boron/newlib.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" char* vb_ultoa_padded(unsigned long value, char* out, int radix, int pad);

namespace {

/*
 * Particle's `dtoa` (`wiring/src/spark_wiring_string.cpp:39-61` at v1.4.4), which String(float) and
 * concat(float) use rather than printf: scale by 10^places in a 32-bit long, truncate to 64 bits,
 * round half up once, then print the whole part and exactly `places` fraction digits, each as an
 * unsigned long (so a whole part past 4294967295 wraps).
 */
void dtoa(double value, unsigned char places, char* out) {
    if (value < 0) {
        value = -value;
        *out++ = '-';
    }
    long scale = 1;
    for (unsigned char i = 0; i < places; i++) scale = (long)((unsigned long)scale * 10UL);
    value *= scale;
    uint64_t fixed = uint64_t(value);
    if (value - double(fixed) >= 0.5) fixed++;
    vb_ultoa_padded((unsigned long)(fixed / (uint64_t)scale), out, 10, 1);
    if (places) {
        out += strlen(out);
        *out++ = '.';
        vb_ultoa_padded((unsigned long)(fixed % (uint64_t)scale), out, 10, places);
    }
}

} // namespace

void String::init(void) {
    buffer = nullptr;
    capacity = 0;
    len = 0;
    flags = 0;
}

void String::invalidate(void) {
    free(buffer);
    init();
}

unsigned char String::reserve(unsigned int size) {
    if (buffer && capacity >= size) return 1;
    if (changeBuffer(size)) {
        if (len == 0) buffer[0] = 0;
        return 1;
    }
    return 0;
}

unsigned char String::changeBuffer(unsigned int maxStrLen) {
    char* grown = static_cast<char*>(realloc(buffer, maxStrLen + 1));
    if (!grown) return 0;
    buffer = grown;
    capacity = maxStrLen;
    return 1;
}

String& String::copy(const char* cstr, unsigned int length) {
    if (!reserve(length)) {
        invalidate();
        return *this;
    }
    len = length;
    memmove(buffer, cstr, length);
    buffer[len] = 0;
    return *this;
}

void String::move(String& rhs) {
    if (this == &rhs) return;
    free(buffer);
    buffer = rhs.buffer;
    capacity = rhs.capacity;
    len = rhs.len;
    rhs.init();
}

String::String(const char* cstr) {
    init();
    if (cstr) copy(cstr, strlen(cstr));
}

String::String(const char* cstr, unsigned int length) {
    init();
    if (cstr) copy(cstr, length);
}

String::String(const String& value) {
    init();
    *this = value;
}

String::String(const __FlashStringHelper* pstr) {
    init();
    const char* text = reinterpret_cast<const char*>(pstr);
    if (text) copy(text, strlen(text));
}

namespace {
// Collects what a Printable prints.
class StringPrinter : public Print {
public:
    explicit StringPrinter(String& target) : target_(target) {}
    size_t write(uint8_t c) override { return target_.concat(char(c)) ? 1 : 0; }
private:
    String& target_;
};
} // namespace

String::String(const Printable& printable) {
    init();
    StringPrinter printer(*this);
    printable.printTo(printer);
}

String::String(String&& rval) {
    init();
    move(rval);
}

String::String(StringSumHelper&& rval) {
    init();
    move(rval);
}

String::String(char c) {
    init();
    char text[2] = {c, 0};
    *this = text;
}

// Each number constructor converts as wiring does (spark_wiring_string.cpp:116-169 at v1.4.4):
// utoa/itoa/ultoa give lower-case digits, ltoa upper-case.
String::String(unsigned char value, unsigned char base) {
    init();
    char text[34];
    utoa(value, text, base);
    *this = text;
}

String::String(int value, unsigned char base) {
    init();
    char text[35];
    itoa(value, text, base);
    *this = text;
}

String::String(unsigned int value, unsigned char base) {
    init();
    char text[34];
    utoa(value, text, base);
    *this = text;
}

String::String(long value, unsigned char base) {
    init();
    char text[35];
    ltoa(value, text, base);
    *this = text;
}

String::String(unsigned long value, unsigned char base) {
    init();
    char text[34];
    ultoa(value, text, base);
    *this = text;
}

String::String(float value, int decimalPlaces) {
    init();
    char text[64];
    dtoa(value, (unsigned char)decimalPlaces, text);
    *this = text;
}

String::String(double value, int decimalPlaces) {
    init();
    char text[64];
    dtoa(value, (unsigned char)decimalPlaces, text);
    *this = text;
}

String::~String() { free(buffer); }

String& String::operator=(const String& rhs) {
    if (this == &rhs) return *this;
    if (rhs.buffer) copy(rhs.buffer, rhs.len);
    else invalidate();
    return *this;
}

String& String::operator=(String&& rval) {
    move(rval);
    return *this;
}

String& String::operator=(StringSumHelper&& rval) {
    move(rval);
    return *this;
}

String& String::operator=(const char* cstr) {
    if (cstr) copy(cstr, strlen(cstr));
    else invalidate();
    return *this;
}

String& String::operator=(const __FlashStringHelper* pstr) { return *this = reinterpret_cast<const char*>(pstr); }

unsigned char String::concat(const char* cstr, unsigned int length) {
    const unsigned int total = len + length;
    if (!cstr) return 0;
    if (length == 0) return 1;
    if (!reserve(total)) return 0;
    memmove(buffer + len, cstr, length);
    len = total;
    buffer[len] = 0;
    return 1;
}

unsigned char String::concat(const String& s) { return concat(s.buffer, s.len); }
unsigned char String::concat(const char* cstr) { return cstr ? concat(cstr, strlen(cstr)) : 0; }
unsigned char String::concat(const __FlashStringHelper* str) { return concat(reinterpret_cast<const char*>(str)); }
unsigned char String::concat(char c) {
    const char text[2] = {c, 0};
    return concat(text, 1);
}
// Numbers concatenate in base 10, and floats with 6 decimals (spark_wiring_string.cpp:336-383 at v1.4.4).
unsigned char String::concat(unsigned char num) {
    char text[4];
    itoa(num, text, 10);
    return concat(text, strlen(text));
}
unsigned char String::concat(int num) {
    char text[12];
    itoa(num, text, 10);
    return concat(text, strlen(text));
}
unsigned char String::concat(unsigned int num) {
    char text[11];
    utoa(num, text, 10);
    return concat(text, strlen(text));
}
unsigned char String::concat(long num) {
    char text[12];
    ltoa(num, text, 10);
    return concat(text, strlen(text));
}
unsigned char String::concat(unsigned long num) {
    char text[11];
    ultoa(num, text, 10);
    return concat(text, strlen(text));
}
unsigned char String::concat(float num) {
    char text[34];
    dtoa(num, 6, text);
    return concat(text, strlen(text));
}
unsigned char String::concat(double num) {
    char text[34];
    dtoa(num, 6, text);
    return concat(text, strlen(text));
}

StringSumHelper& operator+(const StringSumHelper& lhs, const String& rhs) {
    StringSumHelper& a = const_cast<StringSumHelper&>(lhs);
    if (!a.concat(rhs.buffer, rhs.len)) a.invalidate();
    return a;
}
StringSumHelper& operator+(const StringSumHelper& lhs, const char* cstr) {
    StringSumHelper& a = const_cast<StringSumHelper&>(lhs);
    if (!cstr || !a.concat(cstr, strlen(cstr))) a.invalidate();
    return a;
}
StringSumHelper& operator+(const StringSumHelper& lhs, char c) {
    StringSumHelper& a = const_cast<StringSumHelper&>(lhs);
    if (!a.concat(c)) a.invalidate();
    return a;
}
#define VB_SUM_NUMBER(type)                                                     \
    StringSumHelper& operator+(const StringSumHelper& lhs, type num) {          \
        StringSumHelper& a = const_cast<StringSumHelper&>(lhs);                 \
        if (!a.concat(num)) a.invalidate();                                     \
        return a;                                                               \
    }
VB_SUM_NUMBER(unsigned char)
VB_SUM_NUMBER(int)
VB_SUM_NUMBER(unsigned int)
VB_SUM_NUMBER(long)
VB_SUM_NUMBER(unsigned long)
VB_SUM_NUMBER(float)
VB_SUM_NUMBER(double)
#undef VB_SUM_NUMBER

int String::compareTo(const String& s) const {
    if (!buffer || !s.buffer) {
        if (s.buffer && s.len > 0) return 0 - *(const unsigned char*)s.buffer;
        if (buffer && len > 0) return *(const unsigned char*)buffer;
        return 0;
    }
    return strcmp(buffer, s.buffer);
}

unsigned char String::equals(const String& s) const { return len == s.len && compareTo(s) == 0; }
unsigned char String::equals(const char* cstr) const {
    if (len == 0) return cstr == nullptr || *cstr == 0;
    if (cstr == nullptr) return buffer[0] == 0;
    return strcmp(buffer, cstr) == 0;
}
unsigned char String::operator<(const String& rhs) const { return compareTo(rhs) < 0; }
unsigned char String::operator>(const String& rhs) const { return compareTo(rhs) > 0; }
unsigned char String::operator<=(const String& rhs) const { return compareTo(rhs) <= 0; }
unsigned char String::operator>=(const String& rhs) const { return compareTo(rhs) >= 0; }

unsigned char String::equalsIgnoreCase(const String& s) const {
    if (this == &s) return 1;
    if (len != s.len) return 0;
    for (unsigned int i = 0; i < len; i++) {
        if (tolower((unsigned char)buffer[i]) != tolower((unsigned char)s.buffer[i])) return 0;
    }
    return 1;
}

unsigned char String::startsWith(const String& prefix) const {
    if (len < prefix.len) return 0;
    return startsWith(prefix, 0);
}
unsigned char String::startsWith(const String& prefix, unsigned int offset) const {
    if (offset > len - prefix.len || !buffer || !prefix.buffer) return 0;
    return strncmp(&buffer[offset], prefix.buffer, prefix.len) == 0;
}
unsigned char String::endsWith(const String& suffix) const {
    if (len < suffix.len || !buffer || !suffix.buffer) return 0;
    return strcmp(&buffer[len - suffix.len], suffix.buffer) == 0;
}

char String::charAt(unsigned int index) const { return operator[](index); }
void String::setCharAt(unsigned int index, char c) {
    if (index < len) buffer[index] = c;
}
char& String::operator[](unsigned int index) {
    static char dummy_writable_char;
    if (index >= len || !buffer) {
        dummy_writable_char = 0;
        return dummy_writable_char;
    }
    return buffer[index];
}
char String::operator[](unsigned int index) const {
    if (index >= len || !buffer) return 0;
    return buffer[index];
}

void String::getBytes(unsigned char* buf, unsigned int bufsize, unsigned int index) const {
    if (!bufsize || !buf) return;
    if (index >= len) {
        buf[0] = 0;
        return;
    }
    unsigned int n = bufsize - 1;
    if (n > len - index) n = len - index;
    strncpy((char*)buf, buffer + index, n);
    buf[n] = 0;
}

int String::indexOf(char c) const { return indexOf(c, 0); }
int String::indexOf(char ch, unsigned int fromIndex) const {
    if (fromIndex >= len) return -1;
    const char* found = strchr(buffer + fromIndex, ch);
    return found ? int(found - buffer) : -1;
}
int String::indexOf(const String& s) const { return indexOf(s, 0); }
int String::indexOf(const String& s, unsigned int fromIndex) const {
    if (fromIndex >= len) return -1;
    const char* found = strstr(buffer + fromIndex, s.buffer);
    return found ? int(found - buffer) : -1;
}
int String::lastIndexOf(char ch) const { return lastIndexOf(ch, len - 1); }
int String::lastIndexOf(char ch, unsigned int fromIndex) const {
    if (fromIndex >= len) return -1;
    for (int i = int(fromIndex); i >= 0; i--) {
        if (buffer[i] == ch) return i;
    }
    return -1;
}
int String::lastIndexOf(const String& s) const { return lastIndexOf(s, len - s.len); }
int String::lastIndexOf(const String& s, unsigned int fromIndex) const {
    if (s.len == 0 || len == 0 || s.len > len) return -1;
    if (fromIndex >= len) fromIndex = len - 1;
    int found = -1;
    for (const char* p = buffer; p <= buffer + fromIndex; p++) {
        p = strstr(p, s.buffer);
        if (!p) break;
        if ((unsigned int)(p - buffer) <= fromIndex) found = int(p - buffer);
    }
    return found;
}

String String::substring(unsigned int left) const { return substring(left, len); }
String String::substring(unsigned int left, unsigned int right) const {
    if (left > right) {
        const unsigned int t = right;
        right = left;
        left = t;
    }
    String out;
    if (left >= len) return out;
    if (right > len) right = len;
    out.copy(buffer + left, right - left);
    return out;
}

String& String::replace(char find, char replace) {
    if (!buffer) return *this;
    for (char* p = buffer; *p; p++) {
        if (*p == find) *p = replace;
    }
    return *this;
}

String& String::replace(const String& find, const String& replace) {
    if (len == 0 || find.len == 0) return *this;
    String out;
    unsigned int from = 0;
    for (;;) {
        const int at = indexOf(find, from);
        if (at < 0) break;
        out.concat(buffer + from, at - from);
        out.concat(replace);
        from = at + find.len;
    }
    out.concat(buffer + from, len - from);
    move(out);
    return *this;
}

String& String::remove(unsigned int index) { return remove(index, (unsigned int)-1); }
String& String::remove(unsigned int index, unsigned int count) {
    if (index >= len || count == 0) return *this;
    if (count > len - index) count = len - index;
    memmove(buffer + index, buffer + index + count, len - index - count);
    len -= count;
    buffer[len] = 0;
    return *this;
}

String& String::toLowerCase(void) {
    for (unsigned int i = 0; buffer && i < len; i++) buffer[i] = char(tolower((unsigned char)buffer[i]));
    return *this;
}
String& String::toUpperCase(void) {
    for (unsigned int i = 0; buffer && i < len; i++) buffer[i] = char(toupper((unsigned char)buffer[i]));
    return *this;
}

String& String::trim(void) {
    if (!buffer || len == 0) return *this;
    unsigned int begin = 0;
    while (begin < len && isspace((unsigned char)buffer[begin])) begin++;
    unsigned int end = len;
    while (end > begin && isspace((unsigned char)buffer[end - 1])) end--;
    len = end - begin;
    if (begin > 0) memmove(buffer, buffer + begin, len);
    buffer[len] = 0;
    return *this;
}

long String::toInt(void) const { return buffer ? atol(buffer) : 0; }
float String::toFloat(void) const { return buffer ? float(atof(buffer)) : 0; }

String String::formatImpl(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    const int n = vsnprintf(nullptr, 0, fmt, args);
    va_end(args);
    String out;
    if (n > 0 && out.reserve(n)) {
        vsnprintf(out.buffer, n + 1, fmt, again);
        out.len = n;
    }
    va_end(again);
    return out;
}
