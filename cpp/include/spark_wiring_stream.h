/* Stream (Device OS wiring/inc/spark_wiring_stream.h): timed reads wait with millis(), as on the device. */
#pragma once

#include "spark_wiring_string.h"
#include "spark_wiring_print.h"
#include "spark_wiring_ticks.h"

class Stream : public Print {
protected:
    system_tick_t _timeout;
    system_tick_t _startMillis;
    int timedRead();
    int timedPeek();
    int peekNextDigit();

public:
    virtual int available() = 0;
    virtual int read() = 0;
    virtual int peek() = 0;
    virtual void flush() = 0;

    Stream() { _timeout = 1000; }

    void setTimeout(system_tick_t timeout);
    bool find(char* target);
    bool find(char* target, size_t length);
    bool findUntil(char* target, char* terminator);
    bool findUntil(char* target, size_t targetLen, char* terminate, size_t termLen);
    long parseInt();
    float parseFloat();
    size_t readBytes(char* buffer, size_t length);
    size_t readBytesUntil(char terminator, char* buffer, size_t length);
    String readString();
    String readStringUntil(char terminator);

protected:
    long parseInt(char skipChar);
    float parseFloat(char skipChar);
};
