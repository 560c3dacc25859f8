/*
 * qemudrv-test.c: the agent's local driver (drivers/qemu + net/) driven
 * through its HypervisorDriver table on a temporary ETC directory
 *
 * No sockets: a virConnect made with obj_connect_new() is opened with
 * qemu_driver.connect_open() and the members are called directly, as the
 * agent's dispatcher does. QEMUDRV_SCALE=N changes the number of domains
 * of the scale case (default 1000).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/xmlutil.h"
#include "drivers/qemu/qemu_conf.h"
#include "drivers/qemu/qemu_driver.h"
#include "lib/driver-registry.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "lib/uri.h"
#include "net/network_driver.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

#define DATA_DIR ABS_TOP_SRCDIR "/tests/data/qemudrv"

/* lib/ needs a registry; the agent's has only this driver. */
static const HypervisorDriver *const drivers[] = { &qemu_driver };

const HypervisorDriver *const *
driver_registry_list(size_t *ret_count)
{
    *ret_count = G_N_ELEMENTS(drivers);
    return drivers;
}

/* ---- fixture: a temporary root with ETC/qemu, state and run dirs ---- */

typedef struct Fixture {
    char *tmp;
    char *etc;     /* tmp/etc/qemu */
    char *net_etc; /* tmp/etc/qemu/networks */
    char *state;   /* tmp/state */
    char *run;     /* tmp/run */
    char *bin;     /* tmp/bin: the emulator search path */
    char *logfile; /* tmp/log */
    HostinfoPaths paths;
    virConnectPtr conn;
} Fixture;

static void
rm_rf(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                rm_rf(child);
            else
                g_unlink(child);
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

static char *
read_data(const char *name)
{
    g_autofree char *path = g_build_filename(DATA_DIR, name, NULL);
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, &err));
    g_assert_no_error(err);
    return text;
}

/* @text with every @from replaced by @to. */
static char *
replace(const char *text, const char *from, const char *to)
{
    g_auto(GStrv) parts = g_strsplit(text, from, -1);

    return g_strjoinv(to, parts);
}

static char *
domain_xml(const char *name, const char *uuid)
{
    g_autofree char *tmpl = read_data("domain.xml");
    g_autofree char *named = replace(tmpl, "@NAME@", name);
    char generated[UUID_STRING_LEN];

    if (!uuid) {
        unsigned char raw[UUID_LEN];

        uuid_generate(raw);
        uuid_format(raw, generated);
        uuid = generated;
    }
    return replace(named, "@UUID@", uuid);
}

static char *
nat_network_xml(const char *name, const char *prefix)
{
    g_autofree char *tmpl = read_data("net-nat.xml");
    g_autofree char *named = replace(tmpl, "@NAME@", name);

    return replace(named, "@PREFIX@", prefix);
}

static virConnectPtr
open_conn(const char *uri_text)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VirUri) uri = uri_parse(uri_text, &err);
    virConnectPtr conn = obj_connect_new();

    g_assert_no_error(err);
    g_assert_cmpint(qemu_driver.connect_open(conn, uri, 0, &err), ==, DRV_OPEN_SUCCESS);
    g_assert_no_error(err);
    conn->driver = &qemu_driver;
    conn->uri = g_strdup(uri_text);
    return conn;
}

static void
driver_start(Fixture *f)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(qemu_driver_init(f->etc, f->state, f->run, &err));
    g_assert_no_error(err);
    f->conn = open_conn("qemu:///system");
}

static void
driver_stop(Fixture *f)
{
    g_clear_pointer(&f->conn, obj_connect_unref);
    qemu_driver_shutdown();
}

static void
fixture_setup(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *spec = NULL;

    f->tmp = g_dir_make_tmp("qemudrv-XXXXXX", &err);
    g_assert_no_error(err);
    f->etc = g_build_filename(f->tmp, "etc", "qemu", NULL);
    f->net_etc = g_build_filename(f->etc, "networks", NULL);
    f->state = g_build_filename(f->tmp, "state", NULL);
    f->run = g_build_filename(f->tmp, "run", NULL);
    f->bin = g_build_filename(f->tmp, "bin", NULL);
    f->logfile = g_build_filename(f->tmp, "log", NULL);
    g_assert_cmpint(g_mkdir_with_parents(f->bin, 0755), ==, 0);
    spec = g_strdup_printf("file:%s", f->logfile);
    g_assert_true(log_configure(LOG_LEVEL_WARNING, spec, false, &err));

    /* the real /proc and /sys, but our own (empty) emulator search path */
    f->paths.arch = "x86_64";
    f->paths.search_path = f->bin;
    qemu_conf_set_host_paths(&f->paths);
    driver_start(f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    driver_stop(f);
    qemu_conf_set_host_paths(NULL);
    log_shutdown();
    rm_rf(f->tmp);
    g_free(f->tmp);
    g_free(f->etc);
    g_free(f->net_etc);
    g_free(f->state);
    g_free(f->run);
    g_free(f->bin);
    g_free(f->logfile);
}

static char *
read_log(Fixture *f)
{
    char *text = NULL;

    if (!g_file_get_contents(f->logfile, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

static char *
file_text(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

static virDomainPtr
define_domain(Fixture *f, const char *name, const char *uuid)
{
    g_autofree char *xml = domain_xml(name, uuid);
    g_autoptr(GError) err = NULL;
    virDomainPtr dom = qemu_driver.domain_define_xml(f->conn, xml, 0, &err);

    g_assert_no_error(err);
    g_assert_nonnull(dom);
    g_assert_cmpstr(dom->name, ==, name);
    g_assert_cmpint(dom->id, ==, -1);
    return dom;
}

static virNetworkPtr
define_network(Fixture *f, const char *xml)
{
    g_autoptr(GError) err = NULL;
    virNetworkPtr net = qemu_driver.network_define_xml(f->conn, xml, 0, &err);

    g_assert_no_error(err);
    g_assert_nonnull(net);
    return net;
}

static int
count_domains(Fixture *f, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    int n = qemu_driver.connect_list_all_domains(f->conn, NULL, flags, &err);

    g_assert_no_error(err);
    return n;
}

static int
count_networks(Fixture *f, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    int n = qemu_driver.connect_list_all_networks(f->conn, NULL, flags, &err);

    g_assert_no_error(err);
    return n;
}

#define assert_error(err, want_code, want_text)                                                    \
    do {                                                                                           \
        g_assert_nonnull(err);                                                                     \
        g_assert_cmpint((err)->code, ==, (want_code));                                             \
        if (want_text)                                                                             \
            g_assert_cmpstr((err)->message, ==, (const char *)(want_text));                        \
        g_clear_error(&(err));                                                                     \
    } while (0)

/* ---- connection and host ---- */

static void
test_open(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    static const char *const declined[] = {
        "test:///default",
        "qemu+ssh://host/system",
        "qemu://host/system",
        "xen:///system",
    };
    g_autoptr(GError) err = NULL;
    unsigned long version = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(declined); i++) {
        g_autoptr(VirUri) uri = uri_parse(declined[i], &err);
        virConnectPtr conn = obj_connect_new();

        g_assert_no_error(err);
        g_assert_cmpint(qemu_driver.connect_open(conn, uri, 0, &err), ==, DRV_OPEN_DECLINED);
        g_assert_no_error(err);
        obj_connect_unref(conn);
    }
    {
        g_autoptr(VirUri) uri = uri_parse("qemu:///session", &err);
        virConnectPtr conn = obj_connect_new();

        g_assert_cmpint(qemu_driver.connect_open(conn, uri, 0, &err), ==, DRV_OPEN_ERROR);
        assert_error(err, VIR_ERR_INTERNAL_ERROR,
                     "unexpected QEMU URI path '/session', try qemu:///system");
        obj_connect_unref(conn);
    }
    {
        /* read-only opens and extra query parameters are fine */
        g_autoptr(VirUri) uri = uri_parse("qemu:///system?foo=bar", &err);
        virConnectPtr conn = obj_connect_new();

        g_assert_cmpint(qemu_driver.connect_open(conn, uri, VIR_CONNECT_RO, &err), ==,
                        DRV_OPEN_SUCCESS);
        g_assert_no_error(err);
        conn->driver = &qemu_driver;
        obj_connect_unref(conn);
    }

    g_assert_cmpstr(qemu_driver.connect_get_type(f->conn, &err), ==, "QEMU");
    g_assert_true(qemu_driver.connect_get_lib_version(f->conn, &version, &err));
    g_assert_cmpuint(version, ==, 9000000);
    g_assert_cmpint(qemu_driver.connect_is_alive(f->conn), ==, 1);
    g_assert_cmpint(qemu_driver.connect_is_secure(f->conn), ==, 1);
    g_assert_cmpint(qemu_driver.connect_is_encrypted(f->conn), ==, 0);
    g_assert_true(qemu_driver.connect_event_watch(f->conn, EVENT_FAMILY_DOMAIN, 0, true, &err));
}

static void
test_not_initialised(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VirUri) uri = uri_parse("qemu:///system", &err);
    virConnectPtr conn = obj_connect_new();

    g_assert_cmpint(qemu_driver.connect_open(conn, uri, 0, &err), ==, DRV_OPEN_ERROR);
    assert_error(err, VIR_ERR_INTERNAL_ERROR, "the QEMU driver is not initialised");
    obj_connect_unref(conn);
    g_assert_false(qemu_driver_reload(&err));
    assert_error(err, VIR_ERR_INTERNAL_ERROR, NULL);
    qemu_driver_shutdown(); /* without init: harmless */
}

static void
write_emulator(Fixture *f, const char *version)
{
    g_autofree char *path = g_build_filename(f->bin, "qemu-system-x86_64", NULL);
    g_autofree char *runs = g_build_filename(f->tmp, "runs", NULL);
    g_autofree char *script = g_strdup_printf("#!/bin/sh\n"
                                              "echo run >> '%s'\n"
                                              "echo 'QEMU emulator version %s (test)'\n"
                                              "echo 'Copyright (c) 2003-2022 Fabrice Bellard'\n",
                                              runs, version);

    g_assert_true(g_file_set_contents(path, script, -1, NULL));
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
}

static guint
count_runs(Fixture *f)
{
    g_autofree char *text = file_text(f->tmp, "runs");
    guint n = 0;

    for (const char *p = text; p && (p = strstr(p, "run\n")); p += 4)
        n++;
    return n;
}

static void
test_version(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    unsigned long version = 1;

    /* no emulator: 0, which virsh prints as "Cannot extract ... version" */
    g_assert_true(qemu_driver.connect_get_version(f->conn, &version, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(version, ==, 0);

    /* nothing ran at init, the first call runs it, later ones use the cache */
    write_emulator(f, "7.2.22");
    g_assert_cmpuint(count_runs(f), ==, 0);
    g_assert_true(qemu_driver.connect_get_version(f->conn, &version, &err));
    g_assert_cmpuint(version, ==, 7002022);
    g_assert_true(qemu_driver.connect_get_version(f->conn, &version, &err));
    g_assert_cmpuint(count_runs(f), ==, 1);

    /* a new binary (other size) runs again */
    write_emulator(f, "8.0.100");
    g_assert_true(qemu_driver.connect_get_version(f->conn, &version, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(version, ==, 8000100);
    g_assert_cmpuint(count_runs(f), ==, 2);

    /* an emulator answering nonsense is an error */
    write_emulator(f, "garbage");
    g_assert_false(qemu_driver.connect_get_version(f->conn, &version, &err));
    assert_error(err, VIR_ERR_INTERNAL_ERROR, NULL);

    g_assert_true(qemu_conf_parse_version("QEMU emulator version 9.1 (x)", &version));
    g_assert_cmpuint(version, ==, 9001000);
    g_assert_false(qemu_conf_parse_version("no version here", &version));
}

static void
test_host(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *hostname = qemu_driver.connect_get_hostname(f->conn, &err);
    g_autofree char *caps = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    unsigned long long free_bytes = 0;
    virNodeInfo info;

    g_assert_no_error(err);
    g_assert_nonnull(hostname);
    g_assert_cmpstr(hostname, !=, "");
    g_assert_true(qemu_driver.node_get_info(f->conn, &info, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(info.cpus, >, 0);
    g_assert_cmpuint(info.memory, >, 0);
    g_assert_true(qemu_driver.node_get_free_memory(f->conn, &free_bytes, &err));
    g_assert_cmpuint(free_bytes, >, 0);

    g_assert_cmpint(qemu_driver.connect_get_max_vcpus(f->conn, NULL, &err), ==, 16);
    g_assert_cmpint(qemu_driver.connect_get_max_vcpus(f->conn, "qemu", &err), ==, 16);
    g_assert_cmpint(qemu_driver.connect_get_max_vcpus(f->conn, "bogus", &err), ==, -1);
    assert_error(err, VIR_ERR_INVALID_ARG, "unknown type 'bogus'");

    /* no emulator: a host without guests */
    caps = qemu_driver.connect_get_capabilities(f->conn, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(caps, "<host>"));
    g_assert_null(strstr(caps, "<guest>"));
    g_clear_pointer(&caps, g_free);

    /* the cache is dropped on reload: the new emulator shows up */
    write_emulator(f, "7.2.0");
    g_assert_true(qemu_driver_reload(&err));
    caps = qemu_driver.connect_get_capabilities(f->conn, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(caps, "<os_type>hvm</os_type>"));
    g_assert_nonnull(strstr(caps, "<arch name='x86_64'>"));
    g_assert_nonnull(strstr(caps, "<domain type='qemu'/>"));
    g_assert_nonnull(strstr(caps, "<model>none</model>"));
    g_assert_cmpuint(count_runs(f), ==, 0); /* listed, never run */

    doc = xml_parse_string(caps, "capabilities", "capabilities", UTIL_ERROR, &err);
    g_assert_no_error(err);
    if (!xml_validate_schema(doc, "capability.rng", UTIL_ERROR, &err)) {
        if (err->code == VIR_ERR_OPERATION_UNSUPPORTED)
            g_test_message("capability.rng not installed: not validated");
        else
            g_error("capabilities do not validate: %s\n%s", err->message, caps);
    }
}

/* ---- domains ---- */

static void
test_define(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    static const char uuid[] = "c7a5fdbd-cdaf-9455-926a-d65c16db1809";
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = define_domain(f, "demo", uuid);
    g_autoptr(virDomain) again = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *secure = NULL;
    g_autofree char *ostype = NULL;
    g_autofree char *path = g_build_filename(f->etc, "demo.xml", NULL);
    g_autofree char *stored = NULL;
    unsigned long long kib = 0;
    virDomainInfo info;
    char *names[4] = { NULL };
    int state = -1, reason = -1, autostart = -1;
    struct stat sb;

    /* on disk, private, with the secret */
    g_assert_cmpint(g_stat(path, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0600);
    stored = file_text(f->etc, "demo.xml");
    g_assert_nonnull(strstr(stored, "<name>demo</name>"));
    g_assert_nonnull(strstr(stored, "passwd='sekrit'"));

    /* lookups */
    again = qemu_driver.domain_lookup_by_name(f->conn, "demo", &err);
    g_assert_no_error(err);
    g_assert_cmpmem(again->uuid, UUID_LEN, dom->uuid, UUID_LEN);
    g_clear_pointer(&again, obj_domain_unref);
    again = qemu_driver.domain_lookup_by_uuid(f->conn, dom->uuid, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(again->name, ==, "demo");
    g_assert_null(qemu_driver.domain_lookup_by_name(f->conn, "nope", &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, "no domain with matching name 'nope'");
    g_assert_null(qemu_driver.domain_lookup_by_id(f->conn, 1, &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, "no domain with matching id 1");
    {
        unsigned char other[UUID_LEN];

        uuid_parse("11111111-2222-3333-4444-555555555555", other);
        g_assert_null(qemu_driver.domain_lookup_by_uuid(f->conn, other, &err));
        assert_error(err, VIR_ERR_NO_DOMAIN,
                     "no domain with matching uuid '11111111-2222-3333-4444-555555555555'");
    }

    /* queries */
    g_assert_true(qemu_driver.domain_get_info(dom, &info, &err));
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpuint(info.maxMem, ==, 131072);
    g_assert_cmpuint(info.memory, ==, 65536);
    g_assert_cmpuint(info.nrVirtCpu, ==, 1);
    g_assert_cmpuint(info.cpuTime, ==, 0);
    g_assert_true(qemu_driver.domain_get_state(dom, &state, &reason, 0, &err));
    g_assert_cmpint(state, ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    ostype = qemu_driver.domain_get_os_type(dom, &err);
    g_assert_cmpstr(ostype, ==, "hvm");
    g_assert_true(qemu_driver.domain_get_max_memory(dom, &kib, &err));
    g_assert_cmpuint(kib, ==, 131072);
    g_assert_cmpint(qemu_driver.domain_get_vcpus_flags(dom, VIR_DOMAIN_VCPU_CONFIG, &err), ==, 1);
    g_assert_cmpint(qemu_driver.domain_get_vcpus_flags(
                        dom, VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM, &err),
                    ==, 2);
    g_assert_cmpint(qemu_driver.domain_get_vcpus_flags(dom, VIR_DOMAIN_VCPU_LIVE, &err), ==, -1);
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'demo' is not running");
    g_assert_cmpint(qemu_driver.domain_is_active(dom, &err), ==, 0);
    g_assert_cmpint(qemu_driver.domain_is_persistent(dom, &err), ==, 1);
    g_assert_true(qemu_driver.domain_get_autostart(dom, &autostart, &err));
    g_assert_cmpint(autostart, ==, 0);
    g_assert_no_error(err);

    xml = qemu_driver.domain_get_xml_desc(dom, 0, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, uuid));
    g_assert_null(strstr(xml, "sekrit"));
    g_assert_null(strstr(xml, "<domain type='qemu' id="));
    secure = qemu_driver.domain_get_xml_desc(dom, VIR_DOMAIN_XML_SECURE, &err);
    g_assert_nonnull(strstr(secure, "passwd='sekrit'"));
    g_assert_null(qemu_driver.domain_get_xml_desc(dom, 0x100, &err));
    assert_error(err, VIR_ERR_INVALID_ARG, NULL);

    /* listing */
    g_assert_cmpint(qemu_driver.connect_num_of_domains(f->conn, &err), ==, 0);
    g_assert_cmpint(qemu_driver.connect_num_of_defined_domains(f->conn, &err), ==, 1);
    g_assert_cmpint(qemu_driver.connect_list_defined_domains(f->conn, names, 4, &err), ==, 1);
    g_assert_cmpstr(names[0], ==, "demo");
    g_free(names[0]);
    g_assert_cmpint(count_domains(f, 0), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_ACTIVE), ==, 0);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_INACTIVE), ==, 1);
    g_assert_cmpint(
        count_domains(f, VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE), ==,
        1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_PERSISTENT), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_TRANSIENT), ==, 0);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_SHUTOFF), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_RUNNING |
                                         VIR_CONNECT_LIST_DOMAINS_PAUSED |
                                         VIR_CONNECT_LIST_DOMAINS_OTHER),
                    ==, 0);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE), ==, 0);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT), ==, 0);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_AUTOSTART), ==, 0);
    g_assert_true(qemu_driver.domain_set_autostart(dom, 1, &err));
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_AUTOSTART), ==, 1);
    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART), ==, 0);
    g_assert_cmpint(qemu_driver.connect_list_all_domains(f->conn, NULL, 0x10000, &err), ==, -1);
    assert_error(err, VIR_ERR_INVALID_ARG, NULL);
    {
        virDomainPtr *doms = NULL;

        g_assert_cmpint(qemu_driver.connect_list_all_domains(f->conn, &doms, 0, &err), ==, 1);
        g_assert_cmpstr(doms[0]->name, ==, "demo");
        g_assert_cmpint(doms[0]->id, ==, -1);
        g_assert_null(doms[1]);
        obj_domain_unref(doms[0]);
        g_free(doms);
    }
}

static void
test_define_errors(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    static const char uuid[] = "c7a5fdbd-cdaf-9455-926a-d65c16db1809";
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = define_domain(f, "demo", uuid);
    g_autofree char *xml = NULL;
    g_autofree char *slash = domain_xml("a/b", NULL);
    g_autofree char *dot = domain_xml(".hidden", NULL);
    g_autofree char *outside = g_build_filename(f->tmp, "etc", "b.xml", NULL);

    /* same name, other UUID */
    xml = domain_xml("demo", NULL);
    g_assert_null(qemu_driver.domain_define_xml(f->conn, xml, 0, &err));
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==,
                    "domain 'demo' already exists with uuid c7a5fdbd-cdaf-9455-926a-d65c16db1809");
    g_clear_error(&err);
    g_free(xml);
    /* same UUID, other name */
    xml = domain_xml("other", uuid);
    g_assert_null(qemu_driver.domain_define_xml(f->conn, xml, 0, &err));
    assert_error(err, VIR_ERR_OPERATION_FAILED,
                 "domain 'demo' is already defined with uuid c7a5fdbd-cdaf-9455-926a-d65c16db1809");

    /* names that would leave the directory, or hide in it */
    g_assert_null(qemu_driver.domain_define_xml(f->conn, slash, 0, &err));
    assert_error(err, VIR_ERR_XML_ERROR, NULL);
    g_assert_null(qemu_driver.domain_define_xml(f->conn, dot, 0, &err));
    assert_error(err, VIR_ERR_INVALID_ARG, "name '.hidden' cannot start with '.'");
    g_assert_false(g_file_test(outside, G_FILE_TEST_EXISTS));

    /* malformed XML and unknown flags */
    g_assert_null(qemu_driver.domain_define_xml(f->conn, "<domain", 0, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(qemu_driver.domain_define_xml(f->conn, xml, 0x80, &err));
    assert_error(err, VIR_ERR_INVALID_ARG, NULL);

    g_assert_cmpint(count_domains(f, 0), ==, 1);
}

static void
test_redefine_undefine(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    static const char uuid[] = "5a2f5a4a-1d7e-4c8e-9d45-0e7f3c1b2a90";
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = define_domain(f, "redo", uuid);
    g_autoptr(virDomain) dom2 = NULL;
    g_autofree char *xml = domain_xml("redo", uuid);
    g_autofree char *changed = replace(xml, "131072", "262144");
    g_autofree char *path = g_build_filename(f->etc, "redo.xml", NULL);
    g_autofree char *link = g_build_filename(f->etc, "autostart", "redo.xml", NULL);
    unsigned long long kib = 0;
    int autostart = 0;

    g_assert_true(qemu_driver.domain_set_autostart(dom, 1, &err));
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    dom2 = qemu_driver.domain_define_xml(f->conn, changed, 0, &err);
    g_assert_no_error(err);
    g_assert_true(qemu_driver.domain_get_max_memory(dom, &kib, &err));
    g_assert_cmpuint(kib, ==, 262144);
    /* the autostart flag survives a redefinition */
    g_assert_true(qemu_driver.domain_get_autostart(dom2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 1);

    g_assert_false(qemu_driver.domain_undefine(
        dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "cannot both keep and delete nvram");
    g_assert_false(qemu_driver.domain_undefine(dom, 0x1000, &err));
    assert_error(err, VIR_ERR_INVALID_ARG, NULL);

    g_assert_true(qemu_driver.domain_undefine(dom, VIR_DOMAIN_UNDEFINE_NVRAM, &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_assert_null(qemu_driver.domain_lookup_by_name(f->conn, "redo", &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);
    /* the handle is stale now */
    g_assert_false(qemu_driver.domain_undefine(dom, 0, &err));
    assert_error(err, VIR_ERR_NO_DOMAIN,
                 "no domain with matching uuid '5a2f5a4a-1d7e-4c8e-9d45-0e7f3c1b2a90' (redo)");
    g_assert_cmpint(qemu_driver.domain_is_active(dom, &err), ==, -1);
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);
    g_assert_cmpint(count_domains(f, 0), ==, 0);

    /* a new domain of that name starts without autostart */
    g_clear_pointer(&dom2, obj_domain_unref);
    dom2 = define_domain(f, "redo", NULL);
    g_assert_true(qemu_driver.domain_get_autostart(dom2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 0);
}

static void
test_lifecycle(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = define_domain(f, "still", NULL);
    g_autoptr(virDomain) ghost =
        obj_domain_new(f->conn, "ghost", (const unsigned char *)"0123456789abcdef", -1);
    g_autofree char *xml = domain_xml("transient", NULL);

    /* without qemu_domain_set_runtime() the driver only keeps definitions
     * (guests are started by the agent: tests/dom-e2e.sh) */
    g_assert_false(qemu_driver.domain_create(dom, 0, &err));
    assert_error(err, VIR_ERR_NO_SUPPORT,
                 "this process cannot run domains (no runtime configured)");
    g_assert_null(qemu_driver.domain_create_xml(f->conn, xml, 0, &err));
    assert_error(err, VIR_ERR_NO_SUPPORT,
                 "this process cannot run domains (no runtime configured)");

    g_assert_false(qemu_driver.domain_destroy(dom, 0, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");
    g_assert_false(qemu_driver.domain_shutdown(dom, 0, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");
    g_assert_false(qemu_driver.domain_reboot(dom, 0, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");
    g_assert_false(qemu_driver.domain_reset(dom, 0, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");
    g_assert_false(qemu_driver.domain_suspend(dom, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");
    g_assert_false(qemu_driver.domain_resume(dom, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "domain 'still' is not running");

    /* a handle whose domain is gone: NO_DOMAIN first */
    g_assert_false(qemu_driver.domain_create(ghost, 0, &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);
    g_assert_false(qemu_driver.domain_destroy(ghost, 0, &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);
    g_assert_false(qemu_driver.domain_suspend(ghost, &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);

    g_assert_cmpint(count_domains(f, VIR_CONNECT_LIST_DOMAINS_ACTIVE), ==, 0);
}

/* ---- persistence ---- */

static void
test_persistence(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) a = define_domain(f, "keep-a", NULL);
    g_autoptr(virDomain) b = define_domain(f, "keep-b", NULL);
    g_autofree char *nat = nat_network_xml("keepnet", "192.168.150");
    g_autoptr(virNetwork) net = define_network(f, nat);
    g_autoptr(virDomain) a2 = NULL;
    g_autoptr(virDomain) b2 = NULL;
    g_autoptr(virNetwork) net2 = NULL;
    g_autofree char *bridge = qemu_driver.network_get_bridge_name(net, &err);
    g_autofree char *bridge2 = NULL;
    g_autofree char *netxml = qemu_driver.network_get_xml_desc(net, 0, &err);
    g_autofree char *netxml2 = NULL;
    unsigned char a_uuid[UUID_LEN], b_uuid[UUID_LEN];
    int autostart = -1;

    memcpy(a_uuid, a->uuid, UUID_LEN);
    memcpy(b_uuid, b->uuid, UUID_LEN);
    g_assert_true(qemu_driver.domain_set_autostart(a, 1, &err));
    g_assert_true(qemu_driver.network_set_autostart(net, 1, &err));
    g_clear_pointer(&a, obj_domain_unref);
    g_clear_pointer(&b, obj_domain_unref);
    g_clear_pointer(&net, obj_network_unref);

    driver_stop(f);
    driver_start(f);

    a2 = qemu_driver.domain_lookup_by_name(f->conn, "keep-a", &err);
    g_assert_no_error(err);
    b2 = qemu_driver.domain_lookup_by_name(f->conn, "keep-b", &err);
    g_assert_no_error(err);
    g_assert_cmpmem(a2->uuid, UUID_LEN, a_uuid, UUID_LEN);
    g_assert_cmpmem(b2->uuid, UUID_LEN, b_uuid, UUID_LEN);
    g_assert_true(qemu_driver.domain_get_autostart(a2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 1);
    g_assert_true(qemu_driver.domain_get_autostart(b2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 0);

    net2 = qemu_driver.network_lookup_by_name(f->conn, "keepnet", &err);
    g_assert_no_error(err);
    g_assert_true(qemu_driver.network_get_autostart(net2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 1);
    bridge2 = qemu_driver.network_get_bridge_name(net2, &err);
    g_assert_cmpstr(bridge2, ==, bridge);
    /* the bridge name and MAC given at define time were persisted */
    netxml2 = qemu_driver.network_get_xml_desc(net2, 0, &err);
    g_assert_cmpstr(netxml2, ==, netxml);
    g_assert_cmpint(count_domains(f, 0), ==, 2);
    g_assert_cmpint(count_networks(f, 0), ==, 1);
}

static void
test_corrupt(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) ok = define_domain(f, "fine", NULL);
    g_autofree char *corrupt = read_data("corrupt.xml");
    g_autofree char *misnamed = domain_xml("inside", NULL);
    g_autofree char *badnet =
        g_strdup("<network><name>badnet</name><forward mode='warp'/></network>");
    g_autofree char *log = NULL;
    g_autofree char *after = NULL;
    g_autofree char *path = g_build_filename(f->etc, "corrupt.xml", NULL);
    g_autofree char *path2 = g_build_filename(f->etc, "outside.xml", NULL);
    g_autofree char *path3 = g_build_filename(f->net_etc, "badnet.xml", NULL);

    g_assert_true(g_file_set_contents(path, corrupt, -1, NULL));
    g_assert_true(g_file_set_contents(path2, misnamed, -1, NULL));
    g_assert_true(g_file_set_contents(path3, badnet, -1, NULL));
    g_clear_pointer(&ok, obj_domain_unref);
    driver_stop(f);
    driver_start(f);

    g_assert_cmpint(count_domains(f, 0), ==, 1);
    g_assert_cmpint(count_networks(f, 0), ==, 0);
    ok = qemu_driver.domain_lookup_by_name(f->conn, "fine", &err);
    g_assert_no_error(err);
    log = read_log(f);
    g_assert_nonnull(strstr(log, "corrupt.xml: "));
    g_assert_nonnull(strstr(log, "outside.xml: domain config filename 'outside' does not match "
                                 "domain name 'inside'"));
    g_assert_nonnull(strstr(log, "badnet.xml: "));
    /* left untouched */
    after = file_text(f->etc, "corrupt.xml");
    g_assert_cmpstr(after, ==, corrupt);
    g_free(after);
    after = file_text(f->net_etc, "badnet.xml");
    g_assert_cmpstr(after, ==, badnet);
}

/* ---- events ---- */

typedef struct Events {
    GPtrArray *seen; /* "name event detail" */
} Events;

static int
domain_event_cb(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom, int event, int detail,
                void *opaque)
{
    Events *ev = opaque;

    g_ptr_array_add(ev->seen, g_strdup_printf("dom %s %d %d", dom->name, event, detail));
    return 0;
}

static void
network_event_cb(virConnectPtr conn G_GNUC_UNUSED, virNetworkPtr net, int event, int detail,
                 void *opaque)
{
    Events *ev = opaque;

    g_ptr_array_add(ev->seen, g_strdup_printf("net %s %d %d", net->name, event, detail));
}

static gboolean deadline_hit;

static void
deadline_cb(int timer G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    deadline_hit = true;
}

static void
wait_events(Events *ev, guint want)
{
    int deadline = virEventAddTimeout(5000, deadline_cb, NULL, NULL);

    deadline_hit = false;
    while (ev->seen->len < want && !deadline_hit)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(deadline);
    g_assert_cmpuint(ev->seen->len, ==, want);
}

static void
register_events(virConnectPtr conn, Events *ev)
{
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(conn_events_register(conn, EVENT_FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         NULL, (ConnEventFunc)domain_event_cb, ev, NULL, &err),
                    >=, 0);
    g_assert_cmpint(conn_events_register(conn, EVENT_FAMILY_NETWORK, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                         NULL, (ConnEventFunc)network_event_cb, ev, NULL, &err),
                    >=, 0);
    g_assert_no_error(err);
}

static void
test_events(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    Events ev = { g_ptr_array_new_with_free_func(g_free) };
    Events ev2 = { g_ptr_array_new_with_free_func(g_free) };
    virConnectPtr conn2 = open_conn("qemu:///system");
    g_autofree char *xml = domain_xml("evdom", NULL);
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomain) dom2 = NULL;
    g_autoptr(virNetwork) net = NULL;
    g_autofree char *nat = nat_network_xml("evnet", "192.168.151");

    register_events(f->conn, &ev);
    register_events(conn2, &ev2);
    dom = qemu_driver.domain_define_xml(f->conn, xml, 0, &err);
    g_assert_no_error(err);
    dom2 = qemu_driver.domain_define_xml(f->conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(qemu_driver.domain_undefine(dom, 0, &err));
    net = define_network(f, nat);
    g_assert_true(qemu_driver.network_undefine(net, &err));
    /* failed calls send nothing */
    g_assert_false(qemu_driver.domain_undefine(dom, 0, &err));
    g_clear_error(&err);

    wait_events(&ev, 5);
    g_assert_cmpstr(g_ptr_array_index(ev.seen, 0), ==, "dom evdom 0 0"); /* DEFINED ADDED */
    g_assert_cmpstr(g_ptr_array_index(ev.seen, 1), ==, "dom evdom 0 1"); /* DEFINED UPDATED */
    g_assert_cmpstr(g_ptr_array_index(ev.seen, 2), ==, "dom evdom 1 0"); /* UNDEFINED REMOVED */
    g_assert_cmpstr(g_ptr_array_index(ev.seen, 3), ==, "net evnet 0 0"); /* DEFINED */
    g_assert_cmpstr(g_ptr_array_index(ev.seen, 4), ==, "net evnet 1 0"); /* UNDEFINED */
    /* every open connection gets them */
    wait_events(&ev2, 5);

    /* a closed connection gets nothing more, and nothing breaks */
    obj_connect_unref(conn2);
    g_clear_pointer(&dom, obj_domain_unref);
    dom = define_domain(f, "evdom2", NULL);
    wait_events(&ev, 6);
    g_assert_cmpuint(ev2.seen->len, ==, 5);
    g_ptr_array_unref(ev.seen);
    g_ptr_array_unref(ev2.seen);
}

static void
test_reload(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    Events ev = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(virDomain) gone = define_domain(f, "gone", NULL);
    g_autoptr(virDomain) edited = define_domain(f, "edited", NULL);
    g_autoptr(virDomain) same = define_domain(f, "same", NULL);
    g_autoptr(virDomain) added = NULL;
    g_autofree char *gone_path = g_build_filename(f->etc, "gone.xml", NULL);
    g_autofree char *edited_text = file_text(f->etc, "edited.xml");
    g_autofree char *edited_new = replace(edited_text, "131072", "524288");
    g_autofree char *edited_path = g_build_filename(f->etc, "edited.xml", NULL);
    g_autofree char *added_xml = domain_xml("added", NULL);
    g_autofree char *added_path = g_build_filename(f->etc, "added.xml", NULL);
    g_autofree char *link = g_build_filename(f->etc, "autostart", "same.xml", NULL);
    g_autofree char *nat = nat_network_xml("handnet", "192.168.152");
    g_autofree char *nat_path = g_build_filename(f->net_etc, "handnet.xml", NULL);
    g_autofree char *nat_after = NULL;
    g_autoptr(virNetwork) net = NULL;
    unsigned long long kib = 0;
    int autostart = 0;

    register_events(f->conn, &ev);
    g_assert_cmpint(g_unlink(gone_path), ==, 0);
    g_assert_true(g_file_set_contents(edited_path, edited_new, -1, NULL));
    g_assert_true(g_file_set_contents(added_path, added_xml, -1, NULL));
    g_assert_cmpint(symlink("../same.xml", link), ==, 0);
    /* a network written by hand, without bridge or MAC */
    g_assert_true(g_file_set_contents(nat_path, nat, -1, NULL));

    g_assert_true(qemu_driver_reload(&err));
    g_assert_no_error(err);
    wait_events(&ev, 4);
    {
        /* the order of a reload's events is the hash tables': check membership */
        g_autofree char *all = NULL;
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < ev.seen->len; i++)
            g_string_append_printf(s, "[%s]", (char *)g_ptr_array_index(ev.seen, i));
        all = g_string_free(s, FALSE);
        g_assert_nonnull(strstr(all, "[dom gone 1 0]"));
        g_assert_nonnull(strstr(all, "[dom edited 0 1]"));
        g_assert_nonnull(strstr(all, "[dom added 0 0]"));
        g_assert_nonnull(strstr(all, "[net handnet 0 0]"));
        g_assert_null(strstr(all, "same"));
    }

    g_assert_null(qemu_driver.domain_lookup_by_name(f->conn, "gone", &err));
    assert_error(err, VIR_ERR_NO_DOMAIN, NULL);
    g_assert_true(qemu_driver.domain_get_max_memory(edited, &kib, &err));
    g_assert_cmpuint(kib, ==, 524288);
    added = qemu_driver.domain_lookup_by_name(f->conn, "added", &err);
    g_assert_no_error(err);
    g_assert_true(qemu_driver.domain_get_autostart(same, &autostart, &err));
    g_assert_cmpint(autostart, ==, 1);
    net = qemu_driver.network_lookup_by_name(f->conn, "handnet", &err);
    g_assert_no_error(err);
    nat_after = file_text(f->net_etc, "handnet.xml");
    g_assert_nonnull(strstr(nat_after, "<bridge name='virbr"));
    g_assert_nonnull(strstr(nat_after, "<mac address='52:54:00:"));

    /* a reload without changes says nothing */
    g_assert_true(qemu_driver_reload(&err));
    {
        int deadline = virEventAddTimeout(100, deadline_cb, NULL, NULL);

        deadline_hit = false;
        while (!deadline_hit)
            virEventRunDefaultImpl();
        virEventRemoveTimeout(deadline);
    }
    g_assert_cmpuint(ev.seen->len, ==, 4);
    g_ptr_array_unref(ev.seen);
}

/* ---- networks ---- */

static void
test_network(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *nat1 = nat_network_xml("net1", "192.168.160");
    g_autofree char *nat2 = nat_network_xml("net2", "192.168.161");
    g_autofree char *bridged = read_data("net-bridge.xml");
    g_autoptr(virNetwork) net1 = define_network(f, nat1);
    g_autoptr(virNetwork) net2 = define_network(f, nat2);
    g_autoptr(virNetwork) hostbr = define_network(f, bridged);
    g_autoptr(virNetwork) again = NULL;
    g_autofree char *br1 = qemu_driver.network_get_bridge_name(net1, &err);
    g_autofree char *br2 = qemu_driver.network_get_bridge_name(net2, &err);
    g_autofree char *br3 = qemu_driver.network_get_bridge_name(hostbr, &err);
    g_autofree char *stored = file_text(f->net_etc, "net1.xml");
    g_autofree char *xml = NULL;
    g_autofree char *br1b = NULL;
    virNetworkDHCPLeasePtr *leases = NULL;
    char *names[4] = { NULL };
    int autostart = -1;

    /* libvirt's automatic bridge names and MACs, persisted */
    g_assert_no_error(err);
    g_assert_true(g_str_has_prefix(br1, "virbr"));
    g_assert_true(g_str_has_prefix(br2, "virbr"));
    g_assert_cmpstr(br1, !=, br2);
    g_assert_cmpstr(br3, ==, "br0");
    g_assert_nonnull(strstr(stored, br1));
    g_assert_nonnull(strstr(stored, "<mac address='52:54:00:"));

    /* a redefinition without a bridge keeps the one it had */
    {
        char uuidstr[UUID_STRING_LEN];
        g_autofree char *with_uuid = NULL;
        g_autofree char *uuid_elem = NULL;

        uuid_format(net1->uuid, uuidstr);
        uuid_elem = g_strdup_printf("</name>\n  <uuid>%s</uuid>", uuidstr);
        with_uuid = replace(nat1, "</name>", uuid_elem);
        again = qemu_driver.network_define_xml(f->conn, with_uuid, 0, &err);
        g_assert_no_error(err);
    }
    br1b = qemu_driver.network_get_bridge_name(again, &err);
    g_assert_cmpstr(br1b, ==, br1);
    g_clear_pointer(&again, obj_network_unref);

    /* an explicit bridge another network uses */
    {
        g_autofree char *tmpl = read_data("net-explicit.xml");
        g_autofree char *named = replace(tmpl, "@NAME@", "clash");
        g_autofree char *clash = replace(named, "@BRIDGE@", br2);

        g_assert_null(qemu_driver.network_define_xml(f->conn, clash, 0, &err));
        g_assert_nonnull(err);
        g_assert_cmpint(err->code, ==, VIR_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(err->message, "already in use"));
        g_clear_error(&err);
    }
    /* duplicates, as for domains */
    {
        g_autofree char *dup = nat_network_xml("net1", "192.168.170");

        g_assert_null(qemu_driver.network_define_xml(f->conn, dup, 0, &err));
        g_assert_nonnull(err);
        g_assert_cmpint(err->code, ==, VIR_ERR_OPERATION_FAILED);
        g_assert_nonnull(strstr(err->message, "network 'net1' already exists with uuid "));
        g_clear_error(&err);
    }

    /* lookups */
    again = qemu_driver.network_lookup_by_uuid(f->conn, net2->uuid, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(again->name, ==, "net2");
    g_assert_null(qemu_driver.network_lookup_by_name(f->conn, "nope", &err));
    assert_error(err, VIR_ERR_NO_NETWORK, "no network with matching name 'nope'");

    /* listing and filters */
    g_assert_cmpint(qemu_driver.connect_num_of_networks(f->conn, &err), ==, 0);
    g_assert_cmpint(qemu_driver.connect_num_of_defined_networks(f->conn, &err), ==, 3);
    g_assert_cmpint(qemu_driver.connect_list_defined_networks(f->conn, names, 2, &err), ==, 2);
    g_free(names[0]);
    g_free(names[1]);
    g_assert_cmpint(count_networks(f, 0), ==, 3);
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_ACTIVE), ==, 0);
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_INACTIVE), ==, 3);
    g_assert_cmpint(
        count_networks(f, VIR_CONNECT_LIST_NETWORKS_INACTIVE | VIR_CONNECT_LIST_NETWORKS_ACTIVE),
        ==, 3);
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_TRANSIENT), ==, 0);
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_PERSISTENT), ==, 3);
    g_assert_true(qemu_driver.network_set_autostart(net2, 1, &err));
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_AUTOSTART), ==, 1);
    g_assert_cmpint(count_networks(f, VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART), ==, 2);
    g_assert_true(qemu_driver.network_get_autostart(net2, &autostart, &err));
    g_assert_cmpint(autostart, ==, 1);
    g_assert_cmpint(qemu_driver.network_is_active(net2, &err), ==, 0);
    g_assert_cmpint(qemu_driver.network_is_persistent(net2, &err), ==, 1);

    xml = qemu_driver.network_get_xml_desc(net1, VIR_NETWORK_XML_INACTIVE, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "<name>net1</name>"));

    /* an inactive network has no leases, which is not an error */
    g_assert_cmpint(qemu_driver.network_get_dhcp_leases(net1, NULL, &leases, 0, &err), ==, 0);
    g_assert_no_error(err);
    g_assert_nonnull(leases);
    g_assert_null(leases[0]);
    g_free(leases);

    /* without network_driver_configure() the driver only keeps definitions */
    g_assert_false(qemu_driver.network_create(net1, &err));
    assert_error(err, VIR_ERR_NO_SUPPORT,
                 "this process cannot run networks (no runtime configured)");
    g_assert_null(qemu_driver.network_create_xml(f->conn, nat1, 0, &err));
    assert_error(err, VIR_ERR_NO_SUPPORT,
                 "this process cannot run networks (no runtime configured)");
    g_assert_false(qemu_driver.network_destroy(net1, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "network 'net1' is not active");

    /* what a domain's <listen type='network'> and its NICs get from an
     * unknown or inactive network (the running cases: netrun-test) */
    g_assert_null(network_driver_listen_address("nosuchnet", AF_INET, &err));
    assert_error(err, VIR_ERR_NO_NETWORK, "no network with matching name 'nosuchnet'");
    g_assert_null(network_driver_listen_address("net1", AF_INET, &err));
    assert_error(err, VIR_ERR_OPERATION_INVALID, "network 'net1' is not active");
    {
        MacAddr mac = { { 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 } };

        g_assert_null(network_driver_port_plug("net1", &mac, NULL, 0, &err));
        assert_error(err, VIR_ERR_OPERATION_INVALID, "network 'net1' is not active");
        g_assert_null(network_driver_port_plug("nosuchnet", &mac, NULL, 0, &err));
        assert_error(err, VIR_ERR_NO_NETWORK, "no network with matching name 'nosuchnet'");
    }

    /* undefine: file and autostart link go */
    g_assert_true(qemu_driver.network_undefine(net2, &err));
    g_assert_no_error(err);
    g_assert_null(file_text(f->net_etc, "net2.xml"));
    {
        g_autofree char *link = g_build_filename(f->net_etc, "autostart", "net2.xml", NULL);

        g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    }
    g_assert_false(qemu_driver.network_undefine(net2, &err));
    assert_error(err, VIR_ERR_NO_NETWORK, NULL);
    g_assert_cmpint(count_networks(f, 0), ==, 2);
}

/* ---- concurrency ---- */

#define THREADS 16
#define ROUNDS 40

static gpointer
worker(gpointer data G_GNUC_UNUSED)
{
    guint id = GPOINTER_TO_UINT(g_thread_self()) & 0xffff;
    virConnectPtr conn = open_conn("qemu:///system");
    Events ev = { g_ptr_array_new_with_free_func(g_free) };
    guint failures = 0;

    register_events(conn, &ev);
    for (guint i = 0; i < ROUNDS; i++) {
        g_autofree char *name = g_strdup_printf("t%p-%u-%u", (void *)g_thread_self(), id, i);
        g_autofree char *xml = domain_xml(name, NULL);
        g_autoptr(GError) err = NULL;
        g_autoptr(virDomain) dom = qemu_driver.domain_define_xml(conn, xml, 0, &err);
        g_autoptr(virDomain) found = NULL;
        g_autofree char *desc = NULL;
        virDomainPtr *all = NULL;
        int n;

        if (!dom) {
            failures++;
            continue;
        }
        found = qemu_driver.domain_lookup_by_name(conn, name, &err);
        desc = found ? qemu_driver.domain_get_xml_desc(found, 0, &err) : NULL;
        if (!found || !desc || !strstr(desc, name))
            failures++;
        n = qemu_driver.connect_list_all_domains(conn, &all, 0, &err);
        if (n < 1)
            failures++;
        for (int j = 0; j < n; j++)
            obj_domain_unref(all[j]);
        g_free(all);
        if (i % 2 == 0 && !qemu_driver.domain_undefine(dom, 0, &err))
            failures++;
    }
    obj_connect_unref(conn);
    g_ptr_array_unref(ev.seen);
    return GUINT_TO_POINTER(failures);
}

/* SIGHUPs while the workers define: a reload sees the disk as some set of
 * finished changes, so it never loses or invents a definition. */
static gpointer
reload_worker(gpointer data G_GNUC_UNUSED)
{
    guint failures = 0;

    for (guint i = 0; i < 5; i++) {
        g_autoptr(GError) err = NULL;

        if (!qemu_driver_reload(&err))
            failures++;
        g_usleep(2000);
    }
    return GUINT_TO_POINTER(failures);
}

static void
test_concurrency(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    GThread *threads[THREADS];
    guint failures = 0;

    GThread *reloader;

    for (guint i = 0; i < THREADS; i++)
        threads[i] = g_thread_new("worker", worker, NULL);
    reloader = g_thread_new("reloader", reload_worker, NULL);
    for (guint i = 0; i < THREADS; i++)
        failures += GPOINTER_TO_UINT(g_thread_join(threads[i]));
    failures += GPOINTER_TO_UINT(g_thread_join(reloader));
    g_assert_cmpuint(failures, ==, 0);
    g_assert_cmpint(count_domains(f, 0), ==, THREADS * ROUNDS / 2);

    /* what is on disk matches memory */
    driver_stop(f);
    driver_start(f);
    g_assert_cmpint(count_domains(f, 0), ==, THREADS * ROUNDS / 2);
}

/* ---- scale ---- */

static void
test_scale(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    const char *env = g_getenv("QEMUDRV_SCALE");
    int count = env ? atoi(env) : 1000;
    g_autofree char *tmpl = read_data("domain.xml");
    g_autoptr(GError) err = NULL;
    gint64 t0, t_define, t_load, t_reload;

    t0 = g_get_monotonic_time();
    for (int i = 0; i < count; i++) {
        g_autofree char *name = g_strdup_printf("scale%04d", i);
        g_autofree char *named = replace(tmpl, "@NAME@", name);
        g_autofree char *xml = replace(named, "<uuid>@UUID@</uuid>", "");
        virDomainPtr dom = qemu_driver.domain_define_xml(f->conn, xml, 0, &err);

        g_assert_no_error(err);
        obj_domain_unref(dom);
    }
    t_define = g_get_monotonic_time() - t0;

    driver_stop(f);
    t0 = g_get_monotonic_time();
    g_assert_true(qemu_driver_init(f->etc, f->state, f->run, &err));
    t_load = g_get_monotonic_time() - t0;
    f->conn = open_conn("qemu:///system");
    g_assert_cmpint(count_domains(f, 0), ==, count);

    t0 = g_get_monotonic_time();
    g_assert_true(qemu_driver_reload(&err));
    t_reload = g_get_monotonic_time() - t0;
    g_assert_cmpint(count_domains(f, 0), ==, count);

    g_test_message("%d domains: define %.1f ms (%.0f/s), load at init %.1f ms, reload %.1f ms",
                   count, t_define / 1000.0, count / (t_define / 1e6), t_load / 1000.0,
                   t_reload / 1000.0);
    if (g_getenv("QEMUDRV_SCALE_PRINT"))
        g_printerr("%d domains: define %.1f ms (%.0f/s), load at init %.1f ms, reload %.1f ms\n",
                   count, t_define / 1000.0, count / (t_define / 1e6), t_load / 1000.0,
                   t_reload / 1000.0);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);

    g_test_add_func("/qemudrv/not-initialised", test_not_initialised);
    ADD("/qemudrv/open", test_open);
    ADD("/qemudrv/version", test_version);
    ADD("/qemudrv/host", test_host);
    ADD("/qemudrv/define", test_define);
    ADD("/qemudrv/define-errors", test_define_errors);
    ADD("/qemudrv/redefine-undefine", test_redefine_undefine);
    ADD("/qemudrv/lifecycle", test_lifecycle);
    ADD("/qemudrv/persistence", test_persistence);
    ADD("/qemudrv/corrupt", test_corrupt);
    ADD("/qemudrv/events", test_events);
    ADD("/qemudrv/reload", test_reload);
    ADD("/qemudrv/network", test_network);
    ADD("/qemudrv/concurrency", test_concurrency);
    ADD("/qemudrv/scale", test_scale);
    return g_test_run();
}
