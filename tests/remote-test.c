/*
 * remote-test.c: the remote driver (drivers/remote) through the public API
 * against a fake server inside the test
 *
 * Each case starts a thread listening on a UNIX socket in a temporary
 * directory; it accepts one connection and plays a script written with
 * rpc/ (decode the client's CALLs, assert what they carry, answer), so
 * every byte the client sees is under the test's control. The client side
 * uses nothing but libvirt.h: virConnectOpen("qemu+unix:///system?socket=...").
 *
 * Assertions inside the server thread abort the whole test program, which
 * the TAP driver reports as a failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "rpc/message.h"
#include "rpc/procedures.h"

/* VIR_DOMAIN_EVENT_CALLBACK() casts between function types by design. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

/* ---- the fake server ------------------------------------------------- */

typedef struct Fake Fake;
typedef void (*FakeScript)(Fake *f, int fd);

struct Fake {
    char *dir;
    char *path;
    char *uri;
    int listen_fd;
    GThread *thread;
    FakeScript script;
    /* what the script saw, read by the test after fake_finish() */
    GString *log;     /* "proc/serial " per CALL read by fake_expect() */
    char *open_name;  /* CONNECT_OPEN's name */
    guint open_flags; /* CONNECT_OPEN's flags */
    int keepalive;    /* the answer to feature 10 */
    int pings;        /* PINGs received */
    bool saw_eof;     /* the client hung up */
    gint go;          /* set by the test when a script may go on */
};

static gboolean
read_full(int fd, void *buf, gsize len)
{
    guint8 *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        p += n;
        len -= n;
    }
    return TRUE;
}

static void
write_full(int fd, const void *buf, gsize len)
{
    const guint8 *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the client went away: the test will notice */
        p += n;
        len -= n;
    }
}

/* Reads one frame; FALSE at EOF. */
static gboolean
fake_read(int fd, RpcHeader *ret_header, GBytes **ret_body)
{
    guint8 word[RPC_LEN_WORD_SIZE];
    guint32 length;
    guint8 *body;

    if (!read_full(fd, word, sizeof(word)))
        return FALSE;
    g_assert_true(rpc_frame_length_decode(word, &length, NULL));
    body = g_malloc(length - RPC_LEN_WORD_SIZE);
    g_assert_true(read_full(fd, body, length - RPC_LEN_WORD_SIZE));
    *ret_body = g_bytes_new_take(body, length - RPC_LEN_WORD_SIZE);
    g_assert_true(rpc_header_decode(body, length - RPC_LEN_WORD_SIZE, ret_header, NULL));
    return TRUE;
}

static void
fake_send(int fd, GBytes *frame)
{
    gsize len;
    const void *data = g_bytes_get_data(frame, &len);

    write_full(fd, data, len);
    g_bytes_unref(frame);
}

/* Reads the next frame, which must be a CALL of @procedure; decodes its
 * arguments into @args (the procedure's args struct, or NULL). PINGs in
 * between are counted and not answered. */
static void
fake_expect(Fake *f, int fd, int procedure, RpcHeader *ret_header, void *args)
{
    const RpcProcedure *proc = rpc_remote_procedure(procedure);
    g_autoptr(GBytes) body = NULL;
    gsize len;
    const guint8 *data;

    for (;;) {
        g_assert_true(fake_read(fd, ret_header, &body));
        if (ret_header->prog != RPC_KEEPALIVE_PROGRAM)
            break;
        f->pings++;
        g_clear_pointer(&body, g_bytes_unref);
    }
    g_assert_cmpuint(ret_header->prog, ==, RPC_REMOTE_PROGRAM);
    g_assert_cmpuint(ret_header->vers, ==, RPC_REMOTE_VERSION);
    g_assert_cmpint(ret_header->type, ==, RPC_TYPE_CALL);
    g_assert_cmpint(ret_header->status, ==, RPC_STATUS_OK);
    g_assert_cmpint(ret_header->procedure, ==, procedure);
    g_string_append_printf(f->log, "%d/%u ", procedure, ret_header->serial);
    data = g_bytes_get_data(body, &len);
    if (args)
        g_assert_true(rpc_payload_decode(data, len, proc->args_proc, args, proc->args_size, NULL));
}

static void
fake_args_free(int procedure, void *args)
{
    rpc_payload_free(rpc_remote_procedure(procedure)->args_proc, args);
}

/* Answers @call with @ret (the procedure's ret struct, NULL for void). */
static void
fake_reply(int fd, const RpcHeader *call, void *ret)
{
    const RpcProcedure *proc = rpc_remote_procedure(call->procedure);
    RpcHeader header;

    rpc_header_init_reply(&header, call, RPC_STATUS_OK);
    fake_send(fd, rpc_message_encode(&header, proc->ret_proc, ret, NULL));
}

static void
fake_error(int fd, const RpcHeader *call, int code, int domain, const char *message)
{
    fake_send(fd, rpc_message_encode_error(call, code, domain, message, NULL));
}

static void
fake_message(int fd, int procedure, void *msg)
{
    const RpcProcedure *proc = rpc_remote_procedure(procedure);
    RpcHeader header;

    rpc_header_init(&header, procedure, RPC_TYPE_MESSAGE, RPC_EVENT_SERIAL, RPC_STATUS_OK);
    fake_send(fd, rpc_message_encode(&header, proc->args_proc, msg, NULL));
}

static void
fake_keepalive(int fd, int procedure)
{
    RpcHeader header = {
        .prog = RPC_KEEPALIVE_PROGRAM,
        .vers = RPC_KEEPALIVE_VERSION,
        .procedure = procedure,
        .type = RPC_TYPE_MESSAGE,
        .serial = 0,
        .status = RPC_STATUS_OK,
    };

    fake_send(fd, rpc_message_encode(&header, NULL, NULL, NULL));
}

/* The four calls every open makes, in libvirt 9.0's order. */
static void
fake_handshake(Fake *f, int fd)
{
    RpcHeader h;
    RpcAuthType none = RPC_AUTH_NONE;
    RpcAuthListRet auth = { .types = { 1, &none } };
    RpcConnectSupportsFeatureArgs feature;
    RpcConnectSupportsFeatureRet supported;
    RpcConnectOpenArgs open_args;

    fake_expect(f, fd, RPC_PROC_AUTH_LIST, &h, NULL);
    fake_reply(fd, &h, &auth);
    fake_expect(f, fd, RPC_PROC_CONNECT_SUPPORTS_FEATURE, &h, &feature);
    g_assert_cmpint(feature.feature, ==, 10);
    supported.supported = f->keepalive;
    fake_reply(fd, &h, &supported);
    fake_expect(f, fd, RPC_PROC_CONNECT_OPEN, &h, &open_args);
    g_assert_nonnull(open_args.name);
    f->open_name = g_strdup(*open_args.name);
    f->open_flags = open_args.flags;
    fake_args_free(RPC_PROC_CONNECT_OPEN, &open_args);
    fake_reply(fd, &h, NULL);
    fake_expect(f, fd, RPC_PROC_CONNECT_SUPPORTS_FEATURE, &h, &feature);
    g_assert_cmpint(feature.feature, ==, 14);
    supported.supported = 1;
    fake_reply(fd, &h, &supported);
}

/* The client's CONNECT_CLOSE, then our end of the socket. */
static void
fake_expect_close(Fake *f, int fd)
{
    RpcHeader h;

    fake_expect(f, fd, RPC_PROC_CONNECT_CLOSE, &h, NULL);
    fake_reply(fd, &h, NULL);
}

/* Waits until the client hangs up, ignoring whatever it still sends. */
static void
fake_wait_eof(Fake *f, int fd)
{
    RpcHeader h;
    GBytes *body;

    while (fake_read(fd, &h, &body)) {
        if (h.prog == RPC_KEEPALIVE_PROGRAM)
            f->pings++;
        g_bytes_unref(body);
    }
    f->saw_eof = true;
}

static gpointer
fake_main(gpointer data)
{
    Fake *f = data;
    int fd = accept(f->listen_fd, NULL, NULL);

    g_assert_cmpint(fd, >=, 0);
    f->script(f, fd);
    close(fd);
    return NULL;
}

/* Listens on DIR/@sock_name (DIR a new temporary directory) and plays
 * @script with the first client. */
static Fake *
fake_start_named(FakeScript script, const char *sock_name)
{
    Fake *f = g_new0(Fake, 1);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    f->dir = g_dir_make_tmp("remote-test-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, sock_name, NULL);
    f->uri = g_strdup_printf("qemu+unix:///system?socket=%s", f->path);
    f->log = g_string_new(NULL);
    f->keepalive = 1;
    f->script = script;
    g_assert_cmpuint(strlen(f->path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, f->path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(f->listen_fd, >=, 0);
    g_assert_cmpint(bind(f->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(f->listen_fd, 4), ==, 0);
    f->thread = g_thread_new("fake-server", fake_main, f);
    return f;
}

static Fake *
fake_start(FakeScript script)
{
    return fake_start_named(script, "sock");
}

/* Waits for the script to end (the results in @f are then complete). */
static void
fake_join(Fake *f)
{
    if (f->thread)
        g_thread_join(g_steal_pointer(&f->thread));
}

/* fake_join(), then cleans up. */
static void
fake_finish(Fake *f)
{
    fake_join(f);
    close(f->listen_fd);
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
    g_free(f->uri);
    g_string_free(f->log, TRUE);
    g_free(f->open_name);
    g_free(f);
}

static void
fill_uuid(unsigned char *uuid, guint8 seed)
{
    for (int i = 0; i < VIR_UUID_BUFLEN; i++)
        uuid[i] = seed + i;
}

static void
assert_last_error(int code, int domain, const char *message)
{
    virErrorPtr err = virGetLastError();

    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, code);
    if (domain >= 0)
        g_assert_cmpint(err->domain, ==, domain);
    if (message)
        g_assert_cmpstr(err->message, ==, message);
}

/* ---- handshake ------------------------------------------------------- */

static void
script_hostname(Fake *f, int fd)
{
    RpcHeader h;
    RpcConnectGetHostnameRet ret = { .hostname = (char *)"fakehost" };

    fake_handshake(f, fd);
    fake_expect(f, fd, RPC_PROC_CONNECT_GET_HOSTNAME, &h, NULL);
    fake_reply(fd, &h, &ret);
    fake_expect_close(f, fd);
}

static void
test_handshake(void)
{
    Fake *f = fake_start(script_hostname);
    virConnectPtr conn = virConnectOpen(f->uri);
    g_autofree char *hostname = NULL;

    g_assert_nonnull(conn);
    hostname = virConnectGetHostname(conn);
    g_assert_cmpstr(hostname, ==, "fakehost");
    g_assert_cmpint(virConnectIsAlive(conn), ==, 1);
    g_assert_cmpint(virConnectIsSecure(conn), ==, 1);
    g_assert_cmpint(virConnectIsEncrypted(conn), ==, 0);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    fake_finish(f);
}

static void
test_handshake_order(void)
{
    Fake *f = fake_start(script_hostname);
    virConnectPtr conn = virConnectOpen(f->uri);
    g_autofree char *hostname = NULL;

    g_assert_nonnull(conn);
    hostname = virConnectGetHostname(conn);
    virConnectClose(conn);
    fake_join(f);
    /* AUTH_LIST, feature 10, OPEN, feature 14, then the calls: serials
     * count from 0 */
    g_assert_cmpstr(f->log->str, ==, "66/0 60/1 1/2 60/3 59/4 2/5 ");
    g_assert_cmpstr(f->open_name, ==, "qemu:///system");
    g_assert_cmpuint(f->open_flags, ==, 0);
    fake_finish(f);
}

static void
test_handshake_extra_param(void)
{
    Fake *f = fake_start(script_hostname);
    g_autofree char *uri = g_strdup_printf("%s&foo=bar", f->uri);
    virConnectPtr conn = virConnectOpen(uri);
    g_autofree char *hostname = NULL;

    g_assert_nonnull(conn);
    hostname = virConnectGetHostname(conn);
    virConnectClose(conn);
    fake_join(f);
    g_assert_cmpstr(f->open_name, ==, "qemu:///system?foo=bar");
    fake_finish(f);
}

/* qemu:///system read-only goes to $VIRTNODE_SOCKET_DIR/virtnode-sock-ro
 * and says so in CONNECT_OPEN's flags. */
static void
test_readonly_default_socket(void)
{
    Fake *f = fake_start_named(script_hostname, "virtnode-sock-ro");
    virConnectPtr conn;
    g_autofree char *hostname = NULL;

    setenv("VIRTNODE_SOCKET_DIR", f->dir, 1);
    conn = virConnectOpenReadOnly("qemu:///system");
    unsetenv("VIRTNODE_SOCKET_DIR");
    g_assert_nonnull(conn);
    hostname = virConnectGetHostname(conn);
    g_assert_cmpstr(hostname, ==, "fakehost");
    virConnectClose(conn);
    fake_join(f);
    g_assert_cmpuint(f->open_flags, ==, VIR_CONNECT_RO);
    g_assert_cmpstr(f->open_name, ==, "qemu:///system");
    fake_finish(f);
}

static void
test_connect_refused(void)
{
    g_autofree char *dir = g_dir_make_tmp("remote-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "nosock", NULL);
    g_autofree char *uri = g_strdup_printf("qemu+unix:///system?socket=%s", path);
    g_autofree char *expected =
        g_strdup_printf("Failed to connect socket to '%s': No such file or directory", path);
    g_autofree char *rw_expected = NULL;
    g_autofree char *rw_path = g_build_filename(dir, "virtnode-sock", NULL);

    g_assert_null(virConnectOpen(uri));
    assert_last_error(VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, expected);

    /* the default read-write socket under VIRTNODE_SOCKET_DIR */
    setenv("VIRTNODE_SOCKET_DIR", dir, 1);
    g_assert_null(virConnectOpen("qemu:///system"));
    unsetenv("VIRTNODE_SOCKET_DIR");
    rw_expected =
        g_strdup_printf("Failed to connect socket to '%s': No such file or directory", rw_path);
    assert_last_error(VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, rw_expected);
    g_rmdir(dir);
}

static void
test_uri_choice(void)
{
    virConnectPtr conn;

    /* other transports are refused, not tried */
    g_assert_null(virConnectOpen("qemu+ssh://somehost/system"));
    assert_last_error(VIR_ERR_INVALID_ARG, -1, NULL);
    g_assert_nonnull(strstr(virGetLastError()->message, "transport in URL not recognised"));
    g_assert_null(virConnectOpen("qemu+unix://somehost/system"));
    assert_last_error(VIR_ERR_INVALID_ARG, -1, NULL);
    /* the test driver keeps its URIs */
    conn = virConnectOpen("test:///default");
    g_assert_nonnull(conn);
    g_assert_cmpstr(virConnectGetType(conn), ==, "TEST");
    virConnectClose(conn);
    /* nobody's URI */
    g_assert_null(virConnectOpen("nosuch:///system"));
    assert_last_error(VIR_ERR_NO_CONNECT, -1, NULL);
}

/* ---- replies matched by serial --------------------------------------- */

static void
script_out_of_order(Fake *f, int fd)
{
    RpcHeader h[2];
    RpcDomainLookupByNameArgs args[2];

    fake_handshake(f, fd);
    /* both calls are in flight before either is answered */
    for (int i = 0; i < 2; i++)
        fake_expect(f, fd, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &h[i], &args[i]);
    for (int i = 1; i >= 0; i--) {
        RpcDomainLookupByNameRet ret;
        unsigned char uuid[VIR_UUID_BUFLEN];

        fill_uuid(uuid, args[i].name[0]);
        /* the id says which name it was for */
        rpc_domain_init(&ret.dom, args[i].name, uuid, strcmp(args[i].name, "alpha") ? 20 : 10);
        fake_reply(fd, &h[i], &ret);
        fake_args_free(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &args[i]);
    }
    fake_expect_close(f, fd);
}

typedef struct {
    virConnectPtr conn;
    const char *name;
    int id;
    bool ok;
} LookupJob;

static gpointer
lookup_thread(gpointer data)
{
    LookupJob *job = data;
    virDomainPtr dom = virDomainLookupByName(job->conn, job->name);

    if (dom) {
        job->ok = strcmp(virDomainGetName(dom), job->name) == 0;
        job->id = (int)virDomainGetID(dom);
        virDomainFree(dom);
    }
    return NULL;
}

static void
test_concurrent_calls(void)
{
    Fake *f = fake_start(script_out_of_order);
    virConnectPtr conn = virConnectOpen(f->uri);
    LookupJob jobs[2] = { { conn, "alpha", 0, false }, { conn, "beta", 0, false } };
    GThread *threads[2];

    g_assert_nonnull(conn);
    for (int i = 0; i < 2; i++)
        threads[i] = g_thread_new("lookup", lookup_thread, &jobs[i]);
    for (int i = 0; i < 2; i++)
        g_thread_join(threads[i]);
    g_assert_true(jobs[0].ok);
    g_assert_true(jobs[1].ok);
    g_assert_cmpint(jobs[0].id, ==, 10);
    g_assert_cmpint(jobs[1].id, ==, 20);
    virConnectClose(conn);
    fake_finish(f);
}

/* ---- errors ---------------------------------------------------------- */

static void
script_errors(Fake *f, int fd)
{
    RpcHeader h;
    RpcDomainLookupByNameArgs args;
    RpcConnectListAllDomainsArgs list;

    fake_handshake(f, fd);
    fake_expect(f, fd, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &h, &args);
    fake_args_free(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &args);
    fake_error(fd, &h, VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU,
               "Domain not found: no domain with matching name 'ghost'");
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &h, &list);
    g_assert_cmpint(list.need_results, ==, 1);
    g_assert_cmpuint(list.flags, ==, 3);
    fake_error(fd, &h, VIR_ERR_RPC, VIR_FROM_RPC, "unknown procedure: 273");
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &h, &list);
    fake_error(fd, &h, VIR_ERR_RPC, VIR_FROM_REMOTE, "unknown procedure");
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &h, &list);
    fake_error(fd, &h, VIR_ERR_RPC, VIR_FROM_RPC, "rpc failure");
    fake_expect(f, fd, RPC_PROC_CONNECT_NUM_OF_DOMAINS, &h, NULL);
    fake_error(fd, &h, VIR_ERR_NO_SUPPORT, VIR_FROM_REMOTE, NULL);
    fake_expect_close(f, fd);
}

static void
test_errors(void)
{
    Fake *f = fake_start(script_errors);
    virConnectPtr conn = virConnectOpen(f->uri);
    virDomainPtr *doms = NULL;

    g_assert_nonnull(conn);
    g_assert_null(virDomainLookupByName(conn, "ghost"));
    /* the server's text, not prefixed a second time */
    assert_last_error(VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU,
                      "Domain not found: no domain with matching name 'ghost'");
    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 3), ==, -1);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_RPC, "unknown procedure: 273");
    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 3), ==, -1);
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_REMOTE, "unknown procedure");
    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 3), ==, -1);
    assert_last_error(VIR_ERR_RPC, VIR_FROM_RPC, "rpc failure");
    g_assert_null(doms);
    g_assert_cmpint(virConnectNumOfDomains(conn), ==, -1);
    /* no message: the generic text for the code */
    assert_last_error(VIR_ERR_NO_SUPPORT, VIR_FROM_REMOTE,
                      "this function is not supported by the connection driver");
    virConnectClose(conn);
    fake_finish(f);
}

/* ---- keepalive ------------------------------------------------------- */

static void
script_ping(Fake *f, int fd)
{
    RpcHeader h;
    RpcHeader call = { 0 };
    bool pong = false;
    g_autoptr(GBytes) body = NULL;
    RpcConnectGetHostnameRet ret = { .hostname = (char *)"pinged" };

    fake_handshake(f, fd);
    fake_keepalive(fd, RPC_KEEPALIVE_PROC_PING);
    /* the PONG and the test's next call race each other */
    while (!pong || call.procedure == 0) {
        g_clear_pointer(&body, g_bytes_unref);
        g_assert_true(fake_read(fd, &h, &body));
        if (h.prog == RPC_REMOTE_PROGRAM) {
            g_assert_cmpint(h.procedure, ==, RPC_PROC_CONNECT_GET_HOSTNAME);
            call = h;
            continue;
        }
        g_assert_cmpuint(h.prog, ==, RPC_KEEPALIVE_PROGRAM);
        g_assert_cmpuint(h.vers, ==, RPC_KEEPALIVE_VERSION);
        g_assert_cmpint(h.procedure, ==, RPC_KEEPALIVE_PROC_PONG);
        g_assert_cmpint(h.type, ==, RPC_TYPE_MESSAGE);
        g_assert_cmpuint(g_bytes_get_size(body), ==, RPC_HEADER_SIZE);
        pong = true;
    }
    /* a PING in the middle of a pending call */
    fake_keepalive(fd, RPC_KEEPALIVE_PROC_PING);
    fake_reply(fd, &call, &ret);
    g_clear_pointer(&body, g_bytes_unref);
    g_assert_true(fake_read(fd, &h, &body));
    g_assert_cmpuint(h.prog, ==, RPC_KEEPALIVE_PROGRAM);
    g_assert_cmpint(h.procedure, ==, RPC_KEEPALIVE_PROC_PONG);
    fake_expect_close(f, fd);
}

static void
test_ping_pong(void)
{
    Fake *f = fake_start(script_ping);
    virConnectPtr conn = virConnectOpen(f->uri);
    g_autofree char *hostname = NULL;

    g_assert_nonnull(conn);
    /* no event loop runs: the reader thread answers by itself */
    hostname = virConnectGetHostname(conn);
    g_assert_cmpstr(hostname, ==, "pinged");
    virConnectClose(conn);
    fake_finish(f);
}

static gint close_reason = -1;
static gint close_calls;

static void
record_close(virConnectPtr conn, int reason, void *opaque)
{
    g_atomic_int_set(&close_reason, reason);
    g_atomic_int_inc(&close_calls);
}

/* The close callback runs on the reader thread, just after the calls
 * waiting there failed: wait for it. */
static void
wait_close_callback(void)
{
    for (int i = 0; i < 1000 && g_atomic_int_get(&close_calls) == 0; i++)
        g_usleep(10 * 1000);
    g_assert_cmpint(g_atomic_int_get(&close_calls), ==, 1);
}

static void
wait_dead(virConnectPtr conn)
{
    for (int i = 0; i < 1000 && virConnectIsAlive(conn) == 1; i++)
        g_usleep(10 * 1000);
    g_assert_cmpint(virConnectIsAlive(conn), ==, 0);
}

/* A server that never answers PINGs: after 2 of them, 1 s apart, the
 * client gives up. */
static void
script_silent(Fake *f, int fd)
{
    fake_handshake(f, fd);
    fake_wait_eof(f, fd);
}

static void
test_keepalive_timeout(void)
{
    Fake *f = fake_start(script_silent);
    virConnectPtr conn = virConnectOpen(f->uri);
    gint64 start = g_get_monotonic_time();
    gint64 elapsed;

    g_assert_nonnull(conn);
    g_atomic_int_set(&close_reason, -1);
    g_atomic_int_set(&close_calls, 0);
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, record_close, NULL, NULL), ==, 0);
    g_assert_cmpint(virConnectSetKeepAlive(conn, 1, 2), ==, 0);
    wait_dead(conn);
    elapsed = g_get_monotonic_time() - start;
    wait_close_callback();
    /* two PINGs at 1 s and 2 s, given up at 3 s */
    g_assert_cmpint(elapsed, >=, 2500 * 1000);
    g_assert_cmpint(elapsed, <, 6 * G_USEC_PER_SEC);
    g_assert_cmpint(g_atomic_int_get(&close_reason), ==, VIR_CONNECT_CLOSE_REASON_KEEPALIVE);
    g_assert_cmpint(g_atomic_int_get(&close_calls), ==, 1);
    g_assert_null(virConnectGetHostname(conn));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                      "internal error: client socket is closed");
    virConnectClose(conn);
    fake_finish(f);
}

static void
script_keepalive_answered(Fake *f, int fd)
{
    RpcHeader h;
    GBytes *body;
    RpcConnectGetHostnameRet ret = { .hostname = (char *)"alive" };

    fake_handshake(f, fd);
    /* answer three PINGs, then serve a call */
    while (f->pings < 3) {
        g_assert_true(fake_read(fd, &h, &body));
        g_bytes_unref(body);
        g_assert_cmpuint(h.prog, ==, RPC_KEEPALIVE_PROGRAM);
        g_assert_cmpint(h.procedure, ==, RPC_KEEPALIVE_PROC_PING);
        f->pings++;
        fake_keepalive(fd, RPC_KEEPALIVE_PROC_PONG);
    }
    fake_expect(f, fd, RPC_PROC_CONNECT_GET_HOSTNAME, &h, NULL);
    fake_reply(fd, &h, &ret);
    fake_expect(f, fd, RPC_PROC_CONNECT_CLOSE, &h, NULL);
    fake_reply(fd, &h, NULL);
}

static void
test_keepalive_answered(void)
{
    Fake *f = fake_start(script_keepalive_answered);
    virConnectPtr conn = virConnectOpen(f->uri);
    g_autofree char *hostname = NULL;

    g_assert_nonnull(conn);
    /* count 1: one unanswered PING would end the connection */
    g_assert_cmpint(virConnectSetKeepAlive(conn, 1, 1), ==, 0);
    g_usleep(3500 * 1000);
    g_assert_cmpint(virConnectIsAlive(conn), ==, 1);
    hostname = virConnectGetHostname(conn);
    g_assert_cmpstr(hostname, ==, "alive");
    virConnectClose(conn);
    fake_finish(f);
}

/* ---- broken connections ---------------------------------------------- */

static void
script_eof_mid_call(Fake *f, int fd)
{
    RpcHeader h;

    fake_handshake(f, fd);
    fake_expect(f, fd, RPC_PROC_CONNECT_GET_CAPABILITIES, &h, NULL);
    /* hang up instead of answering */
}

static void
test_eof_mid_call(void)
{
    Fake *f = fake_start(script_eof_mid_call);
    virConnectPtr conn = virConnectOpen(f->uri);

    g_assert_nonnull(conn);
    g_atomic_int_set(&close_reason, -1);
    g_atomic_int_set(&close_calls, 0);
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, record_close, NULL, NULL), ==, 0);
    g_assert_null(virConnectGetCapabilities(conn));
    assert_last_error(VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC,
                      "End of file while reading data: Input/output error");
    wait_dead(conn);
    wait_close_callback();
    g_assert_cmpint(g_atomic_int_get(&close_reason), ==, VIR_CONNECT_CLOSE_REASON_EOF);
    g_assert_cmpint(g_atomic_int_get(&close_calls), ==, 1);
    /* later calls fail at once */
    g_assert_null(virConnectGetHostname(conn));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, -1, "internal error: client socket is closed");
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    fake_finish(f);
}

static void
script_hang_up(Fake *f, int fd)
{
    fake_handshake(f, fd);
    /* not before the test has its close callback in place */
    while (!g_atomic_int_get(&f->go))
        g_usleep(1000);
}

static void
close_in_callback(virConnectPtr conn, int reason, void *opaque)
{
    /* the application's last reference goes while the driver's reader
     * thread runs this callback */
    virConnectClose(conn);
    g_atomic_int_set(&close_reason, reason);
    g_atomic_int_inc(&close_calls);
}

static void
test_close_in_callback(void)
{
    Fake *f = fake_start(script_hang_up);
    virConnectPtr conn = virConnectOpen(f->uri);

    g_assert_nonnull(conn);
    g_atomic_int_set(&close_reason, -1);
    g_atomic_int_set(&close_calls, 0);
    g_assert_cmpint(virConnectRegisterCloseCallback(conn, close_in_callback, NULL, NULL), ==, 0);
    /* conn now belongs to the callback */
    g_atomic_int_set(&f->go, 1);
    fake_join(f);
    wait_close_callback();
    g_assert_cmpint(g_atomic_int_get(&close_reason), ==, VIR_CONNECT_CLOSE_REASON_EOF);
    fake_finish(f);
}

static void
script_bad_length(Fake *f, int fd)
{
    RpcHeader h;
    const guint8 bad[4] = { 0xff, 0xff, 0xff, 0xff };

    fake_handshake(f, fd);
    fake_expect(f, fd, RPC_PROC_CONNECT_GET_HOSTNAME, &h, NULL);
    write_full(fd, bad, sizeof(bad));
    /* the client must drop the connection by itself */
    fake_wait_eof(f, fd);
}

static void
test_bad_length(void)
{
    Fake *f = fake_start(script_bad_length);
    virConnectPtr conn = virConnectOpen(f->uri);

    g_assert_nonnull(conn);
    g_assert_null(virConnectGetHostname(conn));
    assert_last_error(VIR_ERR_RPC, VIR_FROM_RPC, NULL);
    wait_dead(conn);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    fake_join(f);
    g_assert_true(f->saw_eof);
    fake_finish(f);
}

static void
script_bad_auth(Fake *f, int fd)
{
    RpcHeader h;

    fake_expect(f, fd, RPC_PROC_AUTH_LIST, &h, NULL);
    fake_error(fd, &h, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC, "internal error: boom");
    fake_wait_eof(f, fd);
}

static void
test_open_fails(void)
{
    Fake *f = fake_start(script_bad_auth);

    g_assert_null(virConnectOpen(f->uri));
    assert_last_error(VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC, "internal error: boom");
    fake_finish(f);
}

/* ---- domains and networks -------------------------------------------- */

static void
script_lifecycle(Fake *f, int fd)
{
    RpcHeader h;
    unsigned char uuid[VIR_UUID_BUFLEN];
    RpcDomainLookupByNameArgs by_name;
    RpcDomainLookupByNameRet dom_ret;
    RpcDomainCreateArgs create;
    RpcDomainLookupByUuidArgs by_uuid;
    RpcDomainLookupByUuidRet uuid_ret;
    RpcDomainDestroyArgs destroy;
    RpcDomainCreateWithFlagsArgs create_flags;
    RpcDomainCreateWithFlagsRet create_flags_ret;
    RpcDomainGetInfoArgs info_args;
    RpcDomainGetInfoRet info = { 3, 2048, 1024, 2, 123456789 };
    RpcConnectListAllDomainsArgs list;
    RpcDomain doms[2];
    RpcConnectListAllDomainsRet list_ret = { { 2, doms }, 2 };

    fill_uuid(uuid, 0x40);
    fake_handshake(f, fd);

    fake_expect(f, fd, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &h, &by_name);
    g_assert_cmpstr(by_name.name, ==, "vm1");
    fake_args_free(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &by_name);
    rpc_domain_init(&dom_ret.dom, "vm1", uuid, -1);
    fake_reply(fd, &h, &dom_ret);

    /* plain start: DOMAIN_CREATE, then the id by UUID */
    fake_expect(f, fd, RPC_PROC_DOMAIN_CREATE, &h, &create);
    g_assert_cmpstr(create.dom.name, ==, "vm1");
    g_assert_cmpint(create.dom.id, ==, -1);
    g_assert_cmpmem(create.dom.uuid, VIR_UUID_BUFLEN, uuid, VIR_UUID_BUFLEN);
    fake_args_free(RPC_PROC_DOMAIN_CREATE, &create);
    fake_reply(fd, &h, NULL);
    fake_expect(f, fd, RPC_PROC_DOMAIN_LOOKUP_BY_UUID, &h, &by_uuid);
    g_assert_cmpmem(by_uuid.uuid, VIR_UUID_BUFLEN, uuid, VIR_UUID_BUFLEN);
    rpc_domain_init(&uuid_ret.dom, "vm1", uuid, 12);
    fake_reply(fd, &h, &uuid_ret);

    fake_expect(f, fd, RPC_PROC_DOMAIN_GET_INFO, &h, &info_args);
    g_assert_cmpint(info_args.dom.id, ==, 12);
    fake_args_free(RPC_PROC_DOMAIN_GET_INFO, &info_args);
    fake_reply(fd, &h, &info);

    fake_expect(f, fd, RPC_PROC_DOMAIN_DESTROY, &h, &destroy);
    fake_args_free(RPC_PROC_DOMAIN_DESTROY, &destroy);
    fake_reply(fd, &h, NULL);

    /* start with flags: the reply carries the id */
    fake_expect(f, fd, RPC_PROC_DOMAIN_CREATE_WITH_FLAGS, &h, &create_flags);
    g_assert_cmpuint(create_flags.flags, ==, VIR_DOMAIN_START_PAUSED);
    fake_args_free(RPC_PROC_DOMAIN_CREATE_WITH_FLAGS, &create_flags);
    rpc_domain_init(&create_flags_ret.dom, "vm1", uuid, 13);
    fake_reply(fd, &h, &create_flags_ret);

    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &h, &list);
    g_assert_cmpint(list.need_results, ==, 1);
    g_assert_cmpuint(list.flags, ==, 0);
    rpc_domain_init(&doms[0], "vm1", uuid, 13);
    fill_uuid(uuid, 0x60);
    rpc_domain_init(&doms[1], "vm2", uuid, -1);
    fake_reply(fd, &h, &list_ret);
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &h, &list);
    g_assert_cmpint(list.need_results, ==, 0);
    list_ret.domains.domains_len = 0;
    fake_reply(fd, &h, &list_ret);

    fake_expect_close(f, fd);
}

static void
test_domain_lifecycle(void)
{
    Fake *f = fake_start(script_lifecycle);
    virConnectPtr conn = virConnectOpen(f->uri);
    virDomainPtr dom;
    virDomainPtr *doms = NULL;
    virDomainInfo info;

    g_assert_nonnull(conn);
    dom = virDomainLookupByName(conn, "vm1");
    g_assert_nonnull(dom);
    g_assert_cmpint((int)virDomainGetID(dom), ==, -1);
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    g_assert_cmpint((int)virDomainGetID(dom), ==, 12);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, 3);
    g_assert_cmpuint(info.maxMem, ==, 2048);
    g_assert_cmpuint(info.memory, ==, 1024);
    g_assert_cmpint(info.nrVirtCpu, ==, 2);
    g_assert_cmpuint(info.cpuTime, ==, 123456789);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    g_assert_cmpint((int)virDomainGetID(dom), ==, -1);
    g_assert_cmpint(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED), ==, 0);
    g_assert_cmpint((int)virDomainGetID(dom), ==, 13);
    virDomainFree(dom);

    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 0), ==, 2);
    g_assert_cmpstr(virDomainGetName(doms[0]), ==, "vm1");
    g_assert_cmpint((int)virDomainGetID(doms[0]), ==, 13);
    g_assert_cmpstr(virDomainGetName(doms[1]), ==, "vm2");
    g_assert_cmpint((int)virDomainGetID(doms[1]), ==, -1);
    g_assert_null(doms[2]);
    for (int i = 0; doms[i]; i++)
        virDomainFree(doms[i]);
    free(doms);
    g_assert_cmpint(virConnectListAllDomains(conn, NULL, 0), ==, 2);
    virConnectClose(conn);
    fake_finish(f);
}

static void
script_network(Fake *f, int fd)
{
    RpcHeader h;
    unsigned char uuid[VIR_UUID_BUFLEN];
    RpcNetworkLookupByNameArgs by_name;
    RpcNetworkLookupByNameRet net_ret;
    RpcNetworkGetDhcpLeasesArgs leases_args;
    char *mac = (char *)"52:54:00:aa:bb:cc";
    char *host = (char *)"guest1";
    RpcDhcpLease lease = {
        .iface = (char *)"virbr9",
        .expirytime = 1800000000,
        .type = 0,
        .mac = &mac,
        .ipaddr = (char *)"10.0.0.5",
        .prefix = 24,
        .hostname = &host,
    };
    RpcNetworkGetDhcpLeasesRet leases = { { 1, &lease }, 1 };
    RpcConnectListDefinedNetworksArgs defined_args;
    char *names[2] = { (char *)"n1", (char *)"n2" };
    RpcConnectListDefinedNetworksRet defined = { { 2, names } };

    fill_uuid(uuid, 0x80);
    fake_handshake(f, fd);
    fake_expect(f, fd, RPC_PROC_NETWORK_LOOKUP_BY_NAME, &h, &by_name);
    fake_args_free(RPC_PROC_NETWORK_LOOKUP_BY_NAME, &by_name);
    rpc_network_init(&net_ret.net, "net1", uuid);
    fake_reply(fd, &h, &net_ret);
    fake_expect(f, fd, RPC_PROC_NETWORK_GET_DHCP_LEASES, &h, &leases_args);
    g_assert_cmpstr(leases_args.net.name, ==, "net1");
    g_assert_null(leases_args.mac);
    g_assert_cmpint(leases_args.need_results, ==, 1);
    fake_args_free(RPC_PROC_NETWORK_GET_DHCP_LEASES, &leases_args);
    fake_reply(fd, &h, &leases);
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_DEFINED_NETWORKS, &h, &defined_args);
    g_assert_cmpint(defined_args.maxnames, ==, 8);
    fake_reply(fd, &h, &defined);
    /* a server that returns more than asked for is refused */
    fake_expect(f, fd, RPC_PROC_CONNECT_LIST_DEFINED_NETWORKS, &h, &defined_args);
    g_assert_cmpint(defined_args.maxnames, ==, 1);
    fake_reply(fd, &h, &defined);
    fake_expect_close(f, fd);
}

static void
test_network_calls(void)
{
    Fake *f = fake_start(script_network);
    virConnectPtr conn = virConnectOpen(f->uri);
    virNetworkPtr net;
    virNetworkDHCPLeasePtr *leases = NULL;
    char *names[8] = { NULL };
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_assert_nonnull(conn);
    net = virNetworkLookupByName(conn, "net1");
    g_assert_nonnull(net);
    g_assert_cmpint(virNetworkGetUUIDString(net, uuidstr), ==, 0);
    g_assert_cmpstr(uuidstr, ==, "80818283-8485-8687-8889-8a8b8c8d8e8f");
    g_assert_cmpint(virNetworkGetDHCPLeases(net, NULL, &leases, 0), ==, 1);
    g_assert_cmpstr(leases[0]->iface, ==, "virbr9");
    g_assert_cmpint(leases[0]->expirytime, ==, 1800000000);
    g_assert_cmpstr(leases[0]->mac, ==, "52:54:00:aa:bb:cc");
    g_assert_null(leases[0]->iaid);
    g_assert_cmpstr(leases[0]->ipaddr, ==, "10.0.0.5");
    g_assert_cmpuint(leases[0]->prefix, ==, 24);
    g_assert_cmpstr(leases[0]->hostname, ==, "guest1");
    g_assert_null(leases[0]->clientid);
    g_assert_null(leases[1]);
    virNetworkDHCPLeaseFree(leases[0]);
    free(leases);
    g_assert_cmpint(virConnectListDefinedNetworks(conn, names, 8), ==, 2);
    g_assert_cmpstr(names[0], ==, "n1");
    g_assert_cmpstr(names[1], ==, "n2");
    free(names[0]);
    free(names[1]);
    g_assert_cmpint(virConnectListDefinedNetworks(conn, names, 1), ==, -1);
    assert_last_error(VIR_ERR_RPC, -1, NULL);
    virNetworkFree(net);
    virConnectClose(conn);
    fake_finish(f);
}

static void
script_security(Fake *f, int fd)
{
    RpcHeader h;
    unsigned char uuid[VIR_UUID_BUFLEN];
    RpcNodeGetSecurityModelRet model;
    RpcDomainLookupByNameArgs by_name;
    RpcDomainLookupByNameRet dom_ret;
    RpcDomainGetSecurityLabelArgs label_args;
    RpcDomainGetSecurityLabelRet label = { .enforcing = 1 };
    RpcDomainHasManagedSaveImageArgs save_args;
    RpcDomainHasManagedSaveImageRet save = { .result = 0 };

    fill_uuid(uuid, 0x10);
    fake_handshake(f, fd);
    /* each list ends with its NUL, one word per character */
    rpc_charlist_set(&model.model.model_len, &model.model.model_val, "none");
    rpc_charlist_set(&model.doi.doi_len, &model.doi.doi_val, "0");
    fake_expect(f, fd, RPC_PROC_NODE_GET_SECURITY_MODEL, &h, NULL);
    fake_reply(fd, &h, &model);
    g_free(model.model.model_val);
    g_free(model.doi.doi_val);

    fake_expect(f, fd, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &h, &by_name);
    fake_args_free(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &by_name);
    rpc_domain_init(&dom_ret.dom, "sec", uuid, 4);
    fake_reply(fd, &h, &dom_ret);
    fake_expect(f, fd, RPC_PROC_DOMAIN_GET_SECURITY_LABEL, &h, &label_args);
    g_assert_cmpstr(label_args.dom.name, ==, "sec");
    fake_args_free(RPC_PROC_DOMAIN_GET_SECURITY_LABEL, &label_args);
    rpc_charlist_set(&label.label.label_len, &label.label.label_val, "virt_t:s0");
    fake_reply(fd, &h, &label);
    g_free(label.label.label_val);
    fake_expect(f, fd, RPC_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, &h, &save_args);
    g_assert_cmpuint(save_args.flags, ==, 0);
    fake_args_free(RPC_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, &save_args);
    fake_reply(fd, &h, &save);
    fake_expect_close(f, fd);
}

static void
test_security(void)
{
    Fake *f = fake_start(script_security);
    virConnectPtr conn = virConnectOpen(f->uri);
    virSecurityModel model;
    virSecurityLabel label;
    virDomainPtr dom;

    g_assert_nonnull(conn);
    g_assert_cmpint(virNodeGetSecurityModel(conn, &model), ==, 0);
    g_assert_cmpstr(model.model, ==, "none");
    g_assert_cmpstr(model.doi, ==, "0");
    dom = virDomainLookupByName(conn, "sec");
    g_assert_nonnull(dom);
    g_assert_cmpint(virDomainGetSecurityLabel(dom, &label), ==, 0);
    g_assert_cmpstr(label.label, ==, "virt_t:s0");
    g_assert_cmpint(label.enforcing, ==, 1);
    g_assert_cmpint(virDomainHasManagedSaveImage(dom, 0), ==, 0);
    virDomainFree(dom);
    virConnectClose(conn);
    fake_finish(f);
}

/* ---- events ---------------------------------------------------------- */

static void
script_events(Fake *f, int fd)
{
    RpcHeader h;
    unsigned char uuid[VIR_UUID_BUFLEN];
    RpcConnectDomainEventCallbackRegisterAnyArgs dom_reg;
    RpcConnectDomainEventCallbackRegisterAnyRet dom_reg_ret = { .callback_id = 5 };
    RpcDomainEventCallbackLifecycleMsg dom_msg = { .callback_id = 5, .event = 2, .detail = 0 };
    RpcConnectNetworkEventRegisterAnyArgs net_reg;
    RpcConnectNetworkEventRegisterAnyRet net_reg_ret = { .callback_id = 6 };
    RpcNetworkEventLifecycleMsg net_msg = { .callback_id = 6, .event = 3, .detail = 0 };
    RpcConnectDomainEventCallbackDeregisterAnyArgs dom_dereg;
    RpcConnectNetworkEventDeregisterAnyArgs net_dereg;

    fill_uuid(uuid, 0x20);
    fake_handshake(f, fd);

    fake_expect(f, fd, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &h, &dom_reg);
    g_assert_cmpint(dom_reg.event_id, ==, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    g_assert_null(dom_reg.dom);
    fake_reply(fd, &h, &dom_reg_ret);
    rpc_domain_init(&dom_msg.dom, "evdom", uuid, 7);
    fake_message(fd, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, &dom_msg);

    fake_expect(f, fd, RPC_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY, &h, &net_reg);
    g_assert_cmpint(net_reg.event_id, ==, VIR_NETWORK_EVENT_ID_LIFECYCLE);
    g_assert_null(net_reg.net);
    fake_reply(fd, &h, &net_reg_ret);
    rpc_network_init(&net_msg.net, "evnet", uuid);
    fake_message(fd, RPC_PROC_NETWORK_EVENT_LIFECYCLE, &net_msg);

    fake_expect(f, fd, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &h, &dom_dereg);
    g_assert_cmpint(dom_dereg.callback_id, ==, 5);
    fake_reply(fd, &h, NULL);
    fake_expect(f, fd, RPC_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY, &h, &net_dereg);
    g_assert_cmpint(net_dereg.callback_id, ==, 6);
    fake_reply(fd, &h, NULL);
    fake_expect_close(f, fd);
}

typedef struct {
    int dom_events;
    char *dom_name;
    int dom_id;
    int dom_event;
    int net_events;
    char *net_name;
    int net_event;
    bool timed_out;
} EventSeen;

static int
dom_lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    EventSeen *seen = opaque;

    seen->dom_events++;
    g_free(seen->dom_name);
    seen->dom_name = g_strdup(virDomainGetName(dom));
    seen->dom_id = (int)virDomainGetID(dom);
    seen->dom_event = event;
    return 0;
}

static void
net_lifecycle_cb(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    EventSeen *seen = opaque;

    seen->net_events++;
    g_free(seen->net_name);
    seen->net_name = g_strdup(virNetworkGetName(net));
    seen->net_event = event;
}

static void
timeout_cb(int timer, void *opaque)
{
    ((EventSeen *)opaque)->timed_out = true;
}

static void
run_loop_until(EventSeen *seen, const int *counter)
{
    int timer = virEventAddTimeout(10 * 1000, timeout_cb, seen, NULL);

    g_assert_cmpint(timer, >=, 0);
    while (*counter == 0 && !seen->timed_out)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
    g_assert_false(seen->timed_out);
}

static void
test_events(void)
{
    Fake *f = fake_start(script_events);
    virConnectPtr conn;
    EventSeen seen = { 0 };
    int dom_cb, net_cb;

    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    conn = virConnectOpen(f->uri);
    g_assert_nonnull(conn);
    dom_cb =
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), &seen, NULL);
    g_assert_cmpint(dom_cb, >=, 0);
    run_loop_until(&seen, &seen.dom_events);
    g_assert_cmpint(seen.dom_events, ==, 1);
    g_assert_cmpstr(seen.dom_name, ==, "evdom");
    g_assert_cmpint(seen.dom_id, ==, 7);
    g_assert_cmpint(seen.dom_event, ==, VIR_DOMAIN_EVENT_STARTED);

    net_cb = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                               VIR_NETWORK_EVENT_CALLBACK(net_lifecycle_cb), &seen,
                                               NULL);
    g_assert_cmpint(net_cb, >=, 0);
    run_loop_until(&seen, &seen.net_events);
    g_assert_cmpint(seen.net_events, ==, 1);
    g_assert_cmpstr(seen.net_name, ==, "evnet");
    g_assert_cmpint(seen.net_event, ==, VIR_NETWORK_EVENT_STOPPED);

    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, dom_cb), ==, 0);
    g_assert_cmpint(virConnectNetworkEventDeregisterAny(conn, net_cb), ==, 0);
    virConnectClose(conn);
    fake_finish(f);
    g_free(seen.dom_name);
    g_free(seen.net_name);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* a hang is a failure, not a stuck test run */
    alarm(120);

    g_test_add_func("/remote/handshake", test_handshake);
    g_test_add_func("/remote/handshake/order", test_handshake_order);
    g_test_add_func("/remote/handshake/extra-param", test_handshake_extra_param);
    g_test_add_func("/remote/handshake/readonly-default-socket", test_readonly_default_socket);
    g_test_add_func("/remote/open/refused", test_connect_refused);
    g_test_add_func("/remote/open/uri", test_uri_choice);
    g_test_add_func("/remote/open/fails", test_open_fails);
    g_test_add_func("/remote/calls/concurrent", test_concurrent_calls);
    g_test_add_func("/remote/calls/errors", test_errors);
    g_test_add_func("/remote/calls/domain-lifecycle", test_domain_lifecycle);
    g_test_add_func("/remote/calls/network", test_network_calls);
    g_test_add_func("/remote/calls/security", test_security);
    g_test_add_func("/remote/keepalive/ping-pong", test_ping_pong);
    g_test_add_func("/remote/keepalive/timeout", test_keepalive_timeout);
    g_test_add_func("/remote/keepalive/answered", test_keepalive_answered);
    g_test_add_func("/remote/broken/eof-mid-call", test_eof_mid_call);
    g_test_add_func("/remote/broken/bad-length", test_bad_length);
    g_test_add_func("/remote/broken/close-in-callback", test_close_in_callback);
    g_test_add_func("/remote/events", test_events);
    return g_test_run();
}
