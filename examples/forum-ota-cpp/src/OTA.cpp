// The forum thread's routine, written afresh for virtual-boron: the same calls in the same order,
// with the same log formats, so the emulator can reproduce the thread's log line for line.
// Build with OTA_INITIALISE_CHUNK_ADDRESS defined for the thread's fix.
#include <spark_wiring_tcpclient.h>
#include <Particle.h>
#include <system_update.h>
#include "OTA.h"
#include "version.h"

static TCPClient* connection;

OTA::OTA() {
    Serial.println("OTA() created without TLS");
}

OTA::~OTA() {
    delete connection;
}

// Log, wait a second and start again: what every failure below does.
static void restartAfter() {
    delay(1000);
    System.reset();
}

bool OTA::GetUpdate(const char* host, const char* path) {
    unsigned char buf[256];
    char one[4];
    unsigned char c = 0;
    unsigned char previous = 0;
    system_tick_t lastData = 0;
    bool done = false;
    bool inBody = false;
    bool blankLine = false;
    bool ok = false;
    int avail = 0;
    char* at;
    unsigned int status = 0;
    unsigned int length = 0;
    unsigned int received = 0;

    FileTransfer::Descriptor file;
    connection = new TCPClient();
    String header = "";

    Log("OTA: free memory %d bytes", System.freeMemory());
    Log("Getting %s%s", host, path);
    Log("mem: %d", System.freeMemory());
    int result = connection->connect(host, 80);
    Log("connect: %d", result);
    if (result < 0) {
        return false;
    }

    int len = sprintf((char*)buf,
                      "GET %s HTTP/1.0\r\n"
                      "Host: %s\r\n"
                      "Content-Length: 0\r\n"
                      "User-Agent: picsil Sense %s\r\n"
                      "\r\n",
                      path, host, PICSIL_VERSION);
    Log("OTA request: %s", buf);
    connection->write(buf, len);

    memset(buf, 0, sizeof(buf));
    lastData = millis();
    delay(250);
    while (!done) {
        if (!connection->connected()) {
            Log("Connection Error!");
            restartAfter();
        }
        if (millis() - lastData > 120000) {
            Log("Timeout!");
            restartAfter();
        }
        avail = connection->available();
        if (avail > 0) {
            if (!inBody) {
                // The header, a byte at a time, echoed to the serial port as it comes.
                c = connection->read();
                Serial.printf("%c", c);
                sprintf(one, "%c", c);
                header.concat(one);

                if (c == '\n' && previous == '\r') {
                    if (blankLine) {
                        inBody = true;
                        Log("Header: %s", header.c_str());

                        at = strstr(header.c_str(), " ");
                        if (at) {
                            at += 1;
                            status = atoi(at);
                            Log("Response Code: %d", status);
                        }
                        at = strstr(header.c_str(), "Content-Length: ");
                        if (at) {
                            at += 16;
                            length = atoi(at);
                            Log("Download Length: %d", length);
                        }

                        if (status != 200) {
                            Log("Invalid Response Code %d!", status);
                            restartAfter();
                        }

                        if (!done && length > 0) {
                            Log("Preparing Update");
                            file.file_length = length;
                            file.file_address = 0;
                            file.chunk_size = 256;
#ifdef OTA_INITIALISE_CHUNK_ADDRESS
                            file.chunk_address = 0;
#endif
                            file.store = FileTransfer::Store::FIRMWARE;

                            result = Spark_Prepare_For_Firmware_Update(file, 0, NULL);
                            if (result != 0) {
                                Log("Prepare Failed with result %d", result);
                                restartAfter();
                            } else {
                                file.chunk_address = file.file_address;
                            }
                        }
                    } else {
                        blankLine = true;
                    }
                } else if (c != '\r') {
                    blankLine = false;
                }
                previous = c;
            } else {
                // The body: whatever has arrived, up to the buffer's size, saved as one chunk.
                if (avail > sizeof(buf)) avail = sizeof(buf);
                avail = connection->read(&buf[0], avail);
                received += avail;

                file.chunk_size = avail;
                result = Spark_Save_Firmware_Chunk(file, &buf[0], NULL);
                if (result != 0) {
                    Log("Save chunk failed with result %d", result);
                    restartAfter();
                }
                Log("Received %d of %d bytes. Chunk Size %d. Chunk addr=%x", received, length, avail, file.chunk_address);

                file.chunk_address += file.chunk_size;

                if (length > 0 && received >= length) {
                    done = true;
                    ok = true;
                    Log("Firmware Received!");
                }
            }
            lastData = millis();
        }
    }
    if (received == 0) {
        Log("Header(2): %s", header.c_str());
    } else {
        Log("Received %d bytes", received);
    }

    if (ok) {
        Log("Launching Update");
    } else {
        Log("Process finished with error. Resetting.");
        restartAfter();
    }

    result = Spark_Finish_Firmware_Update(file, ok, NULL);
    if (result != 0) {
        Log("Finish failed with result code %d", result);
    } else {
        Log("Success!! System resetting.");
    }
    restartAfter();
    return ok;
}
