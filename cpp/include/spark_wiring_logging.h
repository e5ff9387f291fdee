/*
 * Logging (Device OS services/inc/logging.h and wiring/inc/spark_wiring_logging.h): Log, Logger,
 * SerialLogHandler with a level and category filters. A message is formatted here in C, then the
 * emulator cuts it at 160 bytes and prints it through each handler as Device OS does.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <vector>
#include "spark_wiring_string.h"
#include "virtual_boron/support.h"

typedef enum LogLevel {
    LOG_LEVEL_ALL = 1,
    LOG_LEVEL_TRACE = 1,
    LOG_LEVEL_INFO = 30,
    LOG_LEVEL_WARN = 40,
    LOG_LEVEL_ERROR = 50,
    LOG_LEVEL_PANIC = 60,
    LOG_LEVEL_NONE = 70,
    DEFAULT_LEVEL = 0,
    ALL_LEVEL = LOG_LEVEL_ALL,
    TRACE_LEVEL = LOG_LEVEL_TRACE,
    LOG_LEVEL = LOG_LEVEL_TRACE,
    DEBUG_LEVEL = LOG_LEVEL_TRACE,
    INFO_LEVEL = LOG_LEVEL_INFO,
    WARN_LEVEL = LOG_LEVEL_WARN,
    ERROR_LEVEL = LOG_LEVEL_ERROR,
    PANIC_LEVEL = LOG_LEVEL_PANIC,
    NO_LOG_LEVEL = LOG_LEVEL_NONE
} LogLevel;

/* Particle builds an app's sources with -DLOG_MODULE_CATEGORY="app" (`user/build.mk:82` at v1.4.4), so a default-constructed Logger logs as [app]. */
#ifndef LOG_MODULE_CATEGORY
#define LOG_MODULE_CATEGORY "app"
#endif

class LogCategoryFilter {
public:
    LogCategoryFilter(String category, LogLevel level) : cat_(category), level_(level) {}
    LogCategoryFilter(const char* category, LogLevel level) : cat_(category), level_(level) {}
    LogCategoryFilter(const char* category, size_t length, LogLevel level) : cat_(category, length), level_(level) {}
    const char* category() const { return cat_.c_str(); }
    LogLevel level() const { return level_; }

private:
    String cat_;
    LogLevel level_;
};

typedef std::vector<LogCategoryFilter> LogCategoryFilters;

/* Each call is a template so that a FileTransfer::Descriptor field passes as its integer. */
class Logger {
public:
    explicit Logger(const char* name = LOG_MODULE_CATEGORY) : name_(name) {}
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    template <typename... A> void trace(const char* fmt, A... a) const { emit(LOG_LEVEL_TRACE, fmt, vb::arg(a)...); }
    template <typename... A> void info(const char* fmt, A... a) const { emit(LOG_LEVEL_INFO, fmt, vb::arg(a)...); }
    template <typename... A> void warn(const char* fmt, A... a) const { emit(LOG_LEVEL_WARN, fmt, vb::arg(a)...); }
    template <typename... A> void error(const char* fmt, A... a) const { emit(LOG_LEVEL_ERROR, fmt, vb::arg(a)...); }
    template <typename... A> void log(const char* fmt, A... a) const { emit(LOG_LEVEL_INFO, fmt, vb::arg(a)...); }
    template <typename... A> void log(LogLevel level, const char* fmt, A... a) const { emit(level, fmt, vb::arg(a)...); }
    template <typename... A> void operator()(const char* fmt, A... a) const { emit(LOG_LEVEL_INFO, fmt, vb::arg(a)...); }
    template <typename... A> void operator()(LogLevel level, const char* fmt, A... a) const { emit(level, fmt, vb::arg(a)...); }

    template <typename... A> void printf(const char* fmt, A...) const VB_NOT_MODELLED("Log.printf() (raw log output)");
    void print(const char* str) const VB_NOT_MODELLED("Log.print() (raw log output)");
    void write(const char* data, size_t size) const VB_NOT_MODELLED("Log.write() (raw log output)");
    void dump(const void* data, size_t size) const VB_NOT_MODELLED("Log.dump()");
    bool isTraceEnabled() const VB_NOT_MODELLED("Logger::isTraceEnabled()");
    bool isInfoEnabled() const VB_NOT_MODELLED("Logger::isInfoEnabled()");
    bool isWarnEnabled() const VB_NOT_MODELLED("Logger::isWarnEnabled()");
    bool isErrorEnabled() const VB_NOT_MODELLED("Logger::isErrorEnabled()");
    bool isLevelEnabled(LogLevel level) const VB_NOT_MODELLED("Logger::isLevelEnabled()");

    const char* name() const { return name_; }

private:
    const char* name_;
    void emit(LogLevel level, const char* fmt, ...) const __attribute__((format(printf, 3, 4)));
};

extern const Logger Log;

/* A handler that prints to USB serial; it lives as long as the app (the emulator never removes one). */
class SerialLogHandler {
public:
    explicit SerialLogHandler(LogLevel level = LOG_LEVEL_INFO, LogCategoryFilters filters = {}) { add(level, filters); }
    explicit SerialLogHandler(int baud, LogLevel level = LOG_LEVEL_INFO, LogCategoryFilters filters = {}) {
        (void)baud;
        add(level, filters);
    }

private:
    static void add(LogLevel level, const LogCategoryFilters& filters);
};

#define LOG(_level, _fmt, ...) Log.log(LOG_LEVEL_##_level, _fmt, ##__VA_ARGS__)
#define LOG_C(_level, _category, _fmt, ...) Logger(_category).log(_level, _fmt, ##__VA_ARGS__)
#define LOG_DEBUG(_level, _fmt, ...) LOG(_level, _fmt, ##__VA_ARGS__)
