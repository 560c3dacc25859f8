/*
 * file.h: file helpers (atomic replacement, safe names, descriptors)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/* Replaces @path with @data: temp file in the same directory, fsync, rename,
 * fsync of the directory. Readers see the old or the new file, never a mix. */
bool file_write_atomic(const char *path, const char *data, gssize len, mode_t mode, GError **error);

/* The same in the directory open as @dirfd (@dir names it in messages): a
 * caller that writes often keeps the directory open and pays no path walk
 * and no open/close of the directory per write. @name has no '/'. */
bool file_write_atomic_at(int dirfd, const char *dir, const char *name, const char *data,
                          gssize len, mode_t mode, GError **error);

/* mkdir -p with @mode for the directories it creates. */
bool file_mkdir_p(const char *path, mode_t mode, GError **error);

void file_close_fdp(int *fdp);
/* A descriptor closed when it leaves scope (GLib 2.74 has no g_autofd). */
#define autoclose __attribute__((cleanup(file_close_fdp)))
