// An over-the-air update routine for a Boron, in the style of the forum thread's: one blocking call
// that downloads the new firmware over plain HTTP and hands it to Device OS chunk by chunk.
#pragma once

#include <Particle.h>

class OTA {
public:
    OTA();
    ~OTA();

    // Download http://<host><path> and install it; resets the device either way.
    bool GetUpdate(const char* host, const char* path);
};
