/*
 * Particle APIs a sketch may reach for that the emulator does not model yet. Each is declared so
 * that using it is a compile error naming it ("'Cellular' is unavailable: Cellular is not
 * modelled by virtual-boron yet") instead of an unknown identifier or a silent stub.
 */
#pragma once

#include <stdint.h>
#include "virtual_boron/support.h"

typedef uint16_t pin_t;
typedef enum PinMode { INPUT, OUTPUT, INPUT_PULLUP, INPUT_PULLDOWN, AF_OUTPUT_PUSHPULL, AF_OUTPUT_DRAIN, AN_INPUT, AN_OUTPUT, PIN_MODE_NONE = 0xFF } PinMode;
typedef enum InterruptMode { CHANGE, RISING, FALLING } InterruptMode;

void pinMode(uint16_t pin, PinMode mode) VB_NOT_MODELLED("pinMode() (GPIO)");
void digitalWrite(uint16_t pin, uint8_t value) VB_NOT_MODELLED("digitalWrite() (GPIO)");
int32_t digitalRead(uint16_t pin) VB_NOT_MODELLED("digitalRead() (GPIO)");
int32_t analogRead(uint16_t pin) VB_NOT_MODELLED("analogRead() (ADC)");
void analogWrite(uint16_t pin, uint32_t value) VB_NOT_MODELLED("analogWrite() (PWM)");
template <typename... A> bool attachInterrupt(A...) VB_NOT_MODELLED("attachInterrupt()");
template <typename... A> void detachInterrupt(A...) VB_NOT_MODELLED("detachInterrupt()");
template <typename... A> void tone(A...) VB_NOT_MODELLED("tone()");
template <typename... A> void noTone(A...) VB_NOT_MODELLED("noTone()");
template <typename... A> uint32_t pulseIn(A...) VB_NOT_MODELLED("pulseIn()");
template <typename... A> void shiftOut(A...) VB_NOT_MODELLED("shiftOut()");
template <typename... A> uint8_t shiftIn(A...) VB_NOT_MODELLED("shiftIn()");
template <typename... A> int32_t random(A...) VB_NOT_MODELLED("random() (Particle's)");
template <typename... A> void randomSeed(A...) VB_NOT_MODELLED("randomSeed()");
template <typename... A> void noInterrupts(A...) VB_NOT_MODELLED("noInterrupts()");
template <typename... A> void interrupts(A...) VB_NOT_MODELLED("interrupts()");

/* Pins and the objects of Particle's other peripherals and services. */
#define VB_UNMODELLED_OBJECT(type, name, what) \
    class type; \
    extern type name VB_NOT_MODELLED(what);
VB_UNMODELLED_OBJECT(CellularClass, Cellular, "Cellular")
VB_UNMODELLED_OBJECT(WiFiClass, WiFi, "WiFi")
VB_UNMODELLED_OBJECT(MeshClass, Mesh, "Mesh")
VB_UNMODELLED_OBJECT(TimeClass, Time, "Time")
VB_UNMODELLED_OBJECT(RGBClass, RGB, "RGB")
VB_UNMODELLED_OBJECT(EEPROMClass, EEPROM, "EEPROM")
VB_UNMODELLED_OBJECT(USARTSerial, Serial1, "Serial1")
VB_UNMODELLED_OBJECT(TwoWire, Wire, "Wire (I2C)")
VB_UNMODELLED_OBJECT(SPIClass, SPI, "SPI")
VB_UNMODELLED_OBJECT(SPIClass, SPI1, "SPI1")
VB_UNMODELLED_OBJECT(BleClass, BLE, "BLE")
VB_UNMODELLED_OBJECT(NFCClass, NFC, "NFC")
VB_UNMODELLED_OBJECT(PMIC, pmic, "PMIC")
#undef VB_UNMODELLED_OBJECT

class VB_NOT_MODELLED("TCPServer") TCPServer;
class VB_NOT_MODELLED("UDP") UDP;
class VB_NOT_MODELLED("Timer (software timers)") Timer;
class VB_NOT_MODELLED("Thread") Thread;
class VB_NOT_MODELLED("ApplicationWatchdog") ApplicationWatchdog;
class VB_NOT_MODELLED("FuelGauge") FuelGauge;
class VB_NOT_MODELLED("PMIC") PMIC;
class VB_NOT_MODELLED("Servo") Servo;
class VB_NOT_MODELLED("JSONParser (spark_wiring_json.h)") JSONValue;
class VB_NOT_MODELLED("JSONWriter (spark_wiring_json.h)") JSONWriter;

#define VB_UNMODELLED_PIN(name) extern const pin_t name VB_NOT_MODELLED("pin " #name " (GPIO)");
VB_UNMODELLED_PIN(D0) VB_UNMODELLED_PIN(D1) VB_UNMODELLED_PIN(D2) VB_UNMODELLED_PIN(D3) VB_UNMODELLED_PIN(D4)
VB_UNMODELLED_PIN(D5) VB_UNMODELLED_PIN(D6) VB_UNMODELLED_PIN(D7) VB_UNMODELLED_PIN(D8)
VB_UNMODELLED_PIN(A0) VB_UNMODELLED_PIN(A1) VB_UNMODELLED_PIN(A2) VB_UNMODELLED_PIN(A3) VB_UNMODELLED_PIN(A4) VB_UNMODELLED_PIN(A5)
VB_UNMODELLED_PIN(BATT) VB_UNMODELLED_PIN(CHG) VB_UNMODELLED_PIN(PWR)
#undef VB_UNMODELLED_PIN

#define PRODUCT_ID(x) static_assert(false, "PRODUCT_ID() is not modelled by virtual-boron yet");
#define PRODUCT_VERSION(x) static_assert(false, "PRODUCT_VERSION() is not modelled by virtual-boron yet");
