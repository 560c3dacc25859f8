/*
 * api-test.c: the public libvirt API against test:///default
 *
 * Uses only <libvirt/libvirt.h>. Every case opens its own connection and
 * closes it at the end; the shared state of test:///default is freed with
 * its last connection, so every case starts from the initial state (one
 * running domain "test", one active network "default").
 *
 * Expected XML lives in tests/data/api/; REGENERATE=1 rewrites it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define URI "test:///default"
#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define DEFAULT_NET_UUID "dd8fe884-6c02-601e-7551-cca97df1c5df"

/* ---- helpers ------------------------------------------------------------ */

/* Errors are checked through virGetLastError; keep them off stderr. */
static void
quiet_error(void *opaque, virErrorPtr err)
{
}

static virConnectPtr
open_default(void)
{
    virConnectPtr conn = virConnectOpen(URI);

    g_assert_nonnull(conn);
    return conn;
}

/* Closing must drop the last reference: every handle was freed. */
static void
close_conn(virConnectPtr conn)
{
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

static void
assert_last_error(int code, const char *substring)
{
    virErrorPtr err = virGetLastError();

    g_assert_nonnull(err);
    if (err->code != code)
        g_error("expected error %d, got %d: %s", code, err->code, err->message);
    if (substring && !strstr(err->message, substring))
        g_error("error message '%s' lacks '%s'", err->message, substring);
    virResetLastError();
}

static char *
dom_xml(const char *name, const char *uuid, unsigned mem_kib)
{
    return g_strdup_printf("<domain type='test'>\n"
                           "  <name>%s</name>\n"
                           "%s%s%s"
                           "  <memory unit='KiB'>%u</memory>\n"
                           "  <currentMemory unit='KiB'>%u</currentMemory>\n"
                           "  <vcpu placement='static' current='1'>2</vcpu>\n"
                           "  <os>\n"
                           "    <type arch='i686'>hvm</type>\n"
                           "  </os>\n"
                           "</domain>\n",
                           name, uuid ? "  <uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>\n" : "",
                           mem_kib, mem_kib / 2);
}

static char *
net_xml(const char *name, const char *uuid, const char *bridge, int subnet)
{
    return g_strdup_printf("<network>\n"
                           "  <name>%s</name>\n"
                           "%s%s%s"
                           "  <bridge name='%s'/>\n"
                           "  <ip address='10.%d.0.1' prefix='24'>\n"
                           "    <dhcp>\n"
                           "      <range start='10.%d.0.100' end='10.%d.0.200'/>\n"
                           "      <host mac='52:54:00:12:34:56' name='fixed' ip='10.%d.0.50'/>\n"
                           "    </dhcp>\n"
                           "  </ip>\n"
                           "</network>\n",
                           name, uuid ? "  <uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>\n" : "",
                           bridge, subnet, subnet, subnet, subnet);
}

static void
assert_dom_state(virDomainPtr dom, int state, int reason)
{
    int s = -1, r = -1;

    g_assert_cmpint(virDomainGetState(dom, &s, &r, 0), ==, 0);
    g_assert_cmpint(s, ==, state);
    g_assert_cmpint(r, ==, reason);
}

static virDomainPtr
lookup_dom(virConnectPtr conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn, name);

    g_assert_nonnull(dom);
    return dom;
}

static virNetworkPtr
lookup_net(virConnectPtr conn, const char *name)
{
    virNetworkPtr net = virNetworkLookupByName(conn, name);

    g_assert_nonnull(net);
    return net;
}

/* Compares @actual with tests/data/api/@file (REGENERATE=1 rewrites it). */
static void
assert_matches_file(const char *actual, const char *file)
{
    const char *srcdir = g_getenv("abs_top_srcdir");
    g_autofree char *path = srcdir ? g_build_filename(srcdir, "tests", "data", "api", file, NULL)
                                   : g_test_build_filename(G_TEST_DIST, "data", "api", file, NULL);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_getenv("REGENERATE")) {
        g_assert_true(g_file_set_contents(path, actual, -1, &error));
        return;
    }
    if (!g_file_get_contents(path, &expected, NULL, &error))
        g_error("%s: %s", path, error->message);
    g_assert_cmpstr(actual, ==, expected);
}

static int
compare_str_ptrs(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names virConnectListAllDomains returns for @flags, sorted, joined by ','. */
static char *
list_domain_names(virConnectPtr conn, unsigned int flags)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    char *joined;

    g_assert_cmpint(n, >=, 0);
    g_assert_cmpint(virConnectListAllDomains(conn, NULL, flags), ==, n);
    for (int i = 0; i < n; i++)
        g_ptr_array_add(names, (gpointer)virDomainGetName(doms[i]));
    g_assert_null(doms[n]);
    g_ptr_array_sort(names, compare_str_ptrs);
    g_ptr_array_add(names, NULL);
    joined = g_strjoinv(",", (char **)names->pdata);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return joined;
}

static char *
list_network_names(virConnectPtr conn, unsigned int flags)
{
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(conn, &nets, flags);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    char *joined;

    g_assert_cmpint(n, >=, 0);
    g_assert_cmpint(virConnectListAllNetworks(conn, NULL, flags), ==, n);
    for (int i = 0; i < n; i++)
        g_ptr_array_add(names, (gpointer)virNetworkGetName(nets[i]));
    g_assert_null(nets[n]);
    g_ptr_array_sort(names, compare_str_ptrs);
    g_ptr_array_add(names, NULL);
    joined = g_strjoinv(",", (char **)names->pdata);
    for (int i = 0; i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
    return joined;
}

/* ---- connection and host ------------------------------------------------ */

static void
test_connect(void)
{
    virConnectPtr conn = open_default();
    unsigned long version = 0, lib_version = 0;
    virNodeInfo info;
    g_autofree char *caps = NULL, *host = NULL, *uri = NULL, *sysinfo = NULL;

    g_assert_cmpstr(virConnectGetType(conn), ==, "TEST");
    g_assert_cmpint(virConnectGetVersion(conn, &version), ==, 0);
    g_assert_cmpuint(version, ==, 2);
    g_assert_cmpint(virConnectGetLibVersion(conn, &lib_version), ==, 0);
    g_assert_cmpuint(lib_version, ==, LIBVIR_VERSION_NUMBER);
    host = virConnectGetHostname(conn);
    g_assert_cmpstr(host, ==, g_get_host_name());
    uri = virConnectGetURI(conn);
    g_assert_cmpstr(uri, ==, URI);
    g_assert_cmpint(virConnectIsSecure(conn), ==, 1);
    g_assert_cmpint(virConnectIsEncrypted(conn), ==, 0);
    g_assert_cmpint(virConnectIsAlive(conn), ==, 1);
    g_assert_cmpint(virConnectGetMaxVcpus(conn, NULL), ==, 32);
    sysinfo = virConnectGetSysinfo(conn, 0);
    g_assert_nonnull(strstr(sysinfo, "<sysinfo type='smbios'>"));

    g_assert_cmpint(virNodeGetInfo(conn, &info), ==, 0);
    g_assert_cmpstr(info.model, ==, "i686");
    g_assert_cmpuint(info.memory, ==, 3145728);
    g_assert_cmpuint(info.cpus, ==, 16);
    g_assert_cmpuint(info.mhz, ==, 1400);
    g_assert_cmpuint(info.nodes, ==, 2);
    g_assert_cmpuint(info.sockets, ==, 2);
    g_assert_cmpuint(info.cores, ==, 2);
    g_assert_cmpuint(info.threads, ==, 2);
    g_assert_cmpuint(virNodeGetFreeMemory(conn), ==, 3145728ULL);

    caps = virConnectGetCapabilities(conn);
    g_assert_nonnull(caps);
    assert_matches_file(caps, "capabilities.xml");
    close_conn(conn);

    /* test:/// needs a path; other schemes are not the test driver's */
    g_assert_null(virConnectOpen("test:///"));
    virResetLastError();
    g_assert_null(virConnectOpen("test:///nonexistent/file.xml"));
    virResetLastError();
}

/* A custom test:///PATH file gets its own state, apart from the default. */
static void
test_connect_custom_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("api-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "node.xml", NULL);
    g_autofree char *dom = dom_xml("custom", NULL, 262144);
    g_autofree char *net = net_xml("customnet", NULL, "virbr9", 9);
    g_autofree char *content = g_strdup_printf("<node>\n%s%s</node>\n", dom, net);
    g_autofree char *uri = g_strdup_printf("test://%s", path);
    virConnectPtr conn, other;
    virDomainPtr d;

    g_assert_true(g_file_set_contents(path, content, -1, NULL));
    conn = virConnectOpen(uri);
    g_assert_nonnull(conn);
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 1);
    d = lookup_dom(conn, "custom");
    g_assert_cmpint(virDomainIsActive(d), ==, 1);
    virDomainFree(d);
    g_assert_null(virDomainLookupByName(conn, "test"));
    assert_last_error(VIR_ERR_NO_DOMAIN, "no domain with matching name 'test'");

    /* the default state does not see it */
    other = open_default();
    g_assert_null(virDomainLookupByName(other, "custom"));
    assert_last_error(VIR_ERR_NO_DOMAIN, NULL);
    close_conn(other);
    close_conn(conn);
    g_unlink(path);
    g_rmdir(dir);
}

/* ---- initial state ------------------------------------------------------ */

static void
test_initial_state(void)
{
    virConnectPtr conn = open_default();
    virDomainPtr dom = lookup_dom(conn, "test");
    virNetworkPtr net = lookup_net(conn, "default");
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainInfo info;
    int autostart = -1;
    g_autofree char *os = NULL, *live = NULL, *inactive = NULL, *net_live = NULL;
    g_autofree char *net_inactive = NULL, *bridge = NULL;

    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 0);
    g_assert_cmpint(virConnectNumOfNetworks(conn), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedNetworks(conn), ==, 0);

    g_assert_cmpint(virDomainGetID(dom), ==, 1);
    g_assert_cmpint(virDomainGetUUIDString(dom, uuid), ==, 0);
    g_assert_cmpstr(uuid, ==, TEST_UUID);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNKNOWN);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpuint(info.maxMem, ==, 8388608);
    g_assert_cmpuint(info.memory, ==, 2097152);
    g_assert_cmpuint(info.nrVirtCpu, ==, 2);
    os = virDomainGetOSType(dom);
    g_assert_cmpstr(os, ==, "linux");
    g_assert_cmpuint(virDomainGetMaxMemory(dom), ==, 8388608);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, 0), ==, 2);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_MAXIMUM), ==, 2);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_LIVE), ==, 2);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_CONFIG), ==, 2);
    g_assert_cmpint(virDomainIsActive(dom), ==, 1);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 0);
    live = virDomainGetXMLDesc(dom, 0);
    g_assert_nonnull(live);
    assert_matches_file(live, "dom-test-live.xml");
    inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(inactive);
    assert_matches_file(inactive, "dom-test-inactive.xml");

    g_assert_cmpint(virNetworkGetUUIDString(net, uuid), ==, 0);
    g_assert_cmpstr(uuid, ==, DEFAULT_NET_UUID);
    g_assert_cmpint(virNetworkIsActive(net), ==, 1);
    g_assert_cmpint(virNetworkIsPersistent(net), ==, 1);
    g_assert_cmpint(virNetworkGetAutostart(net, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 0);
    bridge = virNetworkGetBridgeName(net);
    g_assert_cmpstr(bridge, ==, "virbr0");
    net_live = virNetworkGetXMLDesc(net, 0);
    g_assert_nonnull(net_live);
    assert_matches_file(net_live, "net-default.xml");
    net_inactive = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE);
    g_assert_cmpstr(net_inactive, ==, net_live);

    virDomainFree(dom);
    virNetworkFree(net);
    close_conn(conn);
}

/* ---- domains ------------------------------------------------------------ */

static void
test_domain_define_undefine(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *xml = dom_xml("vm1", NULL, 1048576);
    g_autofree char *xml2 = NULL, *out = NULL, *out2 = NULL;
    char *names[4] = { NULL };
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainPtr dom, again;

    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    assert_dom_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 1);
    g_assert_cmpint(virConnectListDefinedDomains(conn, names, 4), ==, 1);
    g_assert_cmpstr(names[0], ==, "vm1");
    free(names[0]);
    g_assert_cmpuint(virDomainGetMaxMemory(dom), ==, 1048576);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_MAXIMUM), ==, 2);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, 0), ==, 1);
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_LIVE), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, NULL);
    out = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull(out);
    g_assert_nonnull(strstr(out, "<name>vm1</name>"));
    g_assert_null(strstr(out, " id="));

    /* redefining the same name and UUID updates it */
    g_assert_cmpint(virDomainGetUUIDString(dom, uuid), ==, 0);
    xml2 = dom_xml("vm1", uuid, 2097152);
    again = virDomainDefineXML(conn, xml2);
    g_assert_nonnull(again);
    g_assert_cmpuint(virDomainGetMaxMemory(again), ==, 2097152);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 1);
    out2 = virDomainGetXMLDesc(again, 0);
    g_assert_nonnull(strstr(out2, "2097152"));
    virDomainFree(again);

    /* malformed XML is refused */
    g_assert_null(virDomainDefineXML(conn, "<domain"));
    g_assert_nonnull(virGetLastError());
    virResetLastError();

    g_assert_cmpint(virDomainUndefine(dom), ==, 0);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 0);
    g_assert_null(virDomainLookupByName(conn, "vm1"));
    assert_last_error(VIR_ERR_NO_DOMAIN, "no domain with matching name 'vm1'");
    /* the stale handle names a domain that is gone */
    g_assert_cmpint(virDomainUndefine(dom), ==, -1);
    assert_last_error(VIR_ERR_NO_DOMAIN, NULL);
    g_assert_cmpint(virDomainIsActive(dom), ==, -1);
    assert_last_error(VIR_ERR_NO_DOMAIN, NULL);
    virDomainFree(dom);
    close_conn(conn);
}

static void
test_domain_lifecycle(void)
{
    virConnectPtr conn = open_default();
    virDomainPtr dom = lookup_dom(conn, "test");
    virDomainPtr by_id;

    /* running -> paused -> running */
    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainSuspend(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_dom_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainResume(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    g_assert_cmpint(virDomainResume(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not paused");
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    g_assert_cmpint(virDomainCreate(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is already running");

    /* shutdown -> shutoff, and nothing but start works there */
    g_assert_cmpint(virDomainShutdown(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_null(virDomainLookupByID(conn, 1));
    assert_last_error(VIR_ERR_NO_DOMAIN, "no domain with matching id 1");
    g_assert_cmpint(virDomainDestroy(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(virDomainShutdown(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(virDomainReboot(dom, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(virDomainReset(dom, 0), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(virDomainSuspend(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not running");
    g_assert_cmpint(virDomainResume(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "domain is not paused");
    assert_dom_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 0);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 1);

    /* start: a new id from the counter */
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainGetID(dom), ==, 2);
    by_id = virDomainLookupByID(conn, 2);
    g_assert_nonnull(by_id);
    g_assert_cmpstr(virDomainGetName(by_id), ==, "test");
    virDomainFree(by_id);

    g_assert_cmpint(virDomainReboot(dom, 0), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainReset(dom, 0), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);

    /* a paused domain can be shut down or destroyed */
    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_cmpint(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainGetID(dom), ==, 3);
    g_assert_cmpint(virDomainShutdown(dom), ==, 0);
    assert_dom_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);

    /* unknown flags */
    g_assert_cmpint(virDomainDestroyFlags(dom, 0x1000), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, "unsupported flags");

    virDomainFree(dom);
    close_conn(conn);
}

static void
test_domain_transient(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *xml = dom_xml("tvm", "5a1d2c3b-4e5f-4061-8728-394a5b6c7d8e", 524288);
    virDomainPtr dom, test;
    int autostart = -1;

    dom = virDomainCreateXML(conn, xml, 0);
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainGetID(dom), ==, 2);
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 0);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 0);
    g_assert_cmpint(virDomainSetAutostart(dom, 1), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_cmpint(virDomainUndefine(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_cmpint(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_CONFIG), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, NULL);
    /* a second create of the same running domain is refused */
    g_assert_null(virDomainCreateXML(conn, xml, 0));
    assert_last_error(VIR_ERR_OPERATION_INVALID, "already active");
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    g_assert_null(virDomainLookupByName(conn, "tvm"));
    assert_last_error(VIR_ERR_NO_DOMAIN, NULL);
    virDomainFree(dom);

    /* undefining a running domain leaves it running, transient */
    test = lookup_dom(conn, "test");
    g_assert_cmpint(virDomainUndefine(test), ==, 0);
    g_assert_cmpint(virDomainIsActive(test), ==, 1);
    g_assert_cmpint(virDomainIsPersistent(test), ==, 0);
    /* defining it again makes it persistent */
    {
        g_autofree char *cfg = virDomainGetXMLDesc(test, VIR_DOMAIN_XML_INACTIVE);
        virDomainPtr redefined = virDomainDefineXML(conn, cfg);

        g_assert_nonnull(redefined);
        g_assert_cmpint(virDomainIsPersistent(test), ==, 1);
        g_assert_cmpint(virDomainUndefine(redefined), ==, 0);
        virDomainFree(redefined);
    }
    g_assert_cmpint(virDomainShutdown(test), ==, 0);
    g_assert_null(virDomainLookupByName(conn, "test"));
    assert_last_error(VIR_ERR_NO_DOMAIN, NULL);
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 0);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 0);
    virDomainFree(test);
    close_conn(conn);
}

static void
test_domain_duplicates(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *same_name = dom_xml("test", "11111111-2222-3333-4444-555555555555", 1024);
    g_autofree char *same_uuid = dom_xml("other", TEST_UUID, 1024);
    g_autofree char *same_both = dom_xml("test", TEST_UUID, 4194304);
    virDomainPtr dom;

    g_assert_null(virDomainDefineXML(conn, same_name));
    assert_last_error(VIR_ERR_OPERATION_FAILED,
                      "domain 'test' already exists with uuid " TEST_UUID);
    g_assert_null(virDomainCreateXML(conn, same_name, 0));
    assert_last_error(VIR_ERR_OPERATION_FAILED, "already exists");
    g_assert_null(virDomainDefineXML(conn, same_uuid));
    assert_last_error(VIR_ERR_OPERATION_FAILED, "is already defined with uuid " TEST_UUID);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 0);
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 1);

    /* same name and UUID: the running domain gets a new config for its
     * next start; the live definition stays */
    dom = virDomainDefineXML(conn, same_both);
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainGetID(dom), ==, 1);
    g_assert_cmpuint(virDomainGetMaxMemory(dom), ==, 8388608);
    {
        g_autofree char *cfg = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);

        g_assert_nonnull(strstr(cfg, "4194304"));
    }
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    g_assert_cmpuint(virDomainGetMaxMemory(dom), ==, 4194304);
    virDomainFree(dom);
    close_conn(conn);
}

static void
test_domain_lookups(void)
{
    virConnectPtr conn = open_default();
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainPtr a, b, c;

    a = virDomainLookupByID(conn, 1);
    b = virDomainLookupByUUIDString(conn, TEST_UUID);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpint(virDomainGetUUID(a, uuid), ==, 0);
    c = virDomainLookupByUUID(conn, uuid);
    g_assert_nonnull(c);
    g_assert_cmpstr(virDomainGetName(a), ==, "test");
    g_assert_cmpstr(virDomainGetName(b), ==, "test");
    g_assert_cmpstr(virDomainGetName(c), ==, "test");
    g_assert_true(virDomainGetConnect(c) == conn);
    virDomainFree(a);
    virDomainFree(b);
    virDomainFree(c);

    g_assert_null(virDomainLookupByID(conn, 42));
    assert_last_error(VIR_ERR_NO_DOMAIN, "no domain with matching id 42");
    g_assert_null(virDomainLookupByName(conn, "nosuch"));
    assert_last_error(VIR_ERR_NO_DOMAIN, "no domain with matching name 'nosuch'");
    g_assert_null(virDomainLookupByUUIDString(conn, "00000000-0000-0000-0000-000000000001"));
    assert_last_error(VIR_ERR_NO_DOMAIN,
                      "no domain with matching uuid '00000000-0000-0000-0000-000000000001'");
    close_conn(conn);
}

static void
test_domain_autostart(void)
{
    virConnectPtr conn = open_default();
    virDomainPtr dom = lookup_dom(conn, "test");
    int autostart = -1;

    g_assert_cmpint(virDomainSetAutostart(dom, 1), ==, 0);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 1);
    g_assert_cmpint(virDomainSetAutostart(dom, 0), ==, 0);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 0);
    virDomainFree(dom);
    close_conn(conn);
}

static void
test_domain_list_filters(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *x_inact = dom_xml("inact", NULL, 1024);
    g_autofree char *x_trans = dom_xml("trans", NULL, 1024);
    g_autofree char *x_paused = dom_xml("paused", NULL, 1024);
    virDomainPtr inact, trans, paused;
    int ids[8];
    char *names[8] = { NULL };
    int n;
    static const struct {
        unsigned int flags;
        const char *names;
    } cases[] = {
        { 0, "inact,paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE, "paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE, "inact" },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE,
          "inact,paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_PERSISTENT, "inact,paused,test" },
        { VIR_CONNECT_LIST_DOMAINS_TRANSIENT, "trans" },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING, "test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_PAUSED, "paused" },
        { VIR_CONNECT_LIST_DOMAINS_SHUTOFF, "inact" },
        { VIR_CONNECT_LIST_DOMAINS_OTHER, "" },
        { VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_SHUTOFF, "inact,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_AUTOSTART, "inact" },
        { VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, "paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, "" },
        { VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, "inact,paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, "" },
        { VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, "inact,paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, "" },
        { VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, "inact,paused,test,trans" },
        { VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_PERSISTENT, "paused,test" },
        { VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_TRANSIENT, "" },
    };

    inact = virDomainDefineXML(conn, x_inact);
    g_assert_nonnull(inact);
    g_assert_cmpint(virDomainSetAutostart(inact, 1), ==, 0);
    trans = virDomainCreateXML(conn, x_trans, 0);
    g_assert_nonnull(trans);
    paused = virDomainDefineXML(conn, x_paused);
    g_assert_nonnull(paused);
    g_assert_cmpint(virDomainCreate(paused), ==, 0);
    g_assert_cmpint(virDomainSuspend(paused), ==, 0);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = list_domain_names(conn, cases[i].flags);

        if (strcmp(got, cases[i].names) != 0)
            g_error("flags 0x%x: expected '%s', got '%s'", cases[i].flags, cases[i].names, got);
    }
    g_assert_cmpint(virConnectListAllDomains(conn, NULL, 1u << 30), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, NULL);

    /* legacy calls */
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 3);
    n = virConnectListDomains(conn, ids, 8);
    g_assert_cmpint(n, ==, 3);
    g_assert_cmpint(ids[0] + ids[1] + ids[2], ==, 1 + 2 + 3);
    g_assert_cmpint(virConnectListDomains(conn, ids, 1), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 1);
    g_assert_cmpint(virConnectListDefinedDomains(conn, names, 8), ==, 1);
    g_assert_cmpstr(names[0], ==, "inact");
    free(names[0]);

    g_assert_cmpint(virDomainDestroy(trans), ==, 0);
    g_assert_cmpint(virDomainDestroy(paused), ==, 0);
    virDomainFree(inact);
    virDomainFree(trans);
    virDomainFree(paused);
    close_conn(conn);
}

/* ---- networks ----------------------------------------------------------- */

static void
test_network_lifecycle(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *xml = net_xml("net1", NULL, "virbr1", 1);
    g_autofree char *txml = net_xml("tnet", "6b2e3d4c-5f60-4172-8839-4a5b6c7d8e9f", "virbr2", 2);
    g_autofree char *dup_name =
        net_xml("default", "11111111-2222-3333-4444-555555555555", "virbr3", 3);
    g_autofree char *dup_uuid = net_xml("other", DEFAULT_NET_UUID, "virbr3", 3);
    g_autofree char *bridge = NULL, *inactive = NULL;
    virNetworkPtr net, tnet, def;
    char *names[4] = { NULL };
    int autostart = -1;

    net = virNetworkDefineXML(conn, xml);
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkIsActive(net), ==, 0);
    g_assert_cmpint(virNetworkIsPersistent(net), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedNetworks(conn), ==, 1);
    g_assert_cmpint(virConnectListDefinedNetworks(conn, names, 4), ==, 1);
    g_assert_cmpstr(names[0], ==, "net1");
    free(names[0]);
    g_assert_cmpint(virConnectListNetworks(conn, names, 4), ==, 1);
    g_assert_cmpstr(names[0], ==, "default");
    free(names[0]);
    bridge = virNetworkGetBridgeName(net);
    g_assert_cmpstr(bridge, ==, "virbr1");
    inactive = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE);
    g_assert_nonnull(strstr(inactive, "<name>net1</name>"));

    g_assert_cmpint(virNetworkDestroy(net), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "not active");
    g_assert_cmpint(virNetworkCreate(net), ==, 0);
    g_assert_cmpint(virNetworkIsActive(net), ==, 1);
    g_assert_cmpint(virNetworkCreate(net), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "Network 'net1' is already running");
    g_assert_cmpint(virNetworkUndefine(net), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "Network 'net1' is still running");
    g_assert_cmpint(virNetworkSetAutostart(net, 1), ==, 0);
    g_assert_cmpint(virNetworkGetAutostart(net, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 1);
    g_assert_cmpint(virNetworkDestroy(net), ==, 0);
    g_assert_cmpint(virNetworkIsActive(net), ==, 0);
    g_assert_cmpint(virNetworkUndefine(net), ==, 0);
    g_assert_null(virNetworkLookupByName(conn, "net1"));
    assert_last_error(VIR_ERR_NO_NETWORK, "no network with matching name 'net1'");
    g_assert_cmpint(virNetworkIsActive(net), ==, -1);
    assert_last_error(VIR_ERR_NO_NETWORK, NULL);
    virNetworkFree(net);

    /* transient */
    tnet = virNetworkCreateXML(conn, txml);
    g_assert_nonnull(tnet);
    g_assert_cmpint(virNetworkIsActive(tnet), ==, 1);
    g_assert_cmpint(virNetworkIsPersistent(tnet), ==, 0);
    g_assert_cmpint(virNetworkSetAutostart(tnet, 1), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_INVALID, "transient");
    g_assert_null(virNetworkCreateXML(conn, txml));
    assert_last_error(VIR_ERR_OPERATION_INVALID, NULL);
    g_assert_cmpint(virNetworkDestroy(tnet), ==, 0);
    g_assert_null(virNetworkLookupByName(conn, "tnet"));
    assert_last_error(VIR_ERR_NO_NETWORK, NULL);
    virNetworkFree(tnet);

    /* duplicates against "default" */
    g_assert_null(virNetworkDefineXML(conn, dup_name));
    assert_last_error(VIR_ERR_OPERATION_FAILED,
                      "network 'default' already exists with uuid " DEFAULT_NET_UUID);
    g_assert_null(virNetworkDefineXML(conn, dup_uuid));
    assert_last_error(VIR_ERR_OPERATION_FAILED, "is already defined with uuid");
    g_assert_null(virNetworkCreateXML(conn, dup_name));
    assert_last_error(VIR_ERR_OPERATION_FAILED, NULL);

    /* lookups */
    def = virNetworkLookupByUUIDString(conn, DEFAULT_NET_UUID);
    g_assert_nonnull(def);
    g_assert_cmpstr(virNetworkGetName(def), ==, "default");
    g_assert_true(virNetworkGetConnect(def) == conn);
    virNetworkFree(def);
    g_assert_null(virNetworkLookupByUUIDString(conn, "00000000-0000-0000-0000-000000000002"));
    assert_last_error(VIR_ERR_NO_NETWORK,
                      "no network with matching uuid '00000000-0000-0000-0000-000000000002'");
    close_conn(conn);
}

static void
test_network_list_filters(void)
{
    virConnectPtr conn = open_default();
    g_autofree char *x_inact = net_xml("inact", NULL, "virbr5", 5);
    g_autofree char *x_trans = net_xml("trans", NULL, "virbr6", 6);
    virNetworkPtr inact, trans;
    static const struct {
        unsigned int flags;
        const char *names;
    } cases[] = {
        { 0, "default,inact,trans" },
        { VIR_CONNECT_LIST_NETWORKS_ACTIVE, "default,trans" },
        { VIR_CONNECT_LIST_NETWORKS_INACTIVE, "inact" },
        { VIR_CONNECT_LIST_NETWORKS_PERSISTENT, "default,inact" },
        { VIR_CONNECT_LIST_NETWORKS_TRANSIENT, "trans" },
        { VIR_CONNECT_LIST_NETWORKS_AUTOSTART, "inact" },
        { VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, "default,trans" },
        { VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_PERSISTENT, "default" },
        { VIR_CONNECT_LIST_NETWORKS_INACTIVE | VIR_CONNECT_LIST_NETWORKS_TRANSIENT, "" },
    };

    inact = virNetworkDefineXML(conn, x_inact);
    g_assert_nonnull(inact);
    g_assert_cmpint(virNetworkSetAutostart(inact, 1), ==, 0);
    trans = virNetworkCreateXML(conn, x_trans);
    g_assert_nonnull(trans);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = list_network_names(conn, cases[i].flags);

        if (strcmp(got, cases[i].names) != 0)
            g_error("flags 0x%x: expected '%s', got '%s'", cases[i].flags, cases[i].names, got);
    }
    g_assert_cmpint(virConnectNumOfNetworks(conn), ==, 2);
    g_assert_cmpint(virConnectNumOfDefinedNetworks(conn), ==, 1);
    g_assert_cmpint(virNetworkDestroy(trans), ==, 0);
    g_assert_cmpint(virNetworkUndefine(inact), ==, 0);
    virNetworkFree(inact);
    virNetworkFree(trans);
    close_conn(conn);
}

static void
free_leases(virNetworkDHCPLeasePtr *leases, int n)
{
    for (int i = 0; i < n; i++)
        virNetworkDHCPLeaseFree(leases[i]);
    free(leases);
}

static void
test_network_leases(void)
{
    virConnectPtr conn = open_default();
    virNetworkPtr def = lookup_net(conn, "default");
    g_autofree char *xml = net_xml("leasenet", NULL, "virbr7", 10);
    virNetworkDHCPLeasePtr *leases = NULL;
    virNetworkPtr net;
    int n;

    /* default: one made-up client at the start of its range */
    n = virNetworkGetDHCPLeases(def, NULL, &leases, 0);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpstr(leases[0]->iface, ==, "virbr0");
    g_assert_cmpstr(leases[0]->ipaddr, ==, "192.168.122.2");
    g_assert_cmpuint(leases[0]->prefix, ==, 24);
    g_assert_cmpint(leases[0]->type, ==, VIR_IP_ADDR_TYPE_IPV4);
    g_assert_cmpstr(leases[0]->mac, ==, "52:54:00:a8:7a:02");
    g_assert_cmpint(leases[0]->expirytime, >, 0);
    free_leases(leases, n);
    g_assert_cmpint(virNetworkGetDHCPLeases(def, NULL, NULL, 0), ==, 1);

    net = virNetworkDefineXML(conn, xml);
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkGetDHCPLeases(net, NULL, NULL, 0), ==, 0);
    g_assert_cmpint(virNetworkCreate(net), ==, 0);
    n = virNetworkGetDHCPLeases(net, NULL, &leases, 0);
    g_assert_cmpint(n, ==, 2);
    g_assert_cmpstr(leases[0]->mac, ==, "52:54:00:12:34:56");
    g_assert_cmpstr(leases[0]->ipaddr, ==, "10.10.0.50");
    g_assert_cmpstr(leases[0]->hostname, ==, "fixed");
    g_assert_cmpstr(leases[1]->ipaddr, ==, "10.10.0.100");
    free_leases(leases, n);

    /* the MAC filter, case-insensitive */
    n = virNetworkGetDHCPLeases(net, "52:54:00:12:34:56", &leases, 0);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpstr(leases[0]->ipaddr, ==, "10.10.0.50");
    free_leases(leases, n);
    n = virNetworkGetDHCPLeases(net, "52:54:00:0A:00:64", &leases, 0);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpstr(leases[0]->ipaddr, ==, "10.10.0.100");
    free_leases(leases, n);
    g_assert_cmpint(virNetworkGetDHCPLeases(net, "00:11:22:33:44:55", NULL, 0), ==, 0);

    g_assert_cmpint(virNetworkDestroy(net), ==, 0);
    g_assert_cmpint(virNetworkUndefine(net), ==, 0);
    virNetworkFree(net);
    virNetworkFree(def);
    close_conn(conn);
}

/* ---- read-only connections ---------------------------------------------- */

static void
assert_denied(int ret)
{
    g_assert_cmpint(ret, ==, -1);
    assert_last_error(VIR_ERR_OPERATION_DENIED, NULL);
}

static void
assert_denied_ptr(void *ptr)
{
    g_assert_null(ptr);
    assert_last_error(VIR_ERR_OPERATION_DENIED, NULL);
}

static void
test_read_only(void)
{
    virConnectPtr rw = open_default();
    virConnectPtr ro = virConnectOpenReadOnly(URI);
    g_autofree char *dxml = dom_xml("rovm", NULL, 1024);
    g_autofree char *nxml = net_xml("ronet", NULL, "virbr8", 8);
    virDomainPtr dom, inactive_rw, inactive;
    virNetworkPtr net;
    virNodeInfo info;
    g_autofree char *xml = NULL, *caps = NULL;
    int autostart;

    g_assert_nonnull(ro);
    /* an inactive domain and network to try starting */
    inactive_rw = virDomainDefineXML(rw, dxml);
    g_assert_nonnull(inactive_rw);
    virDomainFree(inactive_rw);

    /* reads work */
    dom = lookup_dom(ro, "test");
    inactive = lookup_dom(ro, "rovm");
    net = lookup_net(ro, "default");
    xml = virDomainGetXMLDesc(dom, 0);
    g_assert_nonnull(xml);
    caps = virConnectGetCapabilities(ro);
    g_assert_nonnull(caps);
    g_assert_cmpint(virNodeGetInfo(ro, &info), ==, 0);
    g_assert_cmpint(virConnectNumOfDomains(ro), ==, 1);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(virNetworkGetAutostart(net, &autostart), ==, 0);
    g_assert_cmpint(virConnectListAllDomains(ro, NULL, 0), ==, 2);

    /* every mutating call is denied */
    assert_denied_ptr(virDomainDefineXML(ro, dxml));
    assert_denied_ptr(virDomainCreateXML(ro, dxml, 0));
    assert_denied(virDomainUndefine(inactive));
    assert_denied(virDomainCreate(inactive));
    assert_denied(virDomainDestroy(dom));
    assert_denied(virDomainShutdown(dom));
    assert_denied(virDomainReboot(dom, 0));
    assert_denied(virDomainReset(dom, 0));
    assert_denied(virDomainSuspend(dom));
    assert_denied(virDomainResume(dom));
    assert_denied(virDomainSetAutostart(dom, 1));
    assert_denied_ptr(virNetworkDefineXML(ro, nxml));
    assert_denied_ptr(virNetworkCreateXML(ro, nxml));
    assert_denied(virNetworkUndefine(net));
    assert_denied(virNetworkCreate(net));
    assert_denied(virNetworkDestroy(net));
    assert_denied(virNetworkSetAutostart(net, 1));

    /* and nothing changed */
    assert_dom_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNKNOWN);
    assert_dom_state(inactive, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(virNetworkIsActive(net), ==, 1);
    g_assert_cmpint(virDomainGetAutostart(dom, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 0);
    g_assert_cmpint(virConnectNumOfDefinedNetworks(ro), ==, 0);

    virDomainFree(dom);
    virDomainFree(inactive);
    virNetworkFree(net);
    close_conn(ro);
    close_conn(rw);
}

/* ---- errors ------------------------------------------------------------- */

typedef struct {
    int calls;
    int last_code;
} ErrorSink;

static void
record_error(void *opaque, virErrorPtr err)
{
    ErrorSink *sink = opaque;

    sink->calls++;
    sink->last_code = err->code;
}

static gpointer
thread_without_error(gpointer data)
{
    /* another thread's error is not this thread's */
    return GINT_TO_POINTER(virGetLastError() == NULL);
}

static gpointer
thread_with_error(gpointer data)
{
    virConnectPtr conn = data;
    virErrorPtr err;
    int code;

    if (virDomainLookupByName(conn, "in-thread") != NULL)
        return GINT_TO_POINTER(-1);
    err = virGetLastError();
    code = err ? err->code : -1;
    return GINT_TO_POINTER(code);
}

static void
test_error_callbacks(void)
{
    virConnectPtr conn = open_default();
    ErrorSink global = { 0 }, local = { 0 };
    virErrorPtr err;
    virError copy = { 0 };
    GThread *thread;

    /* connection handler first */
    virSetErrorFunc(&global, record_error);
    virConnSetErrorFunc(conn, &local, record_error);
    g_assert_null(virDomainLookupByName(conn, "nosuch"));
    g_assert_cmpint(local.calls, ==, 1);
    g_assert_cmpint(local.last_code, ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpint(global.calls, ==, 0);

    /* else the global one */
    virConnSetErrorFunc(conn, NULL, NULL);
    g_assert_null(virNetworkLookupByName(conn, "nosuch"));
    g_assert_cmpint(local.calls, ==, 1);
    g_assert_cmpint(global.calls, ==, 1);
    g_assert_cmpint(global.last_code, ==, VIR_ERR_NO_NETWORK);

    /* the error is also kept, per thread and per connection */
    err = virGetLastError();
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, VIR_ERR_NO_NETWORK);
    g_assert_cmpint(err->domain, ==, VIR_FROM_TEST);
    g_assert_nonnull(strstr(err->message, "no network with matching name 'nosuch'"));
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_NO_NETWORK);
    g_assert_cmpint(virCopyLastError(&copy), ==, VIR_ERR_NO_NETWORK);
    g_assert_cmpint(copy.code, ==, VIR_ERR_NO_NETWORK);
    virResetError(&copy);
    err = virConnGetLastError(conn);
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, VIR_ERR_NO_NETWORK);

    thread = g_thread_new("no-error", thread_without_error, NULL);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(thread)), ==, 1);
    virResetLastError();
    g_assert_null(virGetLastError());
    thread = g_thread_new("error", thread_with_error, conn);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(thread)), ==, VIR_ERR_NO_DOMAIN);
    g_assert_null(virGetLastError());
    g_assert_cmpint(global.calls, ==, 2);

    /* a successful call does not report anything */
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 1);
    g_assert_cmpint(global.calls, ==, 2);

    virSetErrorFunc(NULL, quiet_error);
    close_conn(conn);
}

/* The default handler (neither handler set) writes to stderr; run it in a
 * child so its output can be checked. */
static void
test_error_default_handler(void)
{
    if (g_test_subprocess()) {
        virConnectPtr conn;

        virSetErrorFunc(NULL, NULL);
        conn = open_default();
        g_assert_null(virDomainLookupByName(conn, "loud"));
        virConnectClose(conn);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*no domain with matching name 'loud'*");
}

/* ---- events ------------------------------------------------------------- */

typedef struct {
    GString *log; /* "name:event:detail;" */
    int count;
} EventLog;

static int
dom_event_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    EventLog *log = opaque;

    g_string_append_printf(log->log, "%s:%d:%d;", virDomainGetName(dom), event, detail);
    log->count++;
    return 0;
}

static void
net_event_cb(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    EventLog *log = opaque;

    g_string_append_printf(log->log, "%s:%d:%d;", virNetworkGetName(net), event, detail);
    log->count++;
}

/* libvirt's VIR_*_EVENT_CALLBACK casts trip -Wcast-function-type; going
 * through void (*)(void) is the sanctioned way to say it is intended. */
#define DOMAIN_CB(cb) ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))
#define NETWORK_CB(cb) ((virConnectNetworkEventGenericCallback)(void (*)(void))(cb))

static void
tick(int timer, void *opaque)
{
}

/* Runs the event loop until @log has @count entries (or 2 s pass). */
static void
run_events_until(EventLog *log, int count)
{
    gint64 deadline = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    int timer = virEventAddTimeout(10, tick, NULL, NULL);

    g_assert_cmpint(timer, >=, 0);
    while (log->count < count && g_get_monotonic_time() < deadline)
        g_assert_cmpint(virEventRunDefaultImpl(), ==, 0);
    virEventRemoveTimeout(timer);
}

/* Runs the loop for a while: nothing more may arrive. */
static void
run_events_briefly(void)
{
    gint64 deadline = g_get_monotonic_time() + 100 * 1000;
    int timer = virEventAddTimeout(10, tick, NULL, NULL);

    while (g_get_monotonic_time() < deadline)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
}

static void
test_events(void)
{
    virConnectPtr conn = open_default();
    virConnectPtr other = open_default();
    EventLog dlog = { g_string_new(NULL), 0 }, nlog = { g_string_new(NULL), 0 };
    EventLog olog = { g_string_new(NULL), 0 };
    g_autofree char *xml = dom_xml("evm", "0b5e7f0e-1d2c-4a3b-9c8d-7e6f5a4b3c2d", 1024);
    g_autofree char *nxml = net_xml("enet", NULL, "virbr4", 4);
    g_autofree char *expected = NULL, *expected_net = NULL;
    virDomainPtr dom, evm, again;
    virNetworkPtr net, enet;
    int dcb, ncb, ocb;

    dcb = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           DOMAIN_CB(dom_event_cb), &dlog, NULL);
    ncb = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                            NETWORK_CB(net_event_cb), &nlog, NULL);
    /* the other connection on the same state sees the same events */
    ocb = virConnectDomainEventRegisterAny(other, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           DOMAIN_CB(dom_event_cb), &olog, NULL);
    g_assert_cmpint(dcb, >=, 0);
    g_assert_cmpint(ncb, >=, 0);
    g_assert_cmpint(ocb, >=, 0);

    dom = lookup_dom(conn, "test");
    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    g_assert_cmpint(virDomainResume(dom), ==, 0);
    g_assert_cmpint(virDomainResume(dom), ==, -1); /* failures emit nothing */
    virResetLastError();
    g_assert_cmpint(virDomainShutdown(dom), ==, 0);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    evm = virDomainDefineXML(conn, xml);
    g_assert_nonnull(evm);
    again = virDomainDefineXML(conn, xml);
    g_assert_nonnull(again);
    virDomainFree(again);
    g_assert_cmpint(virDomainUndefine(evm), ==, 0);
    virDomainFree(evm);
    evm = virDomainCreateXML(conn, xml, 0);
    g_assert_nonnull(evm);
    g_assert_cmpint(virDomainDestroy(evm), ==, 0);
    virDomainFree(evm);
    g_assert_cmpint(virDomainUndefine(dom), ==, 0);

    net = lookup_net(conn, "default");
    g_assert_cmpint(virNetworkDestroy(net), ==, 0);
    g_assert_cmpint(virNetworkCreate(net), ==, 0);
    enet = virNetworkDefineXML(conn, nxml);
    g_assert_nonnull(enet);
    g_assert_cmpint(virNetworkUndefine(enet), ==, 0);
    virNetworkFree(enet);

    expected = g_strdup_printf("test:%d:%d;test:%d:%d;test:%d:%d;test:%d:%d;test:%d:%d;test:%d:%d;"
                               "evm:%d:%d;evm:%d:%d;evm:%d:%d;evm:%d:%d;evm:%d:%d;test:%d:%d;",
                               VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED,
                               VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED,
                               VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED,
                               VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN,
                               VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
                               VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED,
                               VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED,
                               VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_UPDATED,
                               VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED,
                               VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED,
                               VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED,
                               VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    expected_net = g_strdup_printf("default:%d:0;default:%d:0;enet:%d:0;enet:%d:0;",
                                   VIR_NETWORK_EVENT_STOPPED, VIR_NETWORK_EVENT_STARTED,
                                   VIR_NETWORK_EVENT_DEFINED, VIR_NETWORK_EVENT_UNDEFINED);
    run_events_until(&dlog, 12);
    run_events_until(&nlog, 4);
    run_events_until(&olog, 12);
    g_assert_cmpstr(dlog.log->str, ==, expected);
    g_assert_cmpstr(olog.log->str, ==, expected);
    g_assert_cmpstr(nlog.log->str, ==, expected_net);

    /* deregistered: no more delivery */
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, dcb), ==, 0);
    g_assert_cmpint(virConnectNetworkEventDeregisterAny(conn, ncb), ==, 0);
    g_assert_cmpint(virConnectDomainEventDeregisterAny(other, ocb), ==, 0);
    g_assert_cmpint(virNetworkDestroy(net), ==, 0);
    g_assert_cmpint(virNetworkCreate(net), ==, 0);
    evm = virDomainCreateXML(conn, xml, 0);
    g_assert_nonnull(evm);
    g_assert_cmpint(virDomainDestroy(evm), ==, 0);
    virDomainFree(evm);
    run_events_briefly();
    g_assert_cmpint(dlog.count, ==, 12);
    g_assert_cmpint(olog.count, ==, 12);
    g_assert_cmpint(nlog.count, ==, 4);
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, dcb), ==, -1);
    virResetLastError();

    virDomainFree(dom);
    virNetworkFree(net);
    g_string_free(dlog.log, TRUE);
    g_string_free(nlog.log, TRUE);
    g_string_free(olog.log, TRUE);
    close_conn(other);
    close_conn(conn);
}

/* ---- threads ------------------------------------------------------------ */

#define N_THREADS 6
#define N_ROUNDS 150

typedef struct {
    virConnectPtr conn;
    int index;
    int failures;
} Worker;

static gpointer
worker_run(gpointer data)
{
    Worker *w = data;
    g_autofree char *name = g_strdup_printf("thr%d", w->index);
    g_autofree char *xml = dom_xml(name, NULL, 1024);

    for (int round = 0; round < N_ROUNDS; round++) {
        virDomainPtr mine, test;
        virDomainInfo info;
        char *desc;

        if (!(mine = virDomainDefineXML(w->conn, xml))) {
            w->failures++;
            continue;
        }
        if (virDomainCreate(mine) < 0 || virDomainSuspend(mine) < 0 || virDomainResume(mine) < 0 ||
            virDomainDestroy(mine) < 0)
            w->failures++;
        if ((test = virDomainLookupByName(w->conn, "test"))) {
            if (virDomainGetInfo(test, &info) < 0)
                w->failures++;
            if (!(desc = virDomainGetXMLDesc(test, 0)))
                w->failures++;
            free(desc);
            virDomainFree(test);
        } else {
            w->failures++;
        }
        if (virConnectListAllDomains(w->conn, NULL, 0) < 1)
            w->failures++;
        if (virDomainUndefine(mine) < 0)
            w->failures++;
        virDomainFree(mine);
    }
    return NULL;
}

static void
test_threads(void)
{
    virConnectPtr conn = open_default();
    Worker workers[N_THREADS];
    GThread *threads[N_THREADS];

    for (int i = 0; i < N_THREADS; i++) {
        workers[i] = (Worker){ conn, i, 0 };
        threads[i] = g_thread_new("worker", worker_run, &workers[i]);
    }
    for (int i = 0; i < N_THREADS; i++) {
        g_thread_join(threads[i]);
        g_assert_cmpint(workers[i].failures, ==, 0);
    }
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, 1);
    g_assert_cmpint(virConnectNumOfDefinedDomains(conn), ==, 0);
    close_conn(conn);
}

/* The security and managed-save queries virsh's dominfo makes. */
static void
test_security_and_managed_save(void)
{
    virConnectPtr conn = open_default();
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virSecurityModel model;
    virSecurityLabel label;

    g_assert_cmpint(virNodeGetSecurityModel(conn, &model), ==, 0);
    g_assert_cmpstr(model.model, ==, "testSecurity");
    g_assert_cmpstr(model.doi, ==, "");
    g_assert_cmpint(virDomainGetSecurityLabel(dom, &label), ==, 0);
    g_assert_cmpstr(label.label, ==, "libvirt-test");
    g_assert_cmpint(label.enforcing, ==, 1);
    g_assert_cmpint(virDomainHasManagedSaveImage(dom, 0), ==, 0);

    g_assert_cmpint(virDomainHasManagedSaveImage(dom, 1), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_cmpint(virNodeGetSecurityModel(conn, NULL), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_cmpint(virDomainGetSecurityLabel(dom, NULL), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_INVALID_ARG);
    g_assert_cmpint(virDomainGetSecurityLabel(NULL, &label), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_INVALID_DOMAIN);
    virDomainFree(dom);
    close_conn(conn);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    virSetErrorFunc(NULL, quiet_error);
    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);

    g_test_add_func("/api/connect", test_connect);
    g_test_add_func("/api/connect/custom-file", test_connect_custom_file);
    g_test_add_func("/api/initial-state", test_initial_state);
    g_test_add_func("/api/security-and-managed-save", test_security_and_managed_save);
    g_test_add_func("/api/domain/define-undefine", test_domain_define_undefine);
    g_test_add_func("/api/domain/lifecycle", test_domain_lifecycle);
    g_test_add_func("/api/domain/transient", test_domain_transient);
    g_test_add_func("/api/domain/duplicates", test_domain_duplicates);
    g_test_add_func("/api/domain/lookups", test_domain_lookups);
    g_test_add_func("/api/domain/autostart", test_domain_autostart);
    g_test_add_func("/api/domain/list-filters", test_domain_list_filters);
    g_test_add_func("/api/network/lifecycle", test_network_lifecycle);
    g_test_add_func("/api/network/list-filters", test_network_list_filters);
    g_test_add_func("/api/network/leases", test_network_leases);
    g_test_add_func("/api/read-only", test_read_only);
    g_test_add_func("/api/errors/callbacks", test_error_callbacks);
    g_test_add_func("/api/errors/default-handler", test_error_default_handler);
    g_test_add_func("/api/events", test_events);
    g_test_add_func("/api/threads", test_threads);
    return g_test_run();
}
