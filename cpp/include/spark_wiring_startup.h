/* STARTUP(code): runs `code` as a global constructor, before setup() (Device OS wiring/inc/spark_wiring_startup.h). */
#pragma once

#define STARTUP(code) VB_STARTUP_(__COUNTER__, code)
#define VB_STARTUP_(id, code) VB_STARTUP__(id, code)
#define VB_STARTUP__(id, code) \
    namespace { \
    struct vb_startup_##id { \
        vb_startup_##id() { code; } \
    } vb_startup_instance_##id; \
    }
