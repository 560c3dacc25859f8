/*
 * fuzz-rpc.c: fuzz target for the wire protocol's decoding
 *
 * The input is a frame body as the agent hands it to the dispatcher (the
 * header and payload after the length word). Whatever decodes as a known
 * procedure's call or reply payload must encode again, and that frame must
 * decode and encode to the same bytes: decoding never accepts what the
 * protocol cannot express, and never loses or invents data. Rejecting input
 * is fine. Without libFuzzer (make check) main() replays tests/fuzz/rpc/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "rpc/message.h"
#include "rpc/procedures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes @body through @proc; if that works, checks the round trip. */
static void
fuzz_payload(const RpcHeader *h, const guint8 *body, gsize len, xdrproc_t proc, gsize size)
{
    g_autofree void *first = g_malloc0(size);
    g_autofree void *second = g_malloc0(size);
    g_autoptr(GBytes) frame1 = NULL;
    g_autoptr(GBytes) frame2 = NULL;
    const guint8 *f1;
    gsize f1_len;

    if (!rpc_payload_decode(body, len, proc, first, size, NULL))
        return;
    frame1 = rpc_message_encode(h, proc, first, NULL);
    rpc_payload_free(proc, first);
    if (!frame1)
        abort(); /* decoded, yet not encodable */
    f1 = g_bytes_get_data(frame1, &f1_len);
    if (!rpc_payload_decode(f1 + 4, f1_len - 4, proc, second, size, NULL))
        abort(); /* our own encoding does not decode */
    frame2 = rpc_message_encode(h, proc, second, NULL);
    rpc_payload_free(proc, second);
    if (!frame2 || !g_bytes_equal(frame1, frame2))
        abort(); /* not stable */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const RpcProcedure *proc;
    RpcHeader h;

    if (!rpc_header_decode(data, size, &h, NULL))
        return 0;
    proc = rpc_procedure_lookup(h.prog, h.vers, h.procedure);
    if (!proc)
        return 0;
    /* The same body as a call's payload and as a reply's. */
    if (proc->args_proc)
        fuzz_payload(&h, data, size, proc->args_proc, proc->args_size);
    if (proc->ret_proc)
        fuzz_payload(&h, data, size, proc->ret_proc, proc->ret_size);
    return 0;
}

#ifndef FUZZING_BUILD
static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
replay(gconstpointer path)
{
    g_autofree char *data = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpint(LLVMFuzzerTestOneInput((const uint8_t *)data, len), ==, 0);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = g_build_filename(SRCDIR, "tests", "fuzz", "rpc", NULL);
    g_autoptr(GDir) d = NULL;
    const char *name;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    g_test_init(&argc, &argv, NULL);
    d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *n = names->pdata[i];
        g_autofree char *test = g_strdup_printf("/fuzz/rpc/%s", n);

        g_test_add_data_func_full(test, g_build_filename(dir, n, NULL), replay, g_free);
    }
    return g_test_run();
}
#endif
