/*
 * qemu-ports-test.c: port ranges for guests' display servers
 *
 * Ports another program holds are simulated by listening sockets on
 * 127.0.0.1 in a high range (no traffic; nothing on other addresses).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/qemu/qemu_ports.h"
#include "util/error.h"

/* A free block of 8 ports above 40000 (none of them bound now). */
static unsigned int
free_block(void)
{
    for (unsigned int base = 41000; base < 60000; base += 97) {
        g_autoptr(PortRange) probe = port_range_new("probe", base, base + 7);
        unsigned int got = 0, n = 0;

        while (port_range_acquire(probe, &got, NULL) && got == base + n)
            n++;
        if (n == 8)
            return base;
    }
    g_error("no free block of 8 TCP ports");
}

/* Listens on 127.0.0.1:@port; the fd. */
static int
hold(unsigned int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static void
test_sequence(void)
{
    unsigned int base = free_block(), port = 0;
    g_autoptr(PortRange) r = port_range_new("display", base, base + 3);
    g_autoptr(GError) err = NULL;

    for (unsigned int i = 0; i < 4; i++) {
        g_assert_true(port_range_acquire(r, &port, &err));
        g_assert_cmpuint(port, ==, base + i);
        g_assert_true(port_range_in_use(r, port));
    }
    /* exhausted: libvirt's words */
    g_assert_false(port_range_acquire(r, &port, &err));
    g_assert_error(err, error_quark(VIR_FROM_QEMU), VIR_ERR_INTERNAL_ERROR);
    {
        g_autofree char *want = g_strdup_printf(
            "Unable to find an unused port in range 'display' (%u-%u)", base, base + 3);

        g_assert_cmpstr(err->message, ==, want);
    }
    g_clear_error(&err);
    /* a released port is the next one handed out */
    port_range_release(r, base + 1);
    g_assert_false(port_range_in_use(r, base + 1));
    g_assert_true(port_range_acquire(r, &port, &err));
    g_assert_cmpuint(port, ==, base + 1);
}

static void
test_skips_bound(void)
{
    unsigned int base = free_block(), port = 0;
    g_autoptr(PortRange) r = port_range_new("display", base, base + 7);
    int a = hold(base), b = hold(base + 2);

    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base + 1);
    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base + 3);
    close(a);
    close(b);
    /* free again: handed out now */
    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base);
}

static void
test_reserve(void)
{
    unsigned int base = free_block(), port = 0;
    g_autoptr(PortRange) r = port_range_new("display", base, base + 7);

    /* guests found running again after an agent restart keep their ports */
    g_assert_true(port_range_reserve(r, base));
    g_assert_false(port_range_reserve(r, base));
    g_assert_false(port_range_reserve(r, base + 8));
    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base + 1);
}

static void
test_set_bounds(void)
{
    unsigned int base = free_block(), port = 0;
    g_autoptr(PortRange) r = port_range_new("display", base, base + 7);
    g_autoptr(GError) err = NULL;

    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base);
    /* a reload narrows the range: the guest keeps base, new ones start higher */
    port_range_set_bounds(r, base + 4, base + 5);
    g_assert_true(port_range_in_use(r, base));
    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base + 4);
    g_assert_true(port_range_acquire(r, &port, NULL));
    g_assert_cmpuint(port, ==, base + 5);
    g_assert_false(port_range_acquire(r, &port, &err));
    g_assert_error(err, error_quark(VIR_FROM_QEMU), VIR_ERR_INTERNAL_ERROR);
    {
        g_autofree char *want = g_strdup_printf(
            "Unable to find an unused port in range 'display' (%u-%u)", base + 4, base + 5);

        g_assert_cmpstr(err->message, ==, want);
    }
    /* the old port is released normally */
    port_range_release(r, base);
    g_assert_false(port_range_in_use(r, base));
}

typedef struct {
    PortRange *range;
    unsigned int ports[4];
} Grab;

static gpointer
grab_thread(gpointer data)
{
    Grab *g = data;

    for (int i = 0; i < 4; i++)
        g_assert_true(port_range_acquire(g->range, &g->ports[i], NULL));
    return NULL;
}

static void
test_threads(void)
{
    unsigned int base = free_block();
    g_autoptr(PortRange) r = port_range_new("display", base, base + 7);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    Grab grabs[2] = { { r, { 0 } }, { r, { 0 } } };
    GThread *t[2];

    for (int i = 0; i < 2; i++)
        t[i] = g_thread_new("grab", grab_thread, &grabs[i]);
    for (int i = 0; i < 2; i++)
        g_thread_join(t[i]);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            g_assert_true(g_hash_table_add(seen, GUINT_TO_POINTER(grabs[i].ports[j])));
    g_assert_cmpuint(g_hash_table_size(seen), ==, 8);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-ports/sequence", test_sequence);
    g_test_add_func("/qemu-ports/skips-bound", test_skips_bound);
    g_test_add_func("/qemu-ports/reserve", test_reserve);
    g_test_add_func("/qemu-ports/threads", test_threads);
    g_test_add_func("/qemu-ports/set-bounds", test_set_bounds);
    return g_test_run();
}
