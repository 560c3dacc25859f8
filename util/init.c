/*
 * init.c: process-wide set-up of the libraries virtnode builds on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>

#include "util/init.h"

void
util_init(void)
{
    static gsize initialized;

    if (g_once_init_enter(&initialized)) {
        guint64 unused;

        /* The first use, alone: GLib creates its C locale here. */
        (void)g_ascii_string_to_unsigned("0", 10, 0, 0, &unused, NULL);
        g_once_init_leave(&initialized, 1);
    }
}
