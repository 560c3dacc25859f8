/*
 * init.h: process-wide set-up of the libraries virtnode builds on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Done once, before threads of ours use GLib's number parsing: GLib 2.74
 * sets up the C locale behind g_ascii_strto*() and g_ascii_string_to_*()
 * on first use, and concurrent first uses can reject a valid number (seen:
 * one parse in a few thousand, 32 threads starting at once, "'66560' is not
 * an unsigned number"). Idempotent and thread-safe: threads racing into it
 * wait for the first. Multi-threaded programs call it from the main thread
 * early; the library's entry points and XML parsing call it too. */
void util_init(void);
