/*
 * leases-test.c: the lease store (net/leases) and virtnode-leaseshelper
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "net/dnsmasq.h"
#include "net/leases.h"
#include "util/cmd.h"
#include "util/error.h"

#define HELPER ABS_TOP_BUILDDIR "/net/virtnode-leaseshelper"
/* Lease members are not const: literals in test leases */
#define S(literal) ((char *)(literal))

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    (void)data;
    f->dir = g_dir_make_tmp("leases-test-XXXXXX", &error);
    g_assert_no_error(error);
    f->path = g_build_filename(f->dir, "net.leases.json", NULL);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
    const char *name;

    (void)data;
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);

        unlink(p);
    }
    rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
}

static GPtrArray *
load_ok(const char *path)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *leases = leases_load(path, &error);

    g_assert_no_error(error);
    g_assert_nonnull(leases);
    return leases;
}

static const Lease *
find_ip(GPtrArray *leases, const char *ip)
{
    for (guint i = 0; i < leases->len; i++) {
        const Lease *l = leases->pdata[i];

        if (strcmp(l->ip, ip) == 0)
            return l;
    }
    return NULL;
}

static const Lease *
get_ip(GPtrArray *leases, const char *ip)
{
    const Lease *l = find_ip(leases, ip);

    if (!l)
        g_error("no lease of %s", ip);
    return l;
}

static void
test_roundtrip(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    Lease v4 = {
        .iface = S("vnbr0"),
        .expiry = 4000000000,
        .type = VIR_IP_ADDR_TYPE_IPV4,
        .mac = S("52:54:00:00:00:01"),
        .ip = S("10.0.0.5"),
        .prefix = 24,
        .hostname = S("guest \"one\""),
        .client_id = S("01:52:54:00:00:00:01"),
    };
    Lease v6 = {
        .type = VIR_IP_ADDR_TYPE_IPV6,
        .iaid = S("1234"),
        .ip = S("fd00::5"),
        .prefix = 64,
        .client_id = S("00:03:00:01:52:54:00:00:00:02"),
    };
    const Lease *l;

    (void)data;
    leases = load_ok(f->path); /* no file yet: no leases */
    g_assert_cmpuint(leases->len, ==, 0);
    g_clear_pointer(&leases, g_ptr_array_unref);
    g_assert_true(leases_add(f->path, &v4, 0, &error));
    g_assert_true(leases_add(f->path, &v6, 0, &error));
    g_assert_no_error(error);

    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 2);
    l = get_ip(leases, "10.0.0.5");
    g_assert_cmpstr(l->iface, ==, "vnbr0");
    g_assert_cmpint(l->expiry, ==, 4000000000);
    g_assert_cmpint(l->type, ==, VIR_IP_ADDR_TYPE_IPV4);
    g_assert_cmpstr(l->mac, ==, "52:54:00:00:00:01");
    g_assert_cmpuint(l->prefix, ==, 24);
    g_assert_cmpstr(l->hostname, ==, "guest \"one\"");
    g_assert_cmpstr(l->client_id, ==, "01:52:54:00:00:00:01");
    g_assert_null(l->iaid);
    l = get_ip(leases, "fd00::5");
    g_assert_cmpint(l->type, ==, VIR_IP_ADDR_TYPE_IPV6);
    g_assert_null(l->mac);
    g_assert_cmpstr(l->iaid, ==, "1234");
    g_assert_cmpint(l->expiry, ==, 0);
}

/* One lease per address; removal by address and by MAC; expired leases
 * go on the next write. */
static void
test_replace_remove(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    Lease a = {
        .ip = S("10.0.0.5"), .mac = S("52:54:00:00:00:0a"), .hostname = S("a"), .expiry = 500
    };
    Lease b = { .ip = S("10.0.0.6"), .mac = S("52:54:00:00:00:0B"), .expiry = 0 };
    Lease b2 = { .ip = S("10.0.0.7"), .mac = S("52:54:00:00:00:0b"), .expiry = 2000 };
    Lease a2 = {
        .ip = S("10.0.0.5"), .mac = S("52:54:00:00:00:0a"), .hostname = S("renamed"), .expiry = 900
    };
    unsigned int removed = 0;

    (void)data;
    g_assert_true(leases_add(f->path, &a, 0, &error));
    g_assert_true(leases_add(f->path, &b, 0, &error));
    g_assert_true(leases_add(f->path, &b2, 0, &error));
    g_assert_true(leases_add(f->path, &a2, 0, &error));
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 3);
    g_assert_cmpstr(get_ip(leases, "10.0.0.5")->hostname, ==, "renamed");
    leases_prune_expired(leases, 1000);
    g_assert_cmpuint(leases->len, ==, 2); /* a2 expired; b never expires */
    g_clear_pointer(&leases, g_ptr_array_unref);

    g_assert_true(leases_remove_mac(f->path, "52:54:00:00:00:0b", &removed, &error));
    g_assert_cmpuint(removed, ==, 2);
    g_assert_true(leases_remove(f->path, "10.0.0.99", &error)); /* absent: fine */
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 1);
    g_clear_pointer(&leases, g_ptr_array_unref);

    /* a write at time 1000 drops a2 (expired at 900) */
    g_assert_true(leases_add(f->path, &b, 1000, &error));
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 1);
    g_assert_nonnull(find_ip(leases, "10.0.0.6"));
    g_clear_pointer(&leases, g_ptr_array_unref);
    g_assert_true(leases_remove(f->path, "10.0.0.6", &error));
    g_assert_no_error(error);
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 0);
}

static void
test_corrupt(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    Lease a = { .ip = S("10.0.0.5") };

    (void)data;
    g_assert_true(
        g_file_set_contents(f->path, "[{\"ip-address\": \"10.0.0.1\"}, {\"x\": 1}, 7]", -1, NULL));
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 1); /* entries without an address are skipped */
    g_clear_pointer(&leases, g_ptr_array_unref);

    g_assert_true(g_file_set_contents(f->path, "{\"not\": \"an array\"}", -1, NULL));
    g_assert_null(leases_load(f->path, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    g_assert_true(g_file_set_contents(f->path, "[{", -1, NULL));
    g_assert_null(leases_load(f->path, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    /* a writer does not overwrite what it cannot read */
    g_assert_false(leases_add(f->path, &a, 0, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
}

#define N_PROCS 6
#define N_THREADS 4
#define N_EACH 30

typedef struct Writer {
    const char *path;
    int id;
} Writer;

static gpointer
writer_run(gpointer opaque)
{
    const Writer *w = opaque;

    for (int i = 0; i < N_EACH; i++) {
        g_autofree char *ip = g_strdup_printf("10.%d.%d.%d", 100 + w->id, i / 250, i % 250 + 1);
        g_autofree char *mac = g_strdup_printf("52:54:00:%02x:00:%02x", w->id, i);
        Lease l = { .ip = ip, .mac = mac, .expiry = 0 };
        g_autoptr(GError) error = NULL;

        if (!leases_add(w->path, &l, 0, &error))
            g_error("writer %d: %s", w->id, error->message);
    }
    return NULL;
}

/* Processes and threads writing at once lose no update. */
static void
test_concurrent(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) leases = NULL;
    pid_t pids[N_PROCS];
    GThread *threads[N_THREADS];
    Writer tw[N_THREADS];

    (void)data;
    for (int p = 0; p < N_PROCS; p++) {
        pids[p] = fork();
        g_assert_cmpint(pids[p], >=, 0);
        if (pids[p] == 0) {
            Writer w = { f->path, p };

            writer_run(&w);
            _exit(0);
        }
    }
    for (int t = 0; t < N_THREADS; t++) {
        tw[t] = (Writer){ f->path, N_PROCS + t };
        threads[t] = g_thread_new("writer", writer_run, &tw[t]);
    }
    for (int t = 0; t < N_THREADS; t++)
        g_thread_join(threads[t]);
    for (int p = 0; p < N_PROCS; p++) {
        int status;

        g_assert_cmpint(waitpid(pids[p], &status, 0), ==, pids[p]);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, (N_PROCS + N_THREADS) * N_EACH);
    for (int w = 0; w < N_PROCS + N_THREADS; w++) {
        for (int i = 0; i < N_EACH; i++) {
            g_autofree char *ip = g_strdup_printf("10.%d.%d.%d", 100 + w, i / 250, i % 250 + 1);

            g_assert_nonnull(find_ip(leases, ip));
        }
    }
}

/* Runs the helper as dnsmasq would: argv plus DNSMASQ_* variables. */
static int
run_helper(const char *store, const char *const *argv, const char *const *env)
{
    g_autoptr(Cmd) cmd = cmd_new(HELPER);
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    for (size_t i = 0; argv[i]; i++)
        cmd_add_arg(cmd, argv[i]);
    for (size_t i = 0; env && env[i]; i += 2)
        cmd_set_env(cmd, env[i], env[i + 1]);
    if (store)
        cmd_set_env(cmd, DNSMASQ_ENV_LEASES_FILE, store);
    cmd_capture_output(cmd, NULL, &err);
    g_assert_true(cmd_run(cmd, &status, &error));
    if (status != 0)
        g_test_message("helper said: %s", err);
    return status;
}

static void
test_helper(Fixture *f, gconstpointer data)
{
    static const char *const env4[] = {
        "DNSMASQ_INTERFACE",
        "vnbr3",
        "DNSMASQ_LEASE_EXPIRES",
        "4100000000",
        "DNSMASQ_CLIENT_ID",
        "01:52:54:00:00:00:31",
        DNSMASQ_ENV_PREFIX_V4,
        "24",
        DNSMASQ_ENV_PREFIX_V6,
        "64",
        NULL,
    };
    static const char *const env4_old[] = {
        "DNSMASQ_INTERFACE", "vnbr3", "DNSMASQ_LEASE_LENGTH", "3600", NULL,
    };
    static const char *const env6[] = {
        "DNSMASQ_INTERFACE",
        "vnbr3",
        "DNSMASQ_IAID",
        "987",
        "DNSMASQ_MAC",
        "52:54:00:00:00:31",
        "DNSMASQ_LEASE_EXPIRES",
        "0",
        DNSMASQ_ENV_PREFIX_V6,
        "64",
        NULL,
    };
    static const char *const add4[] = { "add", "52:54:00:00:00:31", "10.3.0.31", "g31", NULL };
    static const char *const old4[] = { "old", "52:54:00:00:00:31", "10.3.0.31", NULL };
    static const char *const add6[] = { "add", "00:03:00:01:52:54:00:00:00:31", "fd03::31", NULL };
    static const char *const del4[] = { "del", "52:54:00:00:00:31", "10.3.0.31", NULL };
    static const char *const tftp[] = { "tftp", "1234", "10.3.0.31", "/srv/x", NULL };
    static const char *const shortargs[] = { "add", "52:54:00:00:00:31", NULL };
    g_autoptr(GPtrArray) leases = NULL;
    const Lease *l;
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;

    (void)data;
    g_assert_cmpint(run_helper(f->path, add4, env4), ==, 0);
    g_assert_cmpint(run_helper(f->path, add6, env6), ==, 0);
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 2);
    l = get_ip(leases, "10.3.0.31");
    g_assert_cmpstr(l->mac, ==, "52:54:00:00:00:31");
    g_assert_cmpstr(l->hostname, ==, "g31");
    g_assert_cmpstr(l->client_id, ==, "01:52:54:00:00:00:31");
    g_assert_cmpstr(l->iface, ==, "vnbr3");
    g_assert_cmpuint(l->prefix, ==, 24);
    g_assert_cmpint(l->expiry, ==, 4100000000);
    g_assert_cmpint(l->type, ==, VIR_IP_ADDR_TYPE_IPV4);
    l = get_ip(leases, "fd03::31");
    g_assert_cmpint(l->type, ==, VIR_IP_ADDR_TYPE_IPV6);
    g_assert_cmpstr(l->client_id, ==, "00:03:00:01:52:54:00:00:00:31");
    g_assert_cmpstr(l->mac, ==, "52:54:00:00:00:31");
    g_assert_cmpstr(l->iaid, ==, "987");
    g_assert_cmpuint(l->prefix, ==, 64);
    g_assert_cmpint(l->expiry, ==, 0);
    g_clear_pointer(&leases, g_ptr_array_unref);

    /* "old" (dnsmasq restarted, lease renewed) updates; relative expiry */
    g_assert_cmpint(run_helper(f->path, old4, env4_old), ==, 0);
    leases = load_ok(f->path);
    l = get_ip(leases, "10.3.0.31");
    g_assert_null(l->hostname);
    g_assert_cmpint(l->expiry, >=, now + 3600);
    g_assert_cmpint(l->expiry, <=, now + 3600 + 60);
    g_clear_pointer(&leases, g_ptr_array_unref);

    /* other actions are not ours: success, no change */
    g_assert_cmpint(run_helper(f->path, tftp, NULL), ==, 0);
    g_assert_cmpint(run_helper(f->path, del4, env4), ==, 0);
    leases = load_ok(f->path);
    g_assert_cmpuint(leases->len, ==, 1);
    g_assert_null(find_ip(leases, "10.3.0.31"));

    /* misuse fails */
    g_assert_cmpint(run_helper(NULL, add4, env4), ==, 1);
    g_assert_cmpint(run_helper(f->path, shortargs, env4), ==, 1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/leases/roundtrip", Fixture, NULL, fixture_setup, test_roundtrip, fixture_teardown);
    g_test_add("/leases/replace-remove", Fixture, NULL, fixture_setup, test_replace_remove,
               fixture_teardown);
    g_test_add("/leases/corrupt", Fixture, NULL, fixture_setup, test_corrupt, fixture_teardown);
    g_test_add("/leases/concurrent", Fixture, NULL, fixture_setup, test_concurrent,
               fixture_teardown);
    g_test_add("/leases/helper", Fixture, NULL, fixture_setup, test_helper, fixture_teardown);
    return g_test_run();
}
