/*
 * lib-api-test.c: libvirt.so.0 end to end -- a client of the public API
 * only, against the in-process test driver (test:///default). The test
 * driver's own behaviour is tests/api-test.c's business; this checks that
 * the library links, opens, dispatches and closes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static void
ignore_handler(void *user_data, virErrorPtr err)
{
}

static void
test_open_close(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    char *uri;
    unsigned long ver = 0;

    g_assert_nonnull(conn);
    uri = virConnectGetURI(conn);
    g_assert_cmpstr(uri, ==, "test:///default");
    free(uri);
    g_assert_nonnull(virConnectGetType(conn));
    g_assert_cmpint(virConnectGetLibVersion(conn, &ver), ==, 0);
    g_assert_cmpuint(ver, ==, 9000000);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
}

static void
test_default_uri_env(void)
{
    virConnectPtr conn;
    char *uri;

    g_setenv("LIBVIRT_DEFAULT_URI", "test:///default", TRUE);
    conn = virConnectOpenReadOnly(NULL);
    g_unsetenv("LIBVIRT_DEFAULT_URI");
    g_assert_nonnull(conn);
    uri = virConnectGetURI(conn);
    g_assert_cmpstr(uri, ==, "test:///default");
    free(uri);
    virConnectClose(conn);
}

/* Every listed domain can be looked up by name and UUID, and the handles
 * agree; the lists are malloc'ed, as libvirt documents. */
static void
test_domains(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virDomainPtr *doms = NULL;
    int n, active, inactive;

    g_assert_nonnull(conn);
    active = virConnectNumOfDomains(conn);
    inactive = virConnectNumOfDefinedDomains(conn);
    g_assert_cmpint(active, >=, 0);
    g_assert_cmpint(inactive, >=, 0);
    n = virConnectListAllDomains(conn, &doms, 0);
    g_assert_cmpint(n, ==, active + inactive);
    g_assert_null(doms[n]);
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        virDomainPtr by_name = virDomainLookupByName(conn, virDomainGetName(doms[i]));
        virDomainPtr by_uuid;

        g_assert_nonnull(by_name);
        g_assert_cmpint(virDomainGetUUIDString(doms[i], uuid), ==, 0);
        by_uuid = virDomainLookupByUUIDString(conn, uuid);
        g_assert_nonnull(by_uuid);
        g_assert_cmpstr(virDomainGetName(by_uuid), ==, virDomainGetName(doms[i]));
        g_assert_cmpuint(virDomainGetID(by_name), ==, virDomainGetID(doms[i]));
        g_assert_true(virDomainGetConnect(by_name) == conn);
        virDomainFree(by_uuid);
        virDomainFree(by_name);
        virDomainFree(doms[i]);
    }
    free(doms);
    virConnectClose(conn);
}

static void
test_networks(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");
    virNetworkPtr *nets = NULL;
    int n;

    g_assert_nonnull(conn);
    n = virConnectListAllNetworks(conn, &nets, 0);
    g_assert_cmpint(n, ==, virConnectNumOfNetworks(conn) + virConnectNumOfDefinedNetworks(conn));
    for (int i = 0; i < n; i++) {
        virNetworkPtr by_name = virNetworkLookupByName(conn, virNetworkGetName(nets[i]));

        g_assert_nonnull(by_name);
        virNetworkFree(by_name);
        virNetworkFree(nets[i]);
    }
    free(nets);
    virConnectClose(conn);
}

static void
test_read_only(void)
{
    virConnectPtr conn = virConnectOpenReadOnly("test:///default");

    g_assert_nonnull(conn);
    virConnSetErrorFunc(conn, NULL, ignore_handler);
    g_assert_null(virDomainDefineXML(conn, "<domain type='test'><name>x</name></domain>"));
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_OPERATION_DENIED);
    g_assert_cmpint(virConnectNumOfDomains(conn), >=, 0);
    virConnectClose(conn);
}

static void
test_unknown_domain(void)
{
    virConnectPtr conn = virConnectOpen("test:///default");

    g_assert_nonnull(conn);
    virConnSetErrorFunc(conn, NULL, ignore_handler);
    g_assert_null(virDomainLookupByName(conn, "no-such-domain-here"));
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpint(virGetLastErrorDomain(), ==, VIR_FROM_TEST);
    virConnectClose(conn);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lib/api/open-close", test_open_close);
    g_test_add_func("/lib/api/default-uri-env", test_default_uri_env);
    g_test_add_func("/lib/api/domains", test_domains);
    g_test_add_func("/lib/api/networks", test_networks);
    g_test_add_func("/lib/api/read-only", test_read_only);
    g_test_add_func("/lib/api/unknown-domain", test_unknown_domain);
    return g_test_run();
}
