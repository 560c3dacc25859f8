/*
 * installdirs.h: where virtnode finds the files it ships, installed or run
 * from its build tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>

/* True when this process runs a binary of this build tree (a program or a
 * test): virtnode then uses the trees' files, since the contract asks it
 * to work uninstalled. */
bool installdirs_uninstalled(void);

/* A data file, @relpath under init/ ("networks/default.xml"): in the source
 * tree when uninstalled, else under the installed data directory. The
 * caller frees the path; it may not exist. */
char *installdirs_data_file(const char *relpath);

/* A helper program, @build_relpath in the build tree
 * ("net/virtnode-leaseshelper") when uninstalled, else its base name under
 * the installed libexec directory. The caller frees the path. */
char *installdirs_helper(const char *build_relpath);
