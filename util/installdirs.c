/*
 * installdirs.c: where virtnode finds the files it ships
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>

#include "util/installdirs.h"

bool
installdirs_uninstalled(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

    return exe && g_str_has_prefix(exe, ABS_TOP_BUILDDIR "/");
}

char *
installdirs_data_file(const char *relpath)
{
    if (installdirs_uninstalled())
        return g_build_filename(ABS_TOP_SRCDIR, "init", relpath, NULL);
    return g_build_filename(PKGDATADIR, relpath, NULL);
}

char *
installdirs_helper(const char *build_relpath)
{
    g_autofree char *base = NULL;

    if (installdirs_uninstalled())
        return g_build_filename(ABS_TOP_BUILDDIR, build_relpath, NULL);
    base = g_path_get_basename(build_relpath);
    return g_build_filename(LIBEXECDIR, base, NULL);
}
