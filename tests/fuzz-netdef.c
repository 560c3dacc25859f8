/*
 * fuzz-netdef.c: fuzz target for the network XML parser
 *
 * Built with --enable-fuzzing it is a libFuzzer target
 * (LLVMFuzzerTestOneInput, FUZZING_BUILD); otherwise it is a normal test program that
 * replays every file of tests/fuzz/netdef/ (the corpus, crashes that were
 * found included) as one test case each.
 *
 * Property: rejecting input is fine; accepted input must format, the
 * output must parse again and format to the same bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/netdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *in = g_strndup((const char *)data, size);
    g_autofree char *out1 = NULL, *out2 = NULL;
    g_autoptr(NetDef) a = NULL, b = NULL;

    if (!(a = netdef_parse_string(in, 0, NULL)))
        return 0;
    if (!(out1 = netdef_format(a, NETDEF_FORMAT_INACTIVE, NULL)) ||
        !(b = netdef_parse_string(out1, 0, NULL)) ||
        !(out2 = netdef_format(b, NETDEF_FORMAT_INACTIVE, NULL)) || strcmp(out1, out2) != 0)
        abort();
    return 0;
}

#ifndef FUZZING_BUILD
static void
replay_one(gconstpointer opaque)
{
    const char *path = opaque;
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &error))
        g_error("cannot read '%s': %s", path, error->message);
    g_assert_cmpint(LLVMFuzzerTestOneInput((const uint8_t *)data, len), ==, 0);
}

static int
compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    const char *srcdir = g_getenv("abs_top_srcdir");
    g_autofree char *dir =
        g_build_filename(srcdir ? srcdir : ABS_TOP_SRCDIR, "tests", "fuzz", "netdef", NULL);
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = NULL;
    const char *f;

    g_test_init(&argc, &argv, NULL);
    if (!(d = g_dir_open(dir, 0, &error)))
        g_error("cannot list '%s': %s", dir, error->message);
    while ((f = g_dir_read_name(d)))
        g_ptr_array_add(paths, g_build_filename(dir, f, NULL));
    g_ptr_array_sort(paths, compare_paths);
    for (guint i = 0; i < paths->len; i++) {
        g_autofree char *base = g_path_get_basename(paths->pdata[i]);
        g_autofree char *name = g_strdup_printf("/fuzz-netdef/%s", base);

        g_test_add_data_func(name, paths->pdata[i], replay_one);
    }
    return g_test_run();
}
#endif
