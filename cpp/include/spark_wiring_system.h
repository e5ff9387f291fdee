/*
 * System (Device OS wiring/inc/spark_wiring_system.h): reset, memory, version, the update flags
 * and system events; SYSTEM_MODE, SYSTEM_THREAD and `retained`.
 */
#pragma once

#include <stdint.h>
#include "spark_wiring_string.h"
#include "spark_wiring_ticks.h"
#include "spark_wiring_startup.h"
#include "system_event.h"
#include "system_mode.h"
#include "virtual_boron/host.h"

/* System.resetReason() (Device OS hal/inc/core_hal.h). */
enum System_Reset_Reason {
    RESET_REASON_NONE = 0,
    RESET_REASON_UNKNOWN = 10,
    RESET_REASON_PIN_RESET = 20,
    RESET_REASON_POWER_MANAGEMENT = 30,
    RESET_REASON_POWER_DOWN = 40,
    RESET_REASON_POWER_BROWNOUT = 50,
    RESET_REASON_WATCHDOG = 60,
    RESET_REASON_UPDATE = 70,
    RESET_REASON_UPDATE_ERROR = 80,
    RESET_REASON_UPDATE_TIMEOUT = 90,
    RESET_REASON_FACTORY_RESET = 100,
    RESET_REASON_SAFE_MODE = 110,
    RESET_REASON_DFU_MODE = 120,
    RESET_REASON_PANIC = 130,
    RESET_REASON_USER = 140
};

/* System.updateStatus() (Device OS 4.0+, `system_update_status`). */
enum class UpdateStatus { UNKNOWN = 0, NOT_AVAILABLE = 1, PENDING = 2, IN_PROGRESS = 3 };

class SystemClass {
public:
    SystemClass(System_Mode_TypeDef mode = DEFAULT) { (void)mode; }

    static void reset(void) { vb_system_reset(); }
    /* The data is only for System.resetReasonData(), which is not modelled. */
    static void reset(uint32_t data) { (void)data; vb_system_reset(); }
    static uint32_t freeMemory() { return vb_system_free_memory(); }
    int resetReason() { return vb_system_reset_reason(); }
    uint32_t resetReasonData() VB_NOT_MODELLED("System.resetReasonData()");

    String version() {
        char text[32];
        vb_system_version(text, sizeof(text));
        return String(text);
    }
    uint32_t versionNumber() { return vb_system_version_number(); }

    void enableUpdates() { vb_system_updates(1); }
    void disableUpdates() { vb_system_updates(2); }
    uint8_t updatesEnabled() { return vb_system_updates(0); }
    uint8_t updatesPending() { return vb_system_updates(3); }
    uint8_t updatesForced() { return vb_system_updates(4); }

    static bool on(system_event_t events, void (*handler)(system_event_t, int, void*)) { return vb_system_on((uint32_t)events, (void*)handler, 3) == 0; }
    static bool on(system_event_t events, void (*handler)(system_event_t, int)) { return vb_system_on((uint32_t)events, (void*)handler, 2) == 0; }
    static bool on(system_event_t events, void (*handler)(system_event_t)) { return vb_system_on((uint32_t)events, (void*)handler, 1) == 0; }
    static bool on(system_event_t events, void (*handler)()) { return vb_system_on((uint32_t)events, (void*)handler, 0) == 0; }
    static void off(void (*handler)(system_event_t, int, void*)) VB_NOT_MODELLED("System.off()");
    static void off(system_event_t events, void (*handler)(system_event_t, int, void*)) VB_NOT_MODELLED("System.off()");

    static uint64_t millis() { return vb_millis(); }
    static unsigned uptime() { return vb_millis() / 1000; }
    /* The nRF52840 runs at 64 MHz. */
    static inline uint32_t ticksPerMicrosecond() { return 64; }
    static inline uint32_t ticks() { return vb_micros() * 64; }

    template <typename Condition> static bool waitCondition(Condition condition) {
        while (!condition()) vb_particle_process();
        return true;
    }
    template <typename Condition> static bool waitCondition(Condition condition, system_tick_t timeout) {
        const system_tick_t start = vb_millis();
        while (!condition() && vb_millis() - start < timeout) vb_particle_process();
        return condition();
    }

    static System_Mode_TypeDef mode(void) VB_NOT_MODELLED("System.mode()");
    static void factoryReset(void) VB_NOT_MODELLED("System.factoryReset()");
    static void dfu(bool persist = false) VB_NOT_MODELLED("System.dfu()");
    static void enterSafeMode(void) VB_NOT_MODELLED("System.enterSafeMode()");
    static String deviceID(void) VB_NOT_MODELLED("System.deviceID()");
    template <typename... A> static void sleep(A...) VB_NOT_MODELLED("System.sleep()");
    /* A reset the system wants (after an update) waits while reset is disabled. */
    void enableReset() { vb_system_reset_control(1); }
    void disableReset() { vb_system_reset_control(2); }
    uint8_t resetEnabled() { return vb_system_reset_control(0); }
    uint8_t resetPending() { return vb_system_reset_control(3); }
    /* From Device OS 4.0: an UpdateStatus value. */
    int updateStatus() { return vb_system_update_status(); }
    template <typename F> int enableFeature(F) VB_NOT_MODELLED("System.enableFeature()");
    template <typename F> int disableFeature(F) VB_NOT_MODELLED("System.disableFeature()");
    template <typename F> bool featureEnabled(F) VB_NOT_MODELLED("System.featureEnabled()");
    uint16_t buttonPushed(uint8_t button = 0) VB_NOT_MODELLED("System.buttonPushed()");
};

extern SystemClass System;

/* The emulator reads these from the compiled sketch: the mode decides whether setup() waits for the cloud. */
#define SYSTEM_MODE(mode) \
    extern "C" __attribute__((export_name("vb_system_mode"))) int vb_system_mode(void) { return mode; }
#define SYSTEM_THREAD(state) \
    extern "C" __attribute__((export_name("vb_system_thread"))) int vb_system_thread(void) { return spark::feature::state; }

#define waitFor(condition, timeout) System.waitCondition([] { return (condition)(); }, (timeout))
#define waitUntil(condition) System.waitCondition([] { return (condition)(); })

/* Backup RAM: kept across a reset, lost with the power (Device OS hal/src/nRF52840/platform_headers.h). */
#define retained __attribute__((section("vb_retained")))
#define retained_system VB_NOT_MODELLED("retained_system")
