// The app's view of the device: the global objects, logging's formatting, and the entry points
// the emulator calls (setup, loop, system event handlers).
#include "Particle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

USBSerial Serial;
SystemClass System;
CloudClass Particle;
const Logger Log("app");

void Logger::emit(LogLevel level, const char* fmt, ...) const {
    // Formatted whole here; the emulator cuts it at LOG_MAX_STRING_LENGTH as the system part does.
    char small[192];
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    const int n = vsnprintf(small, sizeof(small), fmt, args);
    va_end(args);
    if (n >= 0 && size_t(n) < sizeof(small)) {
        vb_log_message(name_, level, small);
    } else if (n > 0) {
        char* big = static_cast<char*>(malloc(n + 1));
        if (big) {
            vsnprintf(big, n + 1, fmt, again);
            vb_log_message(name_, level, big);
            free(big);
        }
    }
    va_end(again);
}

void SerialLogHandler::add(LogLevel level, const LogCategoryFilters& filters) {
    vb_log_filter* list = static_cast<vb_log_filter*>(malloc(sizeof(vb_log_filter) * (filters.size() + 1)));
    for (size_t i = 0; i < filters.size(); i++) list[i] = {filters[i].category(), filters[i].level()};
    vb_log_handler(level, list, filters.size());
    free(list);
}

/* An app may leave out setup() or loop(): Device OS defines both weakly, empty (`wiring/src/user.cpp:41-58` at v1.4.4). */
__attribute__((weak)) void setup() {}
__attribute__((weak)) void loop() {}

extern "C" {

__attribute__((export_name("vb_setup"))) void vb_setup(void) { setup(); }
__attribute__((export_name("vb_loop"))) void vb_loop(void) { loop(); }

/*
 * A System.on() handler, called by the emulator when its event happens. `pointer` is the event's
 * data: the FileTransfer::Descriptor of the update call for firmware_update events
 * (`system/src/system_update.cpp:306,388,401,412` at v1.4.4), otherwise NULL.
 */
__attribute__((export_name("vb_system_event"))) void vb_system_event(void* handler, int kind, uint32_t event, int param, void* pointer) {
    switch (kind) {
    case 3: reinterpret_cast<void (*)(system_event_t, int, void*)>(handler)(event, param, pointer); break;
    case 2: reinterpret_cast<void (*)(system_event_t, int)>(handler)(event, param); break;
    case 1: reinterpret_cast<void (*)(system_event_t)>(handler)(event); break;
    default: reinterpret_cast<void (*)()>(handler)(); break;
    }
}

/* Where a firmware_update event's descriptor lives when it is the system's own (3.x+), not the app's. */
alignas(4) static uint8_t vb_event_descriptor_area[20];
__attribute__((export_name("vb_event_descriptor"))) void* vb_event_descriptor(void) { return vb_event_descriptor_area; }

/* Where the cloud's argument to a Particle.function() handler is put: USER_FUNC_ARG_LENGTH on Gen 3, and its NUL. */
static char vb_cloud_argument_area[623];
__attribute__((export_name("vb_cloud_argument"))) char* vb_cloud_argument(void) { return vb_cloud_argument_area; }

/* A Particle.function() handler, called by the emulator when the cloud calls it. */
__attribute__((export_name("vb_cloud_function"))) int vb_cloud_function(void* handler, int kind, void* object, const char* argument) {
    switch (kind) {
    case 1: return reinterpret_cast<int (*)(const char*)>(handler)(argument);
    default: return reinterpret_cast<int (*)(String)>(handler)(String(argument));
    }
}

/* Where asyncify keeps the C++ stack while a blocking call waits. */
alignas(16) static char vb_asyncify_area[64 * 1024];
__attribute__((export_name("vb_asyncify_area"))) void* vb_asyncify_area_start(void) { return vb_asyncify_area; }
__attribute__((export_name("vb_asyncify_area_size"))) uint32_t vb_asyncify_area_size(void) { return sizeof(vb_asyncify_area); }

/* The `retained` variables: the emulator keeps these bytes across a reset. */
extern char __start_vb_retained[] __attribute__((weak));
extern char __stop_vb_retained[] __attribute__((weak));
__attribute__((export_name("vb_retained_start"))) void* vb_retained_start(void) { return __start_vb_retained; }
__attribute__((export_name("vb_retained_end"))) void* vb_retained_end(void) { return __stop_vb_retained; }

/* Where static storage ends (wasm-ld's __heap_base; the stack comes first): what lies between the stack's top and here is zero-initialised at boot. */
extern char __heap_base;
__attribute__((export_name("vb_static_end"))) void* vb_static_end(void) { return &__heap_base; }

/* printf's stdout is a WASI file the emulator swallows, unbuffered so each call reaches it. */
__attribute__((constructor(101))) static void vb_unbuffered_stdout(void) { setvbuf(stdout, nullptr, _IONBF, 0); }

int vb_sprintf(char* s, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int n = vsprintf(s, format, args);
    va_end(args);
    return n;
}

int vb_snprintf(char* s, size_t size, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int n = vsnprintf(s, size, format, args);
    va_end(args);
    return n;
}

int vb_printf(const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int n = vprintf(format, args);
    va_end(args);
    return n;
}

} // extern "C"
