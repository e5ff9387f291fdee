/* String (Device OS wiring/inc/spark_wiring_string.h): the same interface, implemented in the runtime's string.cpp. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <type_traits>
#include "virtual_boron/support.h"

#define F(X) (X)

class __FlashStringHelper;
class StringSumHelper;
class Printable;

class String {
    typedef void (String::*StringIfHelperType)() const;
    void StringIfHelper() const {}

public:
    String(const char* cstr = "");
    String(const char* cstr, unsigned int length);
    String(const String& str);
    String(const __FlashStringHelper* pstr);
    String(const Printable& printable);
    String(String&& rval);
    String(StringSumHelper&& rval);
    explicit String(char c);
    explicit String(unsigned char, unsigned char base = 10);
    explicit String(int, unsigned char base = 10);
    explicit String(unsigned int, unsigned char base = 10);
    explicit String(long, unsigned char base = 10);
    explicit String(unsigned long, unsigned char base = 10);
    explicit String(float, int decimalPlaces = 6);
    explicit String(double, int decimalPlaces = 6);
    ~String(void);

    unsigned char reserve(unsigned int size);
    inline unsigned int length(void) const { return len; }

    String& operator=(const String& rhs);
    String& operator=(const char* cstr);
    String& operator=(const __FlashStringHelper* pstr);
    String& operator=(String&& rval);
    String& operator=(StringSumHelper&& rval);

    operator const char*() const { return c_str(); }

    unsigned char concat(const String& str);
    unsigned char concat(const char* cstr);
    unsigned char concat(const __FlashStringHelper* str);
    unsigned char concat(char c);
    unsigned char concat(unsigned char c);
    unsigned char concat(int num);
    unsigned char concat(unsigned int num);
    unsigned char concat(long num);
    unsigned char concat(unsigned long num);
    unsigned char concat(float num);
    unsigned char concat(double num);

    String& operator+=(const String& rhs) { concat(rhs); return *this; }
    String& operator+=(const char* cstr) { concat(cstr); return *this; }
    String& operator+=(char c) { concat(c); return *this; }
    String& operator+=(unsigned char num) { concat(num); return *this; }
    String& operator+=(int num) { concat(num); return *this; }
    String& operator+=(unsigned int num) { concat(num); return *this; }
    String& operator+=(long num) { concat(num); return *this; }
    String& operator+=(unsigned long num) { concat(num); return *this; }

    friend StringSumHelper& operator+(const StringSumHelper& lhs, const String& rhs);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, const char* cstr);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, char c);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, unsigned char num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, int num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, unsigned int num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, long num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, unsigned long num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, float num);
    friend StringSumHelper& operator+(const StringSumHelper& lhs, double num);

    operator StringIfHelperType() const { return buffer ? &String::StringIfHelper : 0; }

    int compareTo(const String& s) const;
    unsigned char equals(const String& s) const;
    unsigned char equals(const char* cstr) const;
    unsigned char operator==(const String& rhs) const { return equals(rhs); }
    unsigned char operator==(const char* cstr) const { return equals(cstr); }
    unsigned char operator!=(const String& rhs) const { return !equals(rhs); }
    unsigned char operator!=(const char* cstr) const { return !equals(cstr); }
    unsigned char operator<(const String& rhs) const;
    unsigned char operator>(const String& rhs) const;
    unsigned char operator<=(const String& rhs) const;
    unsigned char operator>=(const String& rhs) const;
    unsigned char equalsIgnoreCase(const String& s) const;
    unsigned char startsWith(const String& prefix) const;
    unsigned char startsWith(const String& prefix, unsigned int offset) const;
    unsigned char endsWith(const String& suffix) const;

    char charAt(unsigned int index) const;
    void setCharAt(unsigned int index, char c);
    char operator[](unsigned int index) const;
    char& operator[](unsigned int index);
    template <typename T, typename std::enable_if<std::is_same<T, long>::value, int>::type = 0>
    char operator[](T index) const { return operator[]((unsigned int)index); }
    template <typename T, typename std::enable_if<std::is_same<T, long>::value, int>::type = 0>
    char& operator[](T index) { return operator[]((unsigned int)index); }
    void getBytes(unsigned char* buf, unsigned int bufsize, unsigned int index = 0) const;
    void toCharArray(char* buf, unsigned int bufsize, unsigned int index = 0) const { getBytes((unsigned char*)buf, bufsize, index); }
    const char* c_str() const { return buffer; }

    int indexOf(char ch) const;
    int indexOf(char ch, unsigned int fromIndex) const;
    int indexOf(const String& str) const;
    int indexOf(const String& str, unsigned int fromIndex) const;
    int lastIndexOf(char ch) const;
    int lastIndexOf(char ch, unsigned int fromIndex) const;
    int lastIndexOf(const String& str) const;
    int lastIndexOf(const String& str, unsigned int fromIndex) const;
    String substring(unsigned int beginIndex) const;
    String substring(unsigned int beginIndex, unsigned int endIndex) const;

    String& replace(char find, char replace);
    String& replace(const String& find, const String& replace);
    String& remove(unsigned int index);
    String& remove(unsigned int index, unsigned int count);
    String& toLowerCase(void);
    String& toUpperCase(void);
    String& trim(void);

    long toInt(void) const;
    float toFloat(void) const;

    template <typename... Args>
    static String format(const char* fmt, Args... args) { return formatImpl(fmt, vb::arg(args)...); }

protected:
    char* buffer;
    unsigned int capacity;
    unsigned int len;
    unsigned char flags;

    void init(void);
    void invalidate(void);
    unsigned char changeBuffer(unsigned int maxStrLen);
    unsigned char concat(const char* cstr, unsigned int length);
    String& copy(const char* cstr, unsigned int length);
    void move(String& rhs);
    static String formatImpl(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
};

class StringSumHelper : public String {
public:
    StringSumHelper(const String& s) : String(s) {}
    StringSumHelper(const char* p) : String(p) {}
    StringSumHelper(char c) : String(c) {}
    StringSumHelper(unsigned char num) : String(num) {}
    StringSumHelper(int num) : String(num) {}
    StringSumHelper(unsigned int num) : String(num) {}
    StringSumHelper(long num) : String(num) {}
    StringSumHelper(unsigned long num) : String(num) {}
};

/*
 * wasm32's ptrdiff_t is long where the Boron's (arm-none-eabi) is int. With String's conversion to
 * const char*, C++'s built-in `const char* + ptrdiff_t` and `const char*[ptrdiff_t]` would then make
 * `str + aLong` and `str[aLong]` ambiguous here, though both compile for the device (String::toInt()
 * returns long). These pick String's own operator for exactly `long`, as the device's overloads do.
 */
template <typename T, typename std::enable_if<std::is_same<T, long>::value, int>::type = 0>
inline StringSumHelper operator+(const String& lhs, T num) { return StringSumHelper(lhs) + num; }

