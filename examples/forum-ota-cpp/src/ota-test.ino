// Press 'o' in the serial monitor to update over the air.
#include <OTA.h>

SerialLogHandler logHandler(LOG_LEVEL_TRACE);
char c;

void setup() {
    Serial.begin(115200);
    delay(5000);
    Serial.println("V2");
    Serial.println("Hello! Press o for OTA.");
}

void loop() {
    if (Serial.available()) {
        c = Serial.read();
        if (c == 'o') {
            c = 0;
            OTA* ota = new OTA();
            ota->GetUpdate("mydomain.com", "/firmware/simple.bin");
        }
    }
}
