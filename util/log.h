/*
 * log.h: leveled, timestamped, thread-safe logging for the agent
 *
 * One line per message: "2026-11-21 07:30:00.123+0000: PID: level : message",
 * written with a single write(2) so lines from several threads never mix.
 * Outputs are described as in libvirt's log_outputs: a space-separated list
 * of "[LEVEL:]stderr" and "[LEVEL:]file:PATH" (LEVEL 1 debug .. 4 error).
 *
 * A message is written when its level is at least the global level and at
 * least the level of the output (an output without a LEVEL prefix takes the
 * global level).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef enum {
    LOG_LEVEL_DEBUG = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_WARNING = 3,
    LOG_LEVEL_ERROR = 4,
} LogLevel;

/* "debug", "info", "warning", "error"; NULL for values out of range. */
const char *log_level_to_string(LogLevel level);

/* Checks the syntax of an outputs string without opening anything. */
bool log_outputs_validate(const char *spec, GError **error);

/* Replaces the global level and the outputs (files are opened now, in
 * append mode). With @force_level every output takes @level whatever its
 * own prefix says (--verbose). On error the previous setup stays. */
bool log_configure(LogLevel level, const char *spec, bool force_level, GError **error);

/* Whether a message at @level would be written anywhere. */
bool log_enabled(LogLevel level);

/* Writes one message (a trailing newline in @fmt's result is dropped). */
void log_message(LogLevel level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void log_messagev(LogLevel level, const char *fmt, va_list args) G_GNUC_PRINTF(2, 0);

/* Sends GLib's g_log/g_warning/g_debug messages through these outputs. */
void log_install_glib_writer(void);

/* Closes the output files and returns to the default (warnings to stderr). */
void log_shutdown(void);

#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
