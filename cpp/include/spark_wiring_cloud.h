/* The cloud, `Particle` (Device OS wiring/inc/spark_wiring_cloud.h): the session's state and Particle.process(). */
#pragma once

#include "virtual_boron/host.h"
#include "virtual_boron/support.h"
#include "spark_wiring_string.h"

class CloudClass {
public:
    static bool connected(void) { return vb_particle_connected() != 0; }
    static bool disconnected(void) { return !connected(); }
    static void process(void) { vb_particle_process(); }

    template <typename... A> static bool publish(A...) VB_NOT_MODELLED("Particle.publish()");
    template <typename... A> static bool subscribe(A...) VB_NOT_MODELLED("Particle.subscribe()");
    template <typename... A> static void unsubscribe(A...) VB_NOT_MODELLED("Particle.unsubscribe()");
    /* A function the cloud can call (a test calls it with device.cloud.call(name, argument)). */
    static bool function(const char* name, int (*handler)(String)) { return vb_particle_function(name, (void*)handler, 0) != 0; }
    static bool function(const char* name, int (*handler)(const char*)) { return vb_particle_function(name, (void*)handler, 1) != 0; }
    template <typename... A> static bool function(A...) VB_NOT_MODELLED("Particle.function() with a member function or std::function");
    template <typename... A> static bool variable(A...) VB_NOT_MODELLED("Particle.variable()");
    template <typename... A> static void connect(A...) VB_NOT_MODELLED("Particle.connect()");
    template <typename... A> static void disconnect(A...) VB_NOT_MODELLED("Particle.disconnect()");
    template <typename... A> static void syncTime(A...) VB_NOT_MODELLED("Particle.syncTime()");
    template <typename... A> static void keepAlive(A...) VB_NOT_MODELLED("Particle.keepAlive()");
    template <typename... A> static void publishVitals(A...) VB_NOT_MODELLED("Particle.publishVitals()");
};

extern CloudClass Particle;
