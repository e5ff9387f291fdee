/*
 * virtual-boron: the calls from a sketch's C++ into the emulator. Each one is a WebAssembly import
 * from module "particle", bound by src/cpp/imports.ts to the same SketchApi object a TypeScript
 * sketch receives, so each behaviour is written once. Calls that take time on a Boron block here:
 * the runtime suspends the WebAssembly stack while virtual time moves on.
 *
 * Strings cross as NUL-terminated pointers; a Descriptor crosses as its address.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VB_IMPORT(name) __attribute__((import_module("particle"), import_name(#name)))

/* time */
VB_IMPORT(millis) uint32_t vb_millis(void);
VB_IMPORT(micros) uint32_t vb_micros(void);
VB_IMPORT(delay) void vb_delay(uint32_t ms);

/* USB serial */
VB_IMPORT(serial_available) int vb_serial_available(void);
VB_IMPORT(serial_read) int vb_serial_read(int peek);
VB_IMPORT(serial_write) size_t vb_serial_write(const uint8_t* data, size_t size);

/* logging: the message is already formatted; the emulator cuts it as Device OS does */
typedef struct vb_log_filter { const char* category; int level; } vb_log_filter;
VB_IMPORT(log_message) void vb_log_message(const char* category, int level, const char* message);
VB_IMPORT(log_handler) void vb_log_handler(int level, const vb_log_filter* filters, size_t count);

/* System */
VB_IMPORT(system_reset) void vb_system_reset(void);
VB_IMPORT(system_free_memory) uint32_t vb_system_free_memory(void);
VB_IMPORT(system_version) size_t vb_system_version(char* buffer, size_t size);
VB_IMPORT(system_version_number) uint32_t vb_system_version_number(void);
VB_IMPORT(system_reset_reason) int vb_system_reset_reason(void);
/* 0 enabled?, 1 enable, 2 disable, 3 pending?, 4 forced? */
VB_IMPORT(system_updates) int vb_system_updates(int op);
/* handler kind: 3 = (event, param, pointer), 2 = (event, param), 1 = (event), 0 = () */
VB_IMPORT(system_on) int vb_system_on(uint32_t events, void* handler, int kind);
/* 0 resetEnabled?, 1 enableReset, 2 disableReset, 3 resetPending? */
VB_IMPORT(system_reset_control) int vb_system_reset_control(int op);
/* System.updateStatus(): a value, or the call does not exist in this Device OS (the emulator says so). */
VB_IMPORT(system_update_status) int vb_system_update_status(void);

/* Particle (the cloud) */
VB_IMPORT(particle_connected) int vb_particle_connected(void);
VB_IMPORT(particle_process) void vb_particle_process(void);
/* handler kind: 1 = int (const char*), 0 = int (String) */
VB_IMPORT(particle_function) int vb_particle_function(const char* name, void* handler, int kind);

/* TCPClient: a handle per client object, shared by its copies */
VB_IMPORT(tcp_new) int vb_tcp_new(void);
VB_IMPORT(tcp_retain) void vb_tcp_retain(int handle);
VB_IMPORT(tcp_release) void vb_tcp_release(int handle);
VB_IMPORT(tcp_connect_host) int vb_tcp_connect_host(int handle, const char* host, uint32_t port);
VB_IMPORT(tcp_connect_ip) int vb_tcp_connect_ip(int handle, uint32_t address, uint32_t port);
VB_IMPORT(tcp_write) size_t vb_tcp_write(int handle, const uint8_t* data, size_t size);
VB_IMPORT(tcp_available) int vb_tcp_available(int handle);
VB_IMPORT(tcp_read) int vb_tcp_read(int handle, int peek);
VB_IMPORT(tcp_read_buffer) int vb_tcp_read_buffer(int handle, uint8_t* buffer, size_t size);
VB_IMPORT(tcp_connected) int vb_tcp_connected(int handle);
VB_IMPORT(tcp_status) int vb_tcp_status(int handle);
VB_IMPORT(tcp_stop) void vb_tcp_stop(int handle);
VB_IMPORT(tcp_flush) void vb_tcp_flush(int handle);
VB_IMPORT(tcp_remote_ip) uint32_t vb_tcp_remote_ip(int handle);

/* FileTransfer::Descriptor: the emulator keeps which fields were written, as valgrind would */
VB_IMPORT(descriptor_init) void vb_descriptor_init(void* descriptor);
VB_IMPORT(descriptor_read) uint32_t vb_descriptor_read(void* descriptor, uint32_t offset);
VB_IMPORT(descriptor_wrote) void vb_descriptor_wrote(void* descriptor, uint32_t offset);

/* system_update.h */
VB_IMPORT(spark_prepare) int vb_spark_prepare(void* descriptor, uint32_t flags, void* reserved);
VB_IMPORT(spark_save) int vb_spark_save(void* descriptor, const uint8_t* chunk, void* reserved);
VB_IMPORT(spark_finish) int vb_spark_finish(void* descriptor, uint32_t flags, void* module);

#undef VB_IMPORT

#ifdef __cplusplus
}
#endif
