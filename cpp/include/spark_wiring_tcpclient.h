/*
 * TCPClient (Device OS wiring/inc/spark_wiring_tcpclient.h). The emulator's TCPClient does the
 * work (the 128-byte buffer, Gen 3's return codes, the link model); calls that take time block.
 */
#pragma once

#include "spark_wiring_client.h"
#include "spark_wiring_ipaddress.h"
#include "spark_wiring_print.h"
#include "virtual_boron/host.h"

#define TCPCLIENT_BUF_MAX_SIZE 128

class TCPClient : public Client {
public:
    TCPClient() : handle_(vb_tcp_new()) {}
    TCPClient(const TCPClient& that) : Client(that), handle_(that.handle_) { vb_tcp_retain(handle_); }
    TCPClient& operator=(const TCPClient& that) {
        vb_tcp_retain(that.handle_);
        vb_tcp_release(handle_);
        handle_ = that.handle_;
        return *this;
    }
    virtual ~TCPClient() { vb_tcp_release(handle_); }

    uint8_t status() { return vb_tcp_status(handle_); }
    virtual int connect(IPAddress ip, uint16_t port, network_interface_t = 0) { return vb_tcp_connect_ip(handle_, (uint32_t)ip, port); }
    virtual int connect(const char* host, uint16_t port, network_interface_t = 0) { return vb_tcp_connect_host(handle_, host, port); }
    virtual size_t write(uint8_t byte) { return vb_tcp_write(handle_, &byte, 1); }
    virtual size_t write(const uint8_t* buffer, size_t size) { return vb_tcp_write(handle_, buffer, size); }
    virtual size_t write(uint8_t byte, system_tick_t timeout) { (void)timeout; return write(byte); }
    virtual size_t write(const uint8_t* buffer, size_t size, system_tick_t timeout) { (void)timeout; return write(buffer, size); }
    virtual int available() { return vb_tcp_available(handle_); }
    virtual int read() { return vb_tcp_read(handle_, 0); }
    virtual int read(uint8_t* buffer, size_t size) { return vb_tcp_read_buffer(handle_, buffer, size); }
    virtual int peek() { return vb_tcp_read(handle_, 1); }
    virtual void flush() { vb_tcp_flush(handle_); }
    void flush_buffer() VB_NOT_MODELLED("TCPClient::flush_buffer()");
    virtual void stop() { vb_tcp_stop(handle_); }
    virtual uint8_t connected() { return vb_tcp_connected(handle_); }
    virtual operator bool() { return status(); }
    virtual IPAddress remoteIP() { return IPAddress(vb_tcp_remote_ip(handle_)); }
    using Print::write;

private:
    int handle_;
};
