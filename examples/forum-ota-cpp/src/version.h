// The version string the routine sends as its User-Agent.
#pragma once
#define PICSIL_VERSION "0.0.1"
