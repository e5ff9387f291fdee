/* Client (Device OS wiring/inc/spark_wiring_client.h). */
#pragma once

#include "spark_wiring_stream.h"
#include "spark_wiring_ipaddress.h"

typedef uint8_t network_interface_t;

class Client : public Stream {
protected:
    network_interface_t nif;

public:
    virtual int connect(IPAddress ip, uint16_t port, network_interface_t = 0) = 0;
    virtual int connect(const char* host, uint16_t port, network_interface_t = 0) = 0;
    virtual size_t write(uint8_t) = 0;
    virtual size_t write(const uint8_t* buf, size_t size) = 0;
    virtual int available() = 0;
    virtual int read() = 0;
    virtual int read(uint8_t* buf, size_t size) = 0;
    virtual int peek() = 0;
    virtual void flush() = 0;
    virtual void stop() = 0;
    virtual uint8_t connected() = 0;
    virtual operator bool() = 0;
};
