/*
 * notify.h: readiness notification to the service manager (sd_notify)
 *
 * systemd's Type=notify protocol is one datagram of "KEY=VALUE" lines sent
 * to the AF_UNIX socket named by $NOTIFY_SOCKET ('@' = abstract name); a few
 * lines of code, so no libsystemd dependency.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>

/* Takes $NOTIFY_SOCKET and removes it from the environment, so the guests
 * and helpers the agent starts do not inherit it. */
void agent_notify_init(void);

/* Sends @state (e.g. "READY=1"); true when there is nobody to tell. */
bool agent_notify(const char *state);
