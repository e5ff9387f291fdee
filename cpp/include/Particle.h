#pragma once
#include "application.h"
