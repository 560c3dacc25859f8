/*
 * lib-error-test.c: libvirt's error API (lib/virterror.c) and the checks
 * every entry point makes, against the fake driver of lib-mock-registry.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "tests/lib-mock-registry.h"

/* What an error handler saw. */
typedef struct {
    int calls;
    int code;
    int domain;
    char *message;
} Seen;

static void
seen_clear(Seen *seen)
{
    g_free(seen->message);
    memset(seen, 0, sizeof(*seen));
}

static void
record_handler(void *user_data, virErrorPtr err)
{
    Seen *seen = user_data;

    seen->calls++;
    seen->code = err->code;
    seen->domain = err->domain;
    g_free(seen->message);
    seen->message = g_strdup(err->message);
}

static void
ignore_handler(void *user_data, virErrorPtr err)
{
}

/* The thread's last error must be exactly this. */
static void
assert_last_error(int code, int domain, const char *message)
{
    virErrorPtr err = virGetLastError();

    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, code);
    g_assert_cmpint(err->domain, ==, domain);
    g_assert_cmpint(err->level, ==, VIR_ERR_ERROR);
    g_assert_cmpstr(err->message, ==, message);
    g_assert_cmpint(virGetLastErrorCode(), ==, code);
    g_assert_cmpint(virGetLastErrorDomain(), ==, domain);
    g_assert_cmpstr(virGetLastErrorMessage(), ==, message);
}

static virConnectPtr
open_mock(void)
{
    virConnectPtr conn = virConnectOpen("mock:///default");

    g_assert_nonnull(conn);
    return conn;
}

static void
test_no_error(void)
{
    virErrorPtr saved;
    virError copy;

    virSetErrorFunc(NULL, ignore_handler);
    virResetLastError();
    g_assert_null(virGetLastError());
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "no error");
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_OK);
    g_assert_cmpint(virGetLastErrorDomain(), ==, VIR_FROM_NONE);
    /* saving "no error" still gives an object, with code 0 */
    saved = virSaveLastError();
    g_assert_nonnull(saved);
    g_assert_cmpint(saved->code, ==, VIR_ERR_OK);
    g_assert_null(saved->message);
    virFreeError(saved);
    memset(&copy, 0x5a, sizeof(copy)); /* garbage: must be overwritten */
    g_assert_cmpint(virCopyLastError(&copy), ==, 0);
    g_assert_null(copy.message);
    g_assert_cmpint(virCopyLastError(NULL), ==, -1);
    virFreeError(NULL);
    virResetError(NULL);
}

static void
test_no_connect(void)
{
    Seen seen = { 0 };

    virSetErrorFunc(&seen, record_handler);
    g_assert_null(virConnectOpen("bogus:///x"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for bogus:///x");
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpint(seen.code, ==, VIR_ERR_NO_CONNECT);
    g_assert_cmpstr(seen.message, ==, "no connection driver available for bogus:///x");

    /* no scheme: no driver is asked */
    g_assert_null(virConnectOpenReadOnly("default"));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for default");

    /* a success resets the error */
    virConnectClose(open_mock());
    g_assert_null(virGetLastError());
    virSetErrorFunc(NULL, NULL);
    seen_clear(&seen);
}

static void
test_default_uri(void)
{
    virSetErrorFunc(NULL, ignore_handler);
    g_setenv("LIBVIRT_DEFAULT_URI", "nothere:///x", TRUE);
    g_assert_null(virConnectOpen(NULL));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for nothere:///x");
    g_assert_null(virConnectOpenAuth("", virConnectAuthPtrDefault, 0));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for nothere:///x");
    g_unsetenv("LIBVIRT_DEFAULT_URI");
    g_assert_null(virConnectOpen(NULL));
    assert_last_error(VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                      "no connection driver available for qemu:///system");
    virSetErrorFunc(NULL, NULL);
}

static void
test_open_failures(void)
{
    virSetErrorFunc(NULL, ignore_handler);
    g_assert_null(virConnectOpen("mock://[::1/x"));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, VIR_FROM_URI,
                      "internal error: Unable to parse URI mock://[::1/x");
    g_assert_null(virConnectOpen("mock:///fail"));
    assert_last_error(VIR_ERR_OPEN_FAILED, VIR_FROM_TEST,
                      "failed to open configuration file /fail");
    virSetErrorFunc(NULL, NULL);
}

static void
test_invalid_pointers(void)
{
    Seen seen = { 0 };
    virConnectPtr conn = open_mock();
    Seen conn_seen = { 0 };
    char garbage[256] = { 0 };

    virSetErrorFunc(&seen, record_handler);
    /* an invalid object has no connection: the global handler gets it */
    virConnSetErrorFunc(conn, &conn_seen, record_handler);
    g_assert_null(virConnectGetType(NULL));
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectGetType");
    g_assert_cmpint(virConnectClose((virConnectPtr)garbage), ==, -1);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectClose");
    g_assert_null(virDomainGetName(NULL));
    assert_last_error(VIR_ERR_INVALID_DOMAIN, VIR_FROM_DOM,
                      "invalid domain pointer in virDomainGetName");
    g_assert_cmpuint(virDomainGetID(NULL), ==, (unsigned int)-1);
    g_assert_cmpint(virDomainFree((virDomainPtr)garbage), ==, -1);
    g_assert_null(virNetworkGetName(NULL));
    assert_last_error(VIR_ERR_INVALID_NETWORK, VIR_FROM_NETWORK,
                      "invalid network pointer in virNetworkGetName");
    g_assert_cmpint(virNetworkFree(NULL), ==, -1);
    g_assert_cmpint(virConnectNumOfDomains(NULL), ==, -1);
    g_assert_cmpint(seen.calls, ==, 8);
    g_assert_cmpint(conn_seen.calls, ==, 0);
    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
    seen_clear(&seen);
}

static void
test_argument_errors(void)
{
    virConnectPtr conn = open_mock();
    virError copy;
    virErrorPtr conn_err;

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_null(virDomainDefineXML(conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                      "invalid argument: xml in virDomainDefineXML must not be NULL");
    /* the connection keeps a copy */
    conn_err = virConnGetLastError(conn);
    g_assert_cmpint(conn_err->code, ==, VIR_ERR_INVALID_ARG);
    g_assert_cmpint(virConnCopyLastError(conn, &copy), ==, VIR_ERR_INVALID_ARG);
    g_assert_cmpstr(copy.message, ==,
                    "invalid argument: xml in virDomainDefineXML must not be NULL");
    g_assert_true(copy.message != conn_err->message);
    virResetError(&copy);
    g_assert_null(copy.message);

    g_assert_null(virNetworkCreateXML(conn, NULL));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NETWORK,
                      "invalid argument: xmlDesc in virNetworkCreateXML must not be NULL");
    g_assert_null(virDomainLookupByID(conn, -2));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                      "invalid argument: id in virDomainLookupByID must be zero or greater");
    g_assert_null(virDomainLookupByUUIDString(conn, "not-a-uuid"));
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                      "invalid argument: uuidstr in virDomainLookupByUUIDString must be a "
                      "valid UUID");
    g_assert_cmpint(virConnectListDomains(conn, NULL, 4), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                      "invalid argument: ids in virConnectListDomains must not be NULL");
    g_assert_cmpint(virGetVersion(NULL, NULL, NULL), ==, -1);
    assert_last_error(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
                      "invalid argument: libVer in virGetVersion must not be NULL");

    /* reset: the connection's copy goes too */
    virConnResetLastError(conn);
    g_assert_cmpint(virConnCopyLastError(conn, &copy), ==, VIR_ERR_OK);
    g_assert_cmpint(virConnCopyLastError(NULL, &copy), ==, -1);
    g_assert_cmpint(virConnGetLastError(conn)->code, ==, VIR_ERR_OK);
    g_assert_null(virConnGetLastError(NULL));
    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
}

static void
test_driver_errors(void)
{
    virConnectPtr conn = open_mock();
    virConnectPtr ro = virConnectOpenReadOnly("mock:///default");
    virDomainPtr dom;

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_nonnull(ro);
    /* a driver's GError, prefixed as libvirt words its code */
    g_assert_null(virDomainLookupByName(conn, "nope"));
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_TEST,
                      "Domain not found: no domain with matching name 'nope'");
    /* a NULL member */
    g_assert_null(virConnectGetCapabilities(conn));
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_NONE,
                      "this function is not supported by the connection driver: "
                      "virConnectGetCapabilities");
    g_assert_cmpint(virDomainSuspend(NULL), ==, -1);
    /* an error formatted by the server is taken as it is */
    dom = virDomainLookupByName(conn, "ok");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_FAILED, VIR_FROM_QEMU, "already formatted by the server");
    g_assert_cmpint(virDomainReboot(dom, 0), ==, -1);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_DOMAIN,
                      "this function is not supported by the connection driver: "
                      "virDomainReboot");
    virDomainFree(dom);

    /* read-only connections refuse what changes state, before the driver */
    g_assert_null(virDomainDefineXML(ro, "<domain/>"));
    assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,
                      "operation forbidden: read only access prevents virDomainDefineXML");
    dom = virDomainLookupByName(ro, "ok");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainCreate(dom), ==, -1);
    assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,
                      "operation forbidden: read only access prevents virDomainCreate");
    g_assert_null(virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE));
    assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,
                      "operation forbidden: virDomainGetXMLDesc with secure flag");
    g_assert_null(virNetworkDefineXML(ro, "<network/>"));
    assert_last_error(VIR_ERR_OPERATION_DENIED, VIR_FROM_NETWORK,
                      "operation forbidden: read only access prevents virNetworkDefineXML");
    virDomainFree(dom);
    virConnectClose(ro);
    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
}

/* Runs @fn with stderr going to a file; returns what it printed. */
static char *
capture_stderr(void (*fn)(void *), void *data)
{
    g_autofree char *path = NULL;
    char *text = NULL;
    int fd = g_file_open_tmp("lib-error-test-XXXXXX", &path, NULL);
    int saved = dup(STDERR_FILENO);

    g_assert_cmpint(fd, >=, 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    fn(data);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    unlink(path);
    return text;
}

static void
lookup_nope(void *data)
{
    g_assert_null(virDomainLookupByName(data, "nope"));
}

static void
test_handler_order(void)
{
    virConnectPtr conn = open_mock();
    Seen global = { 0 }, per_conn = { 0 };
    g_autofree char *printed = NULL;
    g_autofree char *silent = NULL;

    /* connection handler first */
    virSetErrorFunc(&global, record_handler);
    virConnSetErrorFunc(conn, &per_conn, record_handler);
    g_assert_null(virDomainLookupByName(conn, "nope"));
    g_assert_cmpint(per_conn.calls, ==, 1);
    g_assert_cmpint(global.calls, ==, 0);
    g_assert_cmpint(per_conn.code, ==, VIR_ERR_NO_DOMAIN);

    /* then the global one */
    virConnSetErrorFunc(conn, NULL, NULL);
    g_assert_null(virDomainLookupByName(conn, "nope"));
    g_assert_cmpint(per_conn.calls, ==, 1);
    g_assert_cmpint(global.calls, ==, 1);
    g_assert_cmpint(global.domain, ==, VIR_FROM_TEST);

    /* then virDefaultErrorFunc, on stderr */
    virSetErrorFunc(NULL, NULL);
    printed = capture_stderr(lookup_nope, conn);
    g_assert_cmpstr(printed, ==,
                    "libvirt: Test Driver error : Domain not found: no domain with matching "
                    "name 'nope'\n");
    virSetErrorFunc(NULL, ignore_handler);
    silent = capture_stderr(lookup_nope, conn);
    g_assert_cmpstr(silent, ==, "");

    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
    seen_clear(&global);
    seen_clear(&per_conn);
}

static void
test_copy_semantics(void)
{
    virConnectPtr conn = open_mock();
    virErrorPtr saved;
    virError copy;

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_null(virDomainLookupByName(conn, "nope"));
    g_assert_cmpint(virCopyLastError(&copy), ==, VIR_ERR_NO_DOMAIN);
    saved = virSaveLastError();
    g_assert_cmpint(saved->code, ==, VIR_ERR_NO_DOMAIN);
    g_assert_cmpint(saved->domain, ==, VIR_FROM_TEST);
    g_assert_cmpint(saved->level, ==, VIR_ERR_ERROR);
    g_assert_cmpstr(saved->message, ==, copy.message);
    g_assert_true(saved->message != virGetLastError()->message);
    g_assert_null(saved->conn);
    g_assert_null(saved->dom);

    /* the copies are independent of the thread's error */
    virResetLastError();
    g_assert_null(virGetLastError());
    g_assert_cmpstr(copy.message, ==, "Domain not found: no domain with matching name 'nope'");
    g_assert_cmpstr(saved->message, ==, copy.message);
    /* the connection keeps its copy until reset or the next error */
    g_assert_cmpint(virConnGetLastError(conn)->code, ==, VIR_ERR_NO_DOMAIN);
    virResetError(&copy);
    virFreeError(saved);
    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
}

static gpointer
other_thread(gpointer data)
{
    virConnectPtr conn = data;
    int code;

    /* the main thread's error is not ours */
    g_assert_null(virGetLastError());
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "no error");
    g_assert_null(virDomainLookupByName(conn, "from-thread"));
    code = virGetLastErrorCode();
    g_assert_cmpstr(virGetLastErrorMessage(), ==,
                    "Domain not found: no domain with matching name 'from-thread'");
    return GINT_TO_POINTER(code);
}

static void
test_thread_errors(void)
{
    virConnectPtr conn = open_mock();
    GThread *thread;

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_null(virConnectGetType(NULL));
    thread = g_thread_new("other", other_thread, conn);
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(thread)), ==, VIR_ERR_NO_DOMAIN);
    assert_last_error(VIR_ERR_INVALID_CONN, VIR_FROM_NONE,
                      "invalid connection pointer in virConnectGetType");
    virConnectClose(conn);
    virSetErrorFunc(NULL, NULL);
}

#define HAMMER_THREADS 8
#define HAMMER_ROUNDS 200

static gpointer
hammer(gpointer data)
{
    virConnectPtr conn = data;
    g_autofree char *name = g_strdup_printf("t%p", (void *)g_thread_self());
    g_autofree char *expected =
        g_strdup_printf("Domain not found: no domain with matching name '%s'", name);

    for (int i = 0; i < HAMMER_ROUNDS; i++) {
        virDomainPtr dom = virDomainLookupByName(conn, "ok");

        if (!dom || virConnectRef(conn) < 0 || virDomainGetConnect(dom) != conn)
            return GINT_TO_POINTER(1);
        virDomainFree(dom);
        virConnectClose(conn);
        if (virDomainLookupByName(conn, name) || strcmp(virGetLastErrorMessage(), expected) != 0)
            return GINT_TO_POINTER(1);
    }
    return GINT_TO_POINTER(0);
}

static void
test_threads_one_connection(void)
{
    virConnectPtr conn = open_mock();
    GThread *threads[HAMMER_THREADS];

    virSetErrorFunc(NULL, ignore_handler);
    for (int i = 0; i < HAMMER_THREADS; i++)
        threads[i] = g_thread_new("hammer", hammer, conn);
    for (int i = 0; i < HAMMER_THREADS; i++)
        g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(threads[i])), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    virSetErrorFunc(NULL, NULL);
}

static void
test_handles(void)
{
    virConnectPtr conn;
    virDomainPtr dom;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *uri = NULL;
    unsigned long lib = 0, type = 0;

    memset(&mock_state, 0, sizeof(mock_state));
    conn = virConnectOpen("mock:///default?x=1");
    g_assert_nonnull(conn);
    g_assert_cmpint(mock_state.opens, ==, 1);
    uri = virConnectGetURI(conn);
    g_assert_cmpstr(uri, ==, "mock:///default?x=1");
    g_assert_cmpstr(virConnectGetType(conn), ==, "mock");
    g_assert_cmpint(virConnectGetLibVersion(conn, &lib), ==, 0);
    g_assert_cmpuint(lib, ==, 9000000);
    lib = 0;
    g_assert_cmpint(virGetVersion(&lib, "Test", &type), ==, 0);
    g_assert_cmpuint(lib, ==, 9000000);
    g_assert_cmpuint(type, ==, 9000000);

    /* handles hold their connection */
    dom = virDomainLookupByName(conn, "ok");
    g_assert_nonnull(dom);
    g_assert_cmpstr(virDomainGetName(dom), ==, "ok");
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    g_assert_cmpint(virDomainGetUUID(dom, uuid), ==, 0);
    g_assert_cmpint(uuid[15], ==, 16);
    g_assert_cmpint(virDomainGetUUIDString(dom, uuidstr), ==, 0);
    g_assert_cmpstr(uuidstr, ==, "01020304-0506-0708-090a-0b0c0d0e0f10");
    g_assert_true(virDomainGetConnect(dom) == conn);
    g_assert_cmpint(virConnectRef(conn), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 2);
    g_assert_cmpint(virConnectClose(conn), ==, 1);
    g_assert_cmpint(mock_state.closes, ==, 0);
    g_assert_cmpint(virDomainRef(dom), ==, 0);
    g_assert_cmpint(virDomainFree(dom), ==, 0);
    g_assert_cmpint(mock_state.closes, ==, 0);
    g_assert_cmpint(virDomainFree(dom), ==, 0);
    g_assert_cmpint(mock_state.closes, ==, 1);
}

static int close_cb_calls;

static void
close_cb(virConnectPtr conn, int reason, void *opaque)
{
    close_cb_calls++;
}

static void
count_free(void *opaque)
{
    (*(int *)opaque)++;
}

static void
test_close_callback(void)
{
    virConnectPtr conn = open_mock();
    int freed = 0;

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, close_cb, &freed, count_free), ==, 0);
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, close_cb, &freed, count_free), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_OPERATION_INVALID);
    g_assert_cmpint(virConnectUnregisterCloseCallback(conn, close_cb), ==, 0);
    g_assert_cmpint(freed, ==, 1);
    g_assert_cmpint(virConnectUnregisterCloseCallback(conn, close_cb), ==, -1);
    /* still registered at close: freed with the connection */
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, close_cb, &freed, count_free), ==, 0);
    virConnectClose(conn);
    g_assert_cmpint(freed, ==, 2);
    g_assert_cmpint(close_cb_calls, ==, 0);
    virSetErrorFunc(NULL, NULL);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_unsetenv("LIBVIRT_DEFAULT_URI");
    g_test_add_func("/lib/error/no-error", test_no_error);
    g_test_add_func("/lib/error/no-connect", test_no_connect);
    g_test_add_func("/lib/error/default-uri", test_default_uri);
    g_test_add_func("/lib/error/open-failures", test_open_failures);
    g_test_add_func("/lib/error/invalid-pointers", test_invalid_pointers);
    g_test_add_func("/lib/error/argument-errors", test_argument_errors);
    g_test_add_func("/lib/error/driver-errors", test_driver_errors);
    g_test_add_func("/lib/error/handler-order", test_handler_order);
    g_test_add_func("/lib/error/copy-semantics", test_copy_semantics);
    g_test_add_func("/lib/error/threads", test_thread_errors);
    g_test_add_func("/lib/error/threads-one-connection", test_threads_one_connection);
    g_test_add_func("/lib/error/handles", test_handles);
    g_test_add_func("/lib/error/close-callback", test_close_callback);
    return g_test_run();
}
