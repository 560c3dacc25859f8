/*
 * agent-e2e-malformed.c: bad input on the agent's socket never crashes it
 * nor disturbs other clients
 *
 * Raw socket clients send, one case each: a length word below 28 and above
 * 33554436, a truncated frame and then close, an unknown program, an
 * unknown version, unknown procedures, a wrong message type, a CALL with
 * status != 0, garbage and truncated XDR payloads, oversized string and
 * list counts, calls before CONNECT_OPEN, and clients that disconnect in
 * the middle of calls. Each gets the reply documented in
 * ../shared/protocol/remote-subset.md (libvirtd's behaviour: an error reply,
 * or the connection closed without a reply), and the agent logs a line.
 * Meanwhile a second, healthy client on this tree's public API keeps making
 * calls on its own thread; it must see no error at all, and the agent must
 * be alive at the end. Frames are built with rpc/message.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc/message.h"
#include "tests/agent-e2e-util.h"

#define REPLY_WAIT_MS 5000
/* virErrorNumber / virErrorDomain values used in replies */
#define CODE_INTERNAL 1
#define CODE_NO_SUPPORT 3
#define CODE_RPC 39

static E2eAgent *agent;

/* ---- the healthy client ------------------------------------------------------ */

typedef struct {
    GThread *thread;
    gint stop;
    gint calls;
    gint errors;
    GMutex lock;
    GString *first_errors;
} Healthy;

static Healthy healthy;

static void
healthy_error(const char *what)
{
    g_atomic_int_inc(&healthy.errors);
    g_mutex_lock(&healthy.lock);
    if (healthy.first_errors->len < 4000)
        g_string_append_printf(healthy.first_errors, "%s: %s\n", what, virGetLastErrorMessage());
    g_mutex_unlock(&healthy.lock);
}

static gpointer
healthy_thread(gpointer data)
{
    virConnectPtr conn = virConnectOpen(agent->uri);
    g_autofree char *xml = e2e_data("domain.xml");
    virDomainPtr dom;

    if (!conn) {
        healthy_error("virConnectOpen");
        return NULL;
    }
    dom = virDomainDefineXML(conn, xml);
    if (!dom)
        healthy_error("virDomainDefineXML");
    while (!g_atomic_int_get(&healthy.stop)) {
        unsigned long v;
        char *host;
        virDomainInfo info;
        virDomainPtr *doms = NULL;
        int n;

        if (virConnectGetLibVersion(conn, &v) < 0)
            healthy_error("virConnectGetLibVersion");
        host = virConnectGetHostname(conn);
        if (!host)
            healthy_error("virConnectGetHostname");
        free(host);
        if (dom && virDomainGetInfo(dom, &info) < 0)
            healthy_error("virDomainGetInfo");
        n = virConnectListAllDomains(conn, &doms, 0);
        if (n != 1)
            healthy_error("virConnectListAllDomains");
        for (int i = 0; i < n; i++)
            virDomainFree(doms[i]);
        free(doms);
        g_atomic_int_add(&healthy.calls, 4);
        g_usleep(2000);
    }
    if (dom) {
        if (virDomainUndefine(dom) < 0)
            healthy_error("virDomainUndefine");
        virDomainFree(dom);
    }
    if (virConnectClose(conn) != 0)
        healthy_error("virConnectClose");
    return NULL;
}

/* ---- raw clients --------------------------------------------------------------- */

static int
raw_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(agent->sock), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, agent->sock);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

static void
raw_send(int fd, const void *data, gsize len)
{
    const guint8 *p = data;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        /* the agent may already have closed: fine for the abusive cases */
        if (n <= 0)
            return;
        p += n;
        len -= n;
    }
}

static void
raw_send_bytes(int fd, GBytes *b)
{
    gsize len;
    const void *data = g_bytes_get_data(b, &len);

    raw_send(fd, data, len);
}

/* Reads exactly @len bytes; false on EOF, error or timeout. */
static bool
raw_read_exact(int fd, guint8 *buf, gsize len, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (len > 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            return false;
        n = recv(fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= n;
    }
    return true;
}

typedef enum { RAW_FRAME, RAW_EOF, RAW_TIMEOUT } RawResult;

/* Reads one frame (skipping keepalive messages); *ret_body: the bytes after
 * the length word. RAW_EOF when the agent closed the connection. */
static RawResult
raw_read_frame(int fd, GBytes **ret_body, int timeout_ms)
{
    for (;;) {
        guint8 word[4];
        guint32 len;
        guint8 *body;
        RpcHeader hdr;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };

        if (poll(&pfd, 1, timeout_ms) == 0)
            return RAW_TIMEOUT;
        if (!raw_read_exact(fd, word, 4, timeout_ms))
            return RAW_EOF;
        len =
            ((guint32)word[0] << 24) | ((guint32)word[1] << 16) | ((guint32)word[2] << 8) | word[3];
        g_assert_cmpuint(len, >=, RPC_FRAME_MIN);
        g_assert_cmpuint(len, <=, RPC_FRAME_MAX);
        body = g_malloc(len - 4);
        if (!raw_read_exact(fd, body, len - 4, timeout_ms)) {
            g_free(body);
            return RAW_EOF;
        }
        g_assert_true(rpc_header_decode(body, len - 4, &hdr, NULL));
        if (hdr.prog == RPC_KEEPALIVE_PROGRAM) {
            g_free(body);
            continue;
        }
        *ret_body = g_bytes_new_take(body, len - 4);
        return RAW_FRAME;
    }
}

/* True when the agent closes the connection within the wait, without
 * sending anything first. */
static bool
raw_expect_eof(int fd)
{
    GBytes *body = NULL;
    RawResult r = raw_read_frame(fd, &body, REPLY_WAIT_MS);

    if (r == RAW_FRAME) {
        g_test_message("got a frame where EOF was expected");
        g_bytes_unref(body);
    }
    return r == RAW_EOF;
}

static GBytes *
encode(guint32 prog, guint32 vers, int proc, int type, guint32 serial, int status, xdrproc_t xproc,
       void *payload)
{
    g_autoptr(GError) err = NULL;
    RpcHeader hdr = {
        .prog = prog,
        .vers = vers,
        .procedure = proc,
        .type = type,
        .serial = serial,
        .status = status,
    };
    GBytes *b = rpc_message_encode(&hdr, xproc, payload, &err);

    g_assert_no_error(err);
    return b;
}

/* A REMOTE CALL with a raw payload of @len bytes (patched length word). */
static GBytes *
encode_raw_payload(int proc, guint32 serial, const void *payload, gsize len)
{
    g_autoptr(GBytes) head = encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, proc, RPC_TYPE_CALL,
                                    serial, RPC_STATUS_OK, NULL, NULL);
    GByteArray *a = g_byte_array_new();
    guint32 word = GUINT32_TO_BE((guint32)(g_bytes_get_size(head) + len));

    g_byte_array_append(a, g_bytes_get_data(head, NULL), g_bytes_get_size(head));
    g_byte_array_append(a, payload, len);
    memcpy(a->data, &word, 4);
    return g_byte_array_free_to_bytes(a);
}

typedef struct {
    RpcHeader hdr;
    RpcError err; /* valid when hdr.status == RPC_STATUS_ERROR */
    bool is_error;
} Reply;

/* Reads the reply to (@prog, @vers, @proc, @serial): it must be a REPLY with
 * the call's header fields. False on EOF or timeout. */
static bool
raw_read_reply(int fd, guint32 prog, guint32 vers, int proc, guint32 serial, Reply *ret)
{
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) err = NULL;
    gsize len;
    const guint8 *data;
    RawResult r = raw_read_frame(fd, &body, REPLY_WAIT_MS);

    memset(ret, 0, sizeof(*ret));
    if (r != RAW_FRAME) {
        g_test_message("no reply: %s", r == RAW_EOF ? "connection closed" : "timeout");
        return false;
    }
    data = g_bytes_get_data(body, &len);
    g_assert_true(rpc_header_decode(data, len, &ret->hdr, NULL));
    g_assert_cmpuint(ret->hdr.prog, ==, prog);
    g_assert_cmpuint(ret->hdr.vers, ==, vers);
    g_assert_cmpint(ret->hdr.procedure, ==, proc);
    g_assert_cmpint(ret->hdr.type, ==, RPC_TYPE_REPLY);
    g_assert_cmpuint(ret->hdr.serial, ==, serial);
    if (ret->hdr.status == RPC_STATUS_ERROR) {
        ret->is_error = true;
        g_assert_true(rpc_payload_decode(data, len, (xdrproc_t)xdr_RpcError, &ret->err,
                                         sizeof(ret->err), &err));
        g_assert_no_error(err);
        g_test_message("error reply: code %d domain %d level %d: %s", ret->err.code,
                       ret->err.domain, ret->err.level,
                       ret->err.message ? *ret->err.message : "(no message)");
    } else {
        g_assert_cmpint(ret->hdr.status, ==, RPC_STATUS_OK);
    }
    return true;
}

static void
reply_clear(Reply *r)
{
    if (r->is_error)
        rpc_payload_free((xdrproc_t)xdr_RpcError, &r->err);
}

static const char *
reply_message(Reply *r)
{
    return r->is_error && r->err.message ? *r->err.message : "";
}

/* CONNECT_OPEN("qemu:///system", 0) with @serial; must succeed. */
static void
raw_open(int fd, guint32 serial)
{
    char *name = (char *)"qemu:///system";
    RpcConnectOpenArgs args = { .name = &name, .flags = 0 };
    g_autoptr(GBytes) b =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_OPEN, RPC_TYPE_CALL, serial,
               RPC_STATUS_OK, (xdrproc_t)xdr_RpcConnectOpenArgs, &args);
    Reply r;

    raw_send_bytes(fd, b);
    g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_OPEN,
                                 serial, &r));
    g_assert_false(r.is_error);
}

/* After an error reply the raw connection must still answer a healthy
 * call (GET_HOSTNAME) on the same socket. */
static void
raw_still_serves(int fd, guint32 serial)
{
    g_autoptr(GBytes) b =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, RPC_TYPE_CALL,
               serial, RPC_STATUS_OK, NULL, NULL);
    Reply r;

    raw_send_bytes(fd, b);
    g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION,
                                 RPC_PROC_CONNECT_GET_HOSTNAME, serial, &r));
    g_assert_false(r.is_error);
}

/* ---- per-case checks ------------------------------------------------------------- */

static gsize log_mark;

static void
case_begin(void)
{
    log_mark = e2e_agent_log_size(agent);
}

/* The case left the agent alive, the healthy client error-free, and the
 * log a line (other than the connect line) holding @log_needle (NULL: any
 * line). */
static void
case_end(const char *log_needle)
{
    gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    g_autofree char *log = NULL;
    bool found = false;

    g_assert_true(e2e_agent_alive(agent));
    while (g_get_monotonic_time() < deadline) {
        g_auto(GStrv) lines = NULL;

        g_free(log);
        log = e2e_agent_log_from(agent, log_mark);
        lines = g_strsplit(log, "\n", -1);
        for (size_t i = 0; lines[i] && !found; i++) {
            if (!*lines[i] || strstr(lines[i], " connected: "))
                continue;
            found = log_needle ? strstr(lines[i], log_needle) != NULL : true;
        }
        if (found)
            break;
        g_usleep(20 * 1000);
    }
    g_test_message("agent log for this case:\n%s", log);
    g_assert_true(found);
    g_assert_cmpint(g_atomic_int_get(&healthy.errors), ==, 0);
}

/* An error reply with @code (and a message starting with @prefix) to a
 * CALL sent on @fd; the header echoes the call. */
static void
expect_error(int fd, guint32 prog, guint32 vers, int proc, guint32 serial, int code,
             const char *prefix)
{
    Reply r;

    g_assert_true(raw_read_reply(fd, prog, vers, proc, serial, &r));
    g_assert_true(r.is_error);
    g_assert_cmpint(r.err.code, ==, code);
    g_assert_cmpint(r.err.level, ==, 2);
    if (prefix)
        g_assert_true(g_str_has_prefix(reply_message(&r), prefix));
    reply_clear(&r);
}

/* "not implemented" as clients recognise it: code 3, or 39 with the
 * "unknown procedure" prefix (fact sheet §2). */
static void
expect_unknown_procedure(int fd, int proc, guint32 serial)
{
    Reply r;

    g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, proc, serial, &r));
    g_assert_true(r.is_error);
    g_assert_true(
        r.err.code == CODE_NO_SUPPORT ||
        (r.err.code == CODE_RPC && g_str_has_prefix(reply_message(&r), "unknown procedure")));
    reply_clear(&r);
}

/* ---- cases --------------------------------------------------------------------------- */

static void
send_length_word(guint32 word)
{
    int fd = raw_connect();
    guint8 frame[28] = { 0 };
    guint32 be = GUINT32_TO_BE(word);

    case_begin();
    memcpy(frame, &be, 4);
    raw_send(fd, frame, sizeof(frame));
    g_assert_true(raw_expect_eof(fd));
    close(fd);
    case_end("length");
}

static void
test_length_too_small(void)
{
    send_length_word(27);
    send_length_word(3);
    send_length_word(0);
}

static void
test_length_too_large(void)
{
    send_length_word(33554437);
    send_length_word(0xffffffff);
}

static void
test_length_max_accepted(void)
{
    /* exactly the limit is legal: the agent reads 32 MiB and answers */
    int fd = raw_connect();
    gsize len = 33554436;
    g_autofree guint8 *frame = g_malloc0(len);
    g_autoptr(GBytes) head =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, RPC_TYPE_CALL,
               7, RPC_STATUS_OK, NULL, NULL);
    guint32 be = GUINT32_TO_BE((guint32)len);
    Reply r;

    case_begin();
    raw_open(fd, 0);
    memcpy(frame, g_bytes_get_data(head, NULL), g_bytes_get_size(head));
    memcpy(frame, &be, 4);
    raw_send(fd, frame, len);
    /* a void procedure with trailing bytes: tolerated, as libvirt does */
    g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION,
                                 RPC_PROC_CONNECT_GET_HOSTNAME, 7, &r));
    reply_clear(&r);
    close(fd);
    case_end(NULL);
}

static void
test_truncated_frame(void)
{
    int fd = raw_connect();
    char *name = (char *)"qemu:///system";
    RpcConnectOpenArgs args = { .name = &name, .flags = 0 };
    g_autoptr(GBytes) b =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_OPEN, RPC_TYPE_CALL, 0,
               RPC_STATUS_OK, (xdrproc_t)xdr_RpcConnectOpenArgs, &args);

    case_begin();
    raw_send(fd, g_bytes_get_data(b, NULL), g_bytes_get_size(b) - 10);
    g_usleep(100 * 1000);
    close(fd);
    case_end("disconnected");
}

static void
test_unknown_program(void)
{
    int fd = raw_connect();
    g_autoptr(GBytes) b = encode(0x12345678, 1, 1, RPC_TYPE_CALL, 3, RPC_STATUS_OK, NULL, NULL);
    g_autoptr(GBytes) msg =
        encode(0x12345678, 1, 1, RPC_TYPE_MESSAGE, 4, RPC_STATUS_OK, NULL, NULL);

    case_begin();
    raw_open(fd, 2);
    raw_send_bytes(fd, b);
    expect_error(fd, 0x12345678, 1, 1, 3, CODE_RPC, "Cannot find program");
    /* a MESSAGE for an unknown program is dropped without a reply */
    raw_send_bytes(fd, msg);
    raw_still_serves(fd, 5);
    close(fd);
    case_end("Cannot find program 305419896 version 1");
}

static void
test_unknown_version(void)
{
    int fd = raw_connect();
    g_autoptr(GBytes) b = encode(RPC_REMOTE_PROGRAM, 2, RPC_PROC_CONNECT_OPEN, RPC_TYPE_CALL, 1,
                                 RPC_STATUS_OK, NULL, NULL);

    case_begin();
    raw_send_bytes(fd, b);
    expect_error(fd, RPC_REMOTE_PROGRAM, 2, RPC_PROC_CONNECT_OPEN, 1, CODE_RPC,
                 "Cannot find program");
    raw_open(fd, 2);
    close(fd);
    case_end("Cannot find program 536903814 version 2");
}

static void
test_unknown_procedure(void)
{
    int fd = raw_connect();
    const int procs[] = { 9999, 444, 0, -5, 8 /* a gap in the numbering */ };

    case_begin();
    for (guint i = 0; i < G_N_ELEMENTS(procs); i++) {
        g_autoptr(GBytes) b = encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, procs[i],
                                     RPC_TYPE_CALL, 10 + i, RPC_STATUS_OK, NULL, NULL);

        raw_send_bytes(fd, b);
        expect_unknown_procedure(fd, procs[i], 10 + i);
    }
    raw_open(fd, 20);
    for (guint i = 0; i < G_N_ELEMENTS(procs); i++) {
        g_autoptr(GBytes) b = encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, procs[i],
                                     RPC_TYPE_CALL, 30 + i, RPC_STATUS_OK, NULL, NULL);

        raw_send_bytes(fd, b);
        expect_unknown_procedure(fd, procs[i], 30 + i);
    }
    raw_still_serves(fd, 40);
    close(fd);
    case_end("9999");
}

static void
test_wrong_type(void)
{
    /* REPLY, STREAM and CALL_WITH_FDS from a client: libvirtd answers an
     * error or drops the connection; either is fine, silence is not. */
    const int types[] = { RPC_TYPE_REPLY, RPC_TYPE_STREAM, RPC_TYPE_CALL_WITH_FDS, 77 };

    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        int fd = raw_connect();
        g_autoptr(GBytes) b =
            encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, types[i],
                   5, RPC_STATUS_OK, NULL, NULL);
        GBytes *body = NULL;
        RawResult r;

        case_begin();
        raw_open(fd, 1);
        raw_send_bytes(fd, b);
        r = raw_read_frame(fd, &body, REPLY_WAIT_MS);
        if (r == RAW_FRAME) {
            RpcHeader hdr;
            gsize len;
            const guint8 *data = g_bytes_get_data(body, &len);

            g_assert_true(rpc_header_decode(data, len, &hdr, NULL));
            g_test_message("type %d: reply type %d status %d", types[i], hdr.type, hdr.status);
            /* an error about a stream message goes back as a STREAM
             * error, as libvirt does */
            g_assert_cmpint(hdr.type, ==,
                            types[i] == RPC_TYPE_STREAM ? RPC_TYPE_STREAM : RPC_TYPE_REPLY);
            g_assert_cmpint(hdr.status, ==, RPC_STATUS_ERROR);
            g_assert_cmpuint(hdr.serial, ==, 5);
            g_bytes_unref(body);
        } else {
            g_test_message("type %d: %s", types[i],
                           r == RAW_EOF ? "connection closed" : "no answer");
            g_assert_cmpint(r, ==, RAW_EOF);
        }
        close(fd);
        case_end("Unexpected message type");
    }
}

static void
test_bad_status(void)
{
    int fd = raw_connect();
    g_autoptr(GBytes) b =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, RPC_TYPE_CALL,
               4, RPC_STATUS_ERROR, NULL, NULL);
    g_autoptr(GBytes) b2 =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, RPC_TYPE_CALL,
               5, 1234, NULL, NULL);

    case_begin();
    raw_open(fd, 0);
    raw_send_bytes(fd, b);
    expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, 4,
                 CODE_RPC, "Unexpected message status");
    raw_send_bytes(fd, b2);
    expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME, 5,
                 CODE_RPC, "Unexpected message status");
    raw_still_serves(fd, 6);
    close(fd);
    case_end("Unexpected message status");
}

static void
test_garbage_payload(void)
{
    int fd = raw_connect();
    const guint8 three[3] = { 0, 0, 0 };
    /* presence word 7 (only 0 or 1 are valid) */
    const guint8 bad_presence[12] = { 0, 0, 0, 7, 0, 0, 0, 1, 'x', 0, 0, 0 };
    guint8 noise[64];
    g_autoptr(GBytes) a = NULL;
    g_autoptr(GBytes) b = NULL;
    g_autoptr(GBytes) c = NULL;

    for (guint i = 0; i < sizeof(noise); i++)
        noise[i] = (guint8)(i * 37 + 11);
    case_begin();
    raw_open(fd, 0);
    a = encode_raw_payload(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, 1, three, sizeof(three));
    raw_send_bytes(fd, a);
    expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, 1,
                 CODE_RPC, "Unable to decode message payload");
    b = encode_raw_payload(RPC_PROC_CONNECT_OPEN, 2, bad_presence, sizeof(bad_presence));
    raw_send_bytes(fd, b);
    {
        Reply r;

        /* a second OPEN is refused anyway; what matters is an error reply */
        g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION,
                                     RPC_PROC_CONNECT_OPEN, 2, &r));
        g_assert_true(r.is_error);
        reply_clear(&r);
    }
    c = encode_raw_payload(RPC_PROC_DOMAIN_DEFINE_XML, 3, noise, sizeof(noise));
    raw_send_bytes(fd, c);
    expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_DOMAIN_DEFINE_XML, 3,
                 CODE_RPC, "Unable to decode message payload");
    close(fd);
    /* (the healthy client's own calls must still answer; the raw one may be
     * closed by the agent after the second OPEN, as libvirtd does) */
    case_end("Unable to decode message payload");
}

static void
test_oversized_counts(void)
{
    int fd = raw_connect();
    /* string length words over the 4 MiB string limit, with nothing after */
    const guint8 huge_str[8] = { 0x00, 0x40, 0x00, 0x01, 'a', 'b', 'c', 'd' };
    const guint8 max_str[8] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd' };
    /* a string length word that runs past the end of the frame */
    const guint8 long_str[8] = { 0x00, 0x00, 0x10, 0x00, 'a', 'b', 'c', 'd' };
    const guint8 *payloads[] = { huge_str, max_str, long_str };
    guint32 serial = 1;

    case_begin();
    raw_open(fd, serial++);
    for (guint i = 0; i < G_N_ELEMENTS(payloads); i++) {
        g_autoptr(GBytes) b =
            encode_raw_payload(RPC_PROC_DOMAIN_LOOKUP_BY_NAME, serial, payloads[i], 8);

        raw_send_bytes(fd, b);
        expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_DOMAIN_LOOKUP_BY_NAME,
                     serial, CODE_RPC, "Unable to decode message payload");
        serial++;
    }
    /* list sizes the client asks for: over the 16384 limit, and negative */
    {
        const int maxes[] = { 16385, 0x7fffffff, -1 };
        const int procs[] = { RPC_PROC_CONNECT_LIST_DOMAINS, RPC_PROC_CONNECT_LIST_DEFINED_DOMAINS,
                              RPC_PROC_CONNECT_LIST_NETWORKS,
                              RPC_PROC_CONNECT_LIST_DEFINED_NETWORKS };

        for (guint p = 0; p < G_N_ELEMENTS(procs); p++) {
            for (guint m = 0; m < G_N_ELEMENTS(maxes); m++) {
                RpcConnectListDomainsArgs args = { .maxids = maxes[m] };
                g_autoptr(GBytes) b =
                    encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, procs[p], RPC_TYPE_CALL, serial,
                           RPC_STATUS_OK, (xdrproc_t)xdr_RpcConnectListDomainsArgs, &args);
                Reply r;

                raw_send_bytes(fd, b);
                /* an error (libvirtd refuses sizes over the limit) or a
                 * list within the limit; never a crash or a hang */
                g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, procs[p],
                                             serial, &r));
                g_test_message("proc %d max %d: %s", procs[p], maxes[m],
                               r.is_error ? reply_message(&r) : "ok");
                if (maxes[m] < 0 || maxes[m] > 16384)
                    g_assert_true(r.is_error);
                reply_clear(&r);
                serial++;
            }
        }
    }
    raw_still_serves(fd, serial++);
    close(fd);
    case_end("over the limit");
}

static void
test_before_open(void)
{
    int fd = raw_connect();
    g_autoptr(GBytes) b =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_LIST_ALL_DOMAINS,
               RPC_TYPE_CALL, 1, RPC_STATUS_OK, NULL, NULL);
    RpcConnectListAllDomainsArgs args = { .need_results = 1, .flags = 0 };
    g_autoptr(GBytes) c =
        encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_LIST_ALL_DOMAINS,
               RPC_TYPE_CALL, 2, RPC_STATUS_OK, (xdrproc_t)xdr_RpcConnectListAllDomainsArgs, &args);
    Reply r;

    case_begin();
    /* a truncated payload before OPEN: some error, never a crash */
    raw_send_bytes(fd, b);
    g_assert_true(raw_read_reply(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION,
                                 RPC_PROC_CONNECT_LIST_ALL_DOMAINS, 1, &r));
    g_assert_true(r.is_error);
    reply_clear(&r);
    raw_send_bytes(fd, c);
    expect_error(fd, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, 2,
                 CODE_INTERNAL, NULL);
    close(fd);
    case_end("not open");
}

static void
test_disconnect_mid_call(void)
{
    /* calls in flight (up to the per-client limit and beyond) when the
     * client goes away, without reading a single reply */
    for (int round = 0; round < 20; round++) {
        int fd = raw_connect();
        char *name = (char *)"qemu:///system";
        RpcConnectOpenArgs oargs = { .name = &name, .flags = 0 };
        g_autoptr(GBytes) open =
            encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_OPEN, RPC_TYPE_CALL, 0,
                   RPC_STATUS_OK, (xdrproc_t)xdr_RpcConnectOpenArgs, &oargs);

        if (round == 0)
            case_begin();
        raw_send_bytes(fd, open);
        for (guint32 s = 1; s < 30; s++) {
            RpcConnectListAllDomainsArgs args = { .need_results = 1, .flags = 0 };
            g_autoptr(GBytes) b = encode(
                RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION,
                s % 2 ? RPC_PROC_CONNECT_LIST_ALL_DOMAINS : RPC_PROC_CONNECT_GET_CAPABILITIES,
                RPC_TYPE_CALL, s, RPC_STATUS_OK,
                s % 2 ? (xdrproc_t)xdr_RpcConnectListAllDomainsArgs : NULL, s % 2 ? &args : NULL);

            raw_send_bytes(fd, b);
        }
        if (round % 2) {
            /* half a frame of the next call, then gone */
            g_autoptr(GBytes) b =
                encode(RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_CONNECT_GET_HOSTNAME,
                       RPC_TYPE_CALL, 99, RPC_STATUS_OK, NULL, NULL);

            raw_send(fd, g_bytes_get_data(b, NULL), 14);
        }
        close(fd);
    }
    case_end("disconnected");
}

static void
test_agent_alive(void)
{
    virConnectPtr conn = virConnectOpen(agent->uri);
    char *host;

    g_assert_true(e2e_agent_alive(agent));
    g_assert_nonnull(conn);
    host = virConnectGetHostname(conn);
    g_assert_nonnull(host);
    free(host);
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    g_test_message("healthy client: %d calls, %d errors", g_atomic_int_get(&healthy.calls),
                   g_atomic_int_get(&healthy.errors));
    g_assert_cmpint(g_atomic_int_get(&healthy.calls), >, 0);
    g_assert_cmpint(g_atomic_int_get(&healthy.errors), ==, 0);
}

static void
quiet_error(void *data, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_mutex_init(&healthy.lock);
    healthy.first_errors = g_string_new(NULL);
    /* the healthy client reports its errors to us, not to stderr */
    virSetErrorFunc(NULL, quiet_error);

    agent = e2e_agent_new("agent-e2e-malformed");
    if (!e2e_agent_start(agent)) {
        e2e_agent_free(agent);
        return 1;
    }
    healthy.thread = g_thread_new("healthy", healthy_thread, NULL);
    /* let it connect and define its domain first */
    for (int i = 0;
         i < 500 && g_atomic_int_get(&healthy.calls) == 0 && g_atomic_int_get(&healthy.errors) == 0;
         i++)
        g_usleep(10 * 1000);

    g_test_add_func("/malformed/length-too-small", test_length_too_small);
    g_test_add_func("/malformed/length-too-large", test_length_too_large);
    g_test_add_func("/malformed/length-max-accepted", test_length_max_accepted);
    g_test_add_func("/malformed/truncated-frame", test_truncated_frame);
    g_test_add_func("/malformed/unknown-program", test_unknown_program);
    g_test_add_func("/malformed/unknown-version", test_unknown_version);
    g_test_add_func("/malformed/unknown-procedure", test_unknown_procedure);
    g_test_add_func("/malformed/wrong-message-type", test_wrong_type);
    g_test_add_func("/malformed/status-not-ok", test_bad_status);
    g_test_add_func("/malformed/garbage-payload", test_garbage_payload);
    g_test_add_func("/malformed/oversized-counts", test_oversized_counts);
    g_test_add_func("/malformed/before-open", test_before_open);
    g_test_add_func("/malformed/disconnect-mid-call", test_disconnect_mid_call);
    g_test_add_func("/malformed/agent-alive", test_agent_alive);
    rc = g_test_run();

    g_atomic_int_set(&healthy.stop, 1);
    g_thread_join(healthy.thread);
    if (healthy.errors) {
        g_printerr("healthy client errors:\n%s", healthy.first_errors->str);
        rc = 1;
    }
    if (e2e_agent_stop(agent) != 0) {
        g_printerr("virtnoded did not exit with 0 on SIGTERM\n");
        rc = 1;
    }
    e2e_agent_free(agent);
    g_string_free(healthy.first_errors, TRUE);
    return rc;
}
