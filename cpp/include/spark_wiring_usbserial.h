/* USBSerial `Serial` (Device OS wiring/inc/spark_wiring_usbserial.h): what it prints and what a test types. */
#pragma once

#include "spark_wiring_stream.h"
#include "virtual_boron/host.h"

class USBSerial : public Stream {
public:
    void begin(long speed = 9600) { (void)speed; }
    void end() {}
    virtual int available() { return vb_serial_available(); }
    virtual int availableForWrite() { return 64; }
    virtual int read() { return vb_serial_read(0); }
    virtual int peek() { return vb_serial_read(1); }
    virtual void flush() {}
    virtual size_t write(uint8_t byte) { return vb_serial_write(&byte, 1); }
    virtual size_t write(const uint8_t* buffer, size_t size) { return vb_serial_write(buffer, size); }
    bool isConnected() { return true; }
    operator bool() { return true; }
    using Print::write;
};

extern USBSerial Serial;
