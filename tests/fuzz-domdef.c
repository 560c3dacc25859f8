/*
 * fuzz-domdef.c: fuzz target for the domain XML parser
 *
 * Whatever the parser accepts must format, read back, and format to the
 * same text. Without libFuzzer (make check) main() replays the corpus in
 * tests/fuzz/domdef/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *in = g_strndup((const char *)data, size);
    g_autofree char *out1 = NULL, *out2 = NULL;
    g_autoptr(DomDef) a = NULL, b = NULL;
    const unsigned int flags[] = { DOMDEF_FORMAT_INACTIVE, DOMDEF_FORMAT_SECURE };

    if (!(a = domdef_parse_string(in, DOMDEF_PARSE_INACTIVE, NULL)))
        return 0; /* rejecting input is fine */
    for (gsize i = 0; i < G_N_ELEMENTS(flags); i++) {
        g_clear_pointer(&out1, g_free);
        g_clear_pointer(&out2, g_free);
        g_clear_pointer(&b, domdef_free);
        if (!(out1 = domdef_format(a, -1, flags[i], NULL)) ||
            !(b = domdef_parse_string(out1, 0, NULL)) ||
            !(out2 = domdef_format(b, -1, flags[i], NULL)) || strcmp(out1, out2) != 0)
            abort();
    }
    return 0;
}

#ifndef FUZZING_BUILD
static void
replay(gconstpointer data)
{
    g_autofree char *text = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(data, &text, &len, NULL));
    LLVMFuzzerTestOneInput((const uint8_t *)text, len);
}

int
main(int argc, char **argv)
{
    const char *top = g_getenv("abs_top_srcdir");
    g_autofree char *dir = g_build_filename(top ? top : SRCDIR, "tests", "fuzz", "domdef", NULL);
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    g_test_init(&argc, &argv, NULL);
    d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    while ((f = g_dir_read_name(d)))
        g_ptr_array_add(paths, g_build_filename(dir, f, NULL));
    g_ptr_array_sort(paths, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < paths->len; i++) {
        g_autofree char *name = g_path_get_basename(paths->pdata[i]);
        g_autofree char *tpath = g_strdup_printf("/fuzz-domdef/%s", name);

        g_test_add_data_func(tpath, paths->pdata[i], replay);
    }
    return g_test_run();
}
#endif
