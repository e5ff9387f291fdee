/* Platform identifiers (Device OS hal/shared/platforms.h): this is a Boron. */
#pragma once

#define PLATFORM_PHOTON_PRODUCTION 6
#define PLATFORM_P1 8
#define PLATFORM_ELECTRON_PRODUCTION 10
#define PLATFORM_ARGON 12
#define PLATFORM_BORON 13
#define PLATFORM_XENON 14
#define PLATFORM_ASOM 22
#define PLATFORM_BSOM 23
#define PLATFORM_XSOM 24

#define PLATFORM_ID PLATFORM_BORON
#define PLATFORM_NAME boron
#define PARTICLE 1
#define SPARK 1
#define HAL_PLATFORM_NRF52840 1
#define HAL_PLATFORM_CELLULAR 1
#define HAL_PLATFORM_WIFI 0
#define Wiring_Cellular 1
#define Wiring_WiFi 0
