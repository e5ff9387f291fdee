/* System modes and the threading switch (Device OS system/inc/system_mode.h). */
#pragma once

typedef enum { DEFAULT = 0, AUTOMATIC = 1, SEMI_AUTOMATIC = 2, MANUAL = 3, SAFE_MODE = 4 } System_Mode_TypeDef;

#ifdef __cplusplus
namespace spark {
namespace feature {
enum State { DISABLED = 0, ENABLED = 1 };
}
} // namespace spark
#endif
