/*
 * dispatch-test.c: agent/dispatch*: the server side of the wire protocol
 *
 * An agent server runs in this process on the default main context with
 * the dispatcher over drivers/test's table (opened as test:///default),
 * or a copy of it with a member replaced. The test's clients are plain
 * non-blocking UNIX sockets speaking raw protocol built with rpc/; every
 * wait iterates the main context (the server, its replies, the event
 * loop lib/ delivers driver events on) with a deadline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/dispatch.h"
#include "agent/server.h"
#include "drivers/qemu/qemu_driver.h"
#include "lib/driver.h"
#include "rpc/procedures.h"
#include "util/log.h"

#define WAIT_MS 10000

typedef struct {
    AgentConfig *cfg;
    AgentServer *server;
    Dispatcher *d;
    HypervisorDriver drv; /* test_driver, possibly with a member replaced */
    bool qemu;            /* serve the agent's qemu_driver instead */
    char *dir, *rw, *ro, *log;
} Fixture;

typedef struct {
    int fd;
    GByteArray *in;
    GQueue frames; /* GBytes: whole messages without the length word */
    guint32 serial;
    bool eof;
} Client;

/* ---- the blocking driver member of the "vanish" case ---------------------- */

static GMutex block_lock;
static GCond block_cond;
static int block_entered;
static bool block_released;

/* node_get_info may block (it reads the host), so it runs on a worker: the
 * call stays in flight there while its client goes away. */
static bool
blocking_node_get_info(virConnectPtr conn, virNodeInfoPtr info, GError **error)
{
    g_mutex_lock(&block_lock);
    block_entered++;
    g_cond_broadcast(&block_cond);
    while (!block_released)
        g_cond_wait(&block_cond, &block_lock);
    g_mutex_unlock(&block_lock);
    memset(info, 0, sizeof(*info));
    return true;
}

/* Removes @path and everything below it. */
static bool
rm_rf(const char *path)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK))
        return g_remove(path) == 0 || errno == ENOENT;
    if (!(dir = g_dir_open(path, 0, NULL)))
        return false;
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (!rm_rf(child))
            return false;
    }
    return g_rmdir(path) == 0;
}

/* ---- fixture --------------------------------------------------------------------- */

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp("dispatch-XXXXXX", &error);
    g_assert_no_error(error);
    f->rw = g_build_filename(f->dir, "sock", NULL);
    f->ro = g_build_filename(f->dir, "sock-ro", NULL);
    f->log = g_build_filename(f->dir, "log", NULL);
    f->cfg = agent_config_new();
    f->cfg->max_workers = 4;
    f->cfg->min_workers = 1;
    f->cfg->max_client_requests = 5;
    f->drv = test_driver;
}

static void
fixture_start(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strdup_printf("file:%s", f->log);
    DispatcherOptions opts = { .driver = &f->drv, .driver_uri = "test:///default" };
    AgentServerHooks hooks;

    if (f->qemu) {
        g_autofree char *etc = g_build_filename(f->dir, "qemu", NULL);
        g_autofree char *state = g_build_filename(f->dir, "state", NULL);
        g_autofree char *run = g_build_filename(f->dir, "run", NULL);

        g_assert_true(qemu_driver_init(etc, state, run, &error));
        g_assert_no_error(error);
        opts = (DispatcherOptions){ .driver = &qemu_driver };
    }

    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, &error));
    f->server = agent_server_new(f->cfg, NULL, &error);
    g_assert_no_error(error);
    f->d = dispatcher_new(&opts, f->cfg);
    dispatcher_get_server_hooks(f->d, &hooks);
    agent_server_set_hooks(f->server, &hooks);
    g_assert_true(agent_server_listen(f->server, f->rw, false, 0600, (gid_t)-1, &error));
    g_assert_true(agent_server_listen(f->server, f->ro, true, 0666, (gid_t)-1, &error));
    g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_mutex_lock(&block_lock);
    block_released = true;
    g_cond_broadcast(&block_cond);
    g_mutex_unlock(&block_lock);
    if (f->server)
        g_assert_true(agent_server_drain(f->server, WAIT_MS));
    agent_server_free(f->server);
    dispatcher_unref(f->d);
    if (f->qemu) {
        g_autofree char *etc = g_build_filename(f->dir, "qemu", NULL);
        g_autofree char *state = g_build_filename(f->dir, "state", NULL);
        g_autofree char *run = g_build_filename(f->dir, "run", NULL);

        qemu_driver_shutdown();
        g_assert_true(rm_rf(etc) && rm_rf(state) && rm_rf(run));
    }
    log_shutdown();
    /* lib/'s event loop frees its entries from idle callbacks */
    for (int i = 0; i < 50; i++) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(1000);
    }
    agent_config_free(f->cfg);
    g_unlink(f->log);
    g_rmdir(f->dir);
    g_free(f->rw);
    g_free(f->ro);
    g_free(f->log);
    g_free(f->dir);
}

/* ---- raw protocol clients ------------------------------------------------------------ */

static Client *
client_new(Fixture *f, bool ro)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    Client *c = g_new0(Client, 1);

    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    g_assert_cmpint(c->fd, >=, 0);
    g_strlcpy(addr.sun_path, ro ? f->ro : f->rw, sizeof(addr.sun_path));
    g_assert_cmpint(connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    c->in = g_byte_array_new();
    g_queue_init(&c->frames);
    return c;
}

static void
client_free(Client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    g_byte_array_unref(c->in);
    g_queue_clear_full(&c->frames, (GDestroyNotify)g_bytes_unref);
    g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Client, client_free)

static void
client_write(Client *c, GBytes *msg)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(msg, &len);

    g_assert_cmpint(send(c->fd, data, len, MSG_NOSIGNAL), ==, (ssize_t)len);
}

/* Runs the main context a little and takes what arrived on @c. */
static void
client_pump(Client *c)
{
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    guint8 buf[65536];
    ssize_t n;

    while (g_main_context_iteration(NULL, FALSE))
        ;
    if (c->eof || poll(&pfd, 1, 2) <= 0)
        return;
    n = read(c->fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c->eof = true;
        return;
    }
    if (n > 0)
        g_byte_array_append(c->in, buf, (guint)n);
    while (c->in->len >= 4) {
        guint32 word;

        memcpy(&word, c->in->data, 4);
        word = GUINT32_FROM_BE(word);
        g_assert_cmpuint(word, >=, 28);
        if (c->in->len < word)
            break;
        g_queue_push_tail(&c->frames, g_bytes_new(c->in->data + 4, word - 4));
        g_byte_array_remove_range(c->in, 0, word);
    }
}

typedef bool (*FrameMatch)(const RpcHeader *h, gconstpointer data);

/* The first received message @match accepts, waiting up to @ms; NULL if
 * none came. */
static GBytes *
client_wait(Client *c, FrameMatch match, gconstpointer data, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    for (;;) {
        for (GList *l = c->frames.head; l; l = l->next) {
            gsize len;
            const guint8 *body = g_bytes_get_data(l->data, &len);
            RpcHeader h;

            g_assert_true(rpc_header_decode(body, len, &h, NULL));
            if (match(&h, data)) {
                GBytes *frame = l->data;

                g_queue_delete_link(&c->frames, l);
                return frame;
            }
        }
        if (c->eof || g_get_monotonic_time() >= deadline)
            return NULL;
        client_pump(c);
    }
}

static bool
match_reply(const RpcHeader *h, gconstpointer data)
{
    return h->type == RPC_TYPE_REPLY && h->serial == GPOINTER_TO_UINT(data);
}

static bool
match_message(const RpcHeader *h, gconstpointer data)
{
    return h->type == RPC_TYPE_MESSAGE && h->procedure == GPOINTER_TO_INT(data) &&
           h->prog == RPC_REMOTE_PROGRAM;
}

static bool
match_keepalive(const RpcHeader *h, gconstpointer data)
{
    return h->prog == RPC_KEEPALIVE_PROGRAM && h->procedure == GPOINTER_TO_INT(data);
}

static bool
match_any(const RpcHeader *h, gconstpointer data)
{
    return true;
}

/* Sends a message with every header field chosen; returns its serial. */
static guint32
client_send(Client *c, guint32 prog, guint32 vers, int procedure, int type, int status,
            xdrproc_t proc, const void *args)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) msg = NULL;
    RpcHeader h = {
        .prog = prog,
        .vers = vers,
        .procedure = procedure,
        .type = type,
        .serial = c->serial++,
        .status = status,
    };

    msg = rpc_message_encode(&h, proc, args, &error);
    g_assert_no_error(error);
    client_write(c, msg);
    return h.serial;
}

static guint32
client_call_send(Client *c, int procedure, xdrproc_t proc, const void *args)
{
    return client_send(c, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, procedure, RPC_TYPE_CALL,
                       RPC_STATUS_OK, proc, args);
}

/* The reply to @serial (asserts it came). */
static GBytes *
client_reply(Client *c, guint32 serial, RpcHeader *ret_header)
{
    GBytes *frame = client_wait(c, match_reply, GUINT_TO_POINTER(serial), WAIT_MS);

    g_assert_nonnull(frame);
    g_assert_true(rpc_header_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                    ret_header, NULL));
    return frame;
}

/* Calls @procedure; asserts an OK reply whose payload decodes into @ret
 * (free with rpc_payload_free). Returns the reply payload size. */
static gsize
call_ok(Client *c, int procedure, const void *args, void *ret)
{
    const RpcProcedure *p = rpc_remote_procedure(procedure);
    guint32 serial = client_call_send(c, procedure, p->args_proc, args);
    RpcHeader h;
    g_autoptr(GBytes) frame = client_reply(c, serial, &h);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(h.prog, ==, RPC_REMOTE_PROGRAM);
    g_assert_cmpint(h.procedure, ==, procedure);
    if (h.status != RPC_STATUS_OK) {
        RpcError err;

        g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                         (xdrproc_t)xdr_RpcError, &err, sizeof(err), NULL));
        g_error("procedure %d failed: code %d: %s", procedure, err.code,
                err.message ? *err.message : "");
    }
    g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                     p->ret_proc, ret, p->ret_size, &error));
    g_assert_no_error(error);
    return g_bytes_get_size(frame) - RPC_HEADER_SIZE;
}

/* Asserts that the reply to @serial is an error; returns it decoded. */
static void
reply_err(Client *c, guint32 serial, RpcError *ret_err)
{
    RpcHeader h;
    g_autoptr(GBytes) frame = client_reply(c, serial, &h);

    g_assert_cmpint(h.status, ==, RPC_STATUS_ERROR);
    g_assert_cmpint(h.type, ==, RPC_TYPE_REPLY);
    g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                     (xdrproc_t)xdr_RpcError, ret_err, sizeof(*ret_err), NULL));
    g_assert_cmpint(ret_err->level, ==, 2);
    g_assert_nonnull(ret_err->message);
}

static void
call_err(Client *c, int procedure, const void *args, RpcError *ret_err)
{
    const RpcProcedure *p = rpc_remote_procedure(procedure);

    reply_err(c, client_call_send(c, procedure, p->args_proc, args), ret_err);
}

/* An error reply with exactly @code, @domain and @message. */
static void
assert_error(RpcError *err, int code, int domain, const char *message)
{
    g_assert_cmpstr(*err->message, ==, message);
    g_assert_cmpint(err->code, ==, code);
    g_assert_cmpint(err->domain, ==, domain);
    rpc_payload_free((xdrproc_t)xdr_RpcError, err);
}

static void
client_open(Client *c, unsigned int flags)
{
    char *name = (char *)"qemu:///system";
    RpcConnectOpenArgs args = { .name = &name, .flags = flags };

    g_assert_cmpuint(call_ok(c, RPC_PROC_CONNECT_OPEN, &args, NULL), ==, 0);
}

static int
feature(Client *c, int which)
{
    RpcConnectSupportsFeatureArgs a = { .feature = which };
    RpcConnectSupportsFeatureRet r;

    call_ok(c, RPC_PROC_CONNECT_SUPPORTS_FEATURE, &a, &r);
    return r.supported;
}

static bool
client_wait_eof(Client *c, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (!c->eof && g_get_monotonic_time() < deadline)
        client_pump(c);
    return c->eof;
}

/* The payload of @frame as hex words, for layout checks. */
static char *
payload_hex(GBytes *frame)
{
    gsize len;
    const guint8 *body = g_bytes_get_data(frame, &len);
    GString *s = g_string_new(NULL);

    for (gsize i = RPC_HEADER_SIZE; i < len; i++) {
        if (i > RPC_HEADER_SIZE && (i - RPC_HEADER_SIZE) % 4 == 0)
            g_string_append_c(s, ' ');
        g_string_append_printf(s, "%02x", body[i]);
    }
    return g_string_free(s, FALSE);
}

/* The raw reply payload of a call, as hex. */
static char *
call_hex(Client *c, int procedure, const void *args)
{
    const RpcProcedure *p = rpc_remote_procedure(procedure);
    guint32 serial = client_call_send(c, procedure, p->args_proc, args);
    RpcHeader h;
    g_autoptr(GBytes) frame = client_reply(c, serial, &h);

    g_assert_cmpint(h.status, ==, RPC_STATUS_OK);
    return payload_hex(frame);
}

static void
lookup_domain(Client *c, const char *name, RpcDomain *ret_dom)
{
    RpcDomainLookupByNameArgs a = { .name = (char *)name };
    RpcDomainLookupByNameRet r;

    call_ok(c, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &a, &r);
    *ret_dom = r.dom; /* owned by the caller now */
}

static void
define_domain(Client *c, const char *name, RpcDomain *ret_dom)
{
    g_autofree char *xml = g_strdup_printf("<domain type='test'><name>%s</name>"
                                           "<memory>65536</memory><vcpu>1</vcpu>"
                                           "<os><type>hvm</type></os></domain>",
                                           name);
    RpcDomainDefineXmlArgs a = { .xml = xml };
    RpcDomainDefineXmlRet r;

    call_ok(c, RPC_PROC_DOMAIN_DEFINE_XML, &a, &r);
    g_assert_cmpstr(r.dom.name, ==, name);
    g_assert_cmpint(r.dom.id, ==, -1);
    if (ret_dom)
        *ret_dom = r.dom;
    else
        rpc_payload_free((xdrproc_t)xdr_RpcDomain, &r.dom);
}

static bool
log_contains(Fixture *f, const char *text)
{
    g_autofree char *log = NULL;

    g_assert_true(g_file_get_contents(f->log, &log, NULL, NULL));
    return strstr(log, text) != NULL;
}

/* ---- cases ------------------------------------------------------------------------------ */

/* virsh's handshake and teardown (trace doc B), with the exact bytes of
 * the AUTH_LIST reply (fact sheet §1). */
static void
test_handshake_virsh(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(GBytes) frame = NULL;
    RpcConnectGetHostnameRet host;
    RpcHeader h;
    guint32 serial;
    gsize len;
    const guint8 *bytes;
    const guint8 expect[] = { 0x20, 0x00, 0x80, 0x86, 0, 0, 0, 1, 0, 0, 0, 0x42, 0, 0, 0, 1,
                              0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 1,    0, 0, 0, 0 };

    fixture_start(f);
    c = client_new(f, false);
    serial = client_call_send(c, RPC_PROC_AUTH_LIST, NULL, NULL);
    g_assert_cmpuint(serial, ==, 0);
    frame = client_reply(c, serial, &h);
    bytes = g_bytes_get_data(frame, &len);
    g_assert_cmpmem(bytes, len, expect, sizeof(expect));

    g_assert_cmpint(feature(c, 10), ==, 1);
    client_open(c, 0);
    g_assert_cmpint(feature(c, 14), ==, 1);
    g_assert_cmpint(feature(c, 15), ==, 1);
    g_assert_cmpuint(call_ok(c, RPC_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, NULL, NULL), ==, 0);
    call_ok(c, RPC_PROC_CONNECT_GET_HOSTNAME, NULL, &host);
    g_assert_cmpstr(host.hostname, ==, g_get_host_name());
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetHostnameRet, &host);
    g_assert_cmpuint(call_ok(c, RPC_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, NULL, NULL), ==, 0);
    g_assert_cmpuint(call_ok(c, RPC_PROC_CONNECT_CLOSE, NULL, NULL), ==, 0);
    g_assert_true(client_wait_eof(c, WAIT_MS));
}

/* python's listAllDomains() + info() sequence (trace doc C). */
static void
test_handshake_python(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    RpcConnectListAllDomainsArgs la = { .need_results = 1, .flags = 0 };
    RpcConnectListAllDomainsRet lr;
    RpcDomainGetInfoArgs ia;
    RpcDomainGetInfoRet ir;
    RpcAuthListRet auth;
    int found = -1;

    fixture_start(f);
    c = client_new(f, false);
    call_ok(c, RPC_PROC_AUTH_LIST, NULL, &auth);
    g_assert_cmpuint(auth.types.types_len, ==, 1);
    g_assert_cmpint(auth.types.types_val[0], ==, RPC_AUTH_NONE);
    rpc_payload_free((xdrproc_t)xdr_RpcAuthListRet, &auth);
    client_open(c, 0);
    g_assert_cmpint(feature(c, 14), ==, 1);
    g_assert_cmpint(feature(c, 15), ==, 1);
    call_ok(c, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la, &lr);
    g_assert_cmpuint(lr.ret, ==, lr.domains.domains_len);
    for (u_int i = 0; i < lr.domains.domains_len; i++) {
        if (strcmp(lr.domains.domains_val[i].name, "test") == 0)
            found = (int)i;
    }
    g_assert_cmpint(found, >=, 0);
    g_assert_cmpint(lr.domains.domains_val[found].id, >, 0); /* running */
    ia.dom = lr.domains.domains_val[found];
    g_assert_cmpuint(call_ok(c, RPC_PROC_DOMAIN_GET_INFO, &ia, &ir), ==, 32);
    g_assert_cmpint(ir.state, ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpuint(ir.nr_virt_cpu, >=, 1);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllDomainsRet, &lr);
    call_ok(c, RPC_PROC_CONNECT_CLOSE, NULL, NULL);
    g_assert_true(client_wait_eof(c, WAIT_MS));
}

/* Reply layouts of the cheap procedures and a few driver ones. */
static void
test_layouts(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autofree char *model = NULL, *label = NULL, *msgs = NULL, *count = NULL;
    RpcDomain dom;
    RpcConnectListAllDomainsArgs la = { .need_results = 0, .flags = 0 };
    RpcDomainGetSecurityLabelArgs sa;
    RpcDomainGetMessagesArgs ma;
    RpcDomainHasManagedSaveImageArgs msa;
    RpcDomainHasManagedSaveImageRet msr;
    RpcDomainSnapshotNumArgs sna;
    RpcDomainSnapshotNumRet snr;
    RpcDomainGetStateArgs sta;
    RpcDomainGetStateRet str;
    RpcNodeGetInfoRet ni;
    RpcConnectGetTypeRet type;
    RpcConnectGetLibVersionRet lib;
    RpcConnectGetUriRet uri;
    RpcConnectIsSecureRet sec;
    RpcNetworkLookupByNameArgs nla = { .name = (char *)"default" };
    RpcNetworkLookupByNameRet nlr;
    RpcNetworkGetBridgeNameArgs nba;
    RpcNetworkGetBridgeNameRet nbr;
    RpcNetworkIsActiveArgs naa;
    RpcNetworkIsActiveRet nar;
    RpcNetworkGetDhcpLeasesArgs nda = { .need_results = 1 };
    RpcNetworkGetDhcpLeasesRet ndr;
    RpcConnectListAllNetworksArgs lna = { .need_results = 1, .flags = 2 };
    RpcConnectListAllNetworksRet lnr;

    fixture_start(f);
    c = client_new(f, false);
    client_open(c, 0);

    /* libvirtd's answers with the "none" security driver (trace doc E) */
    model = call_hex(c, RPC_PROC_NODE_GET_SECURITY_MODEL, NULL);
    g_assert_cmpstr(model, ==,
                    "00000005 0000006e 0000006f 0000006e 00000065 00000000 00000002 00000030 "
                    "00000000");
    lookup_domain(c, "test", &dom);
    sa.dom = dom;
    label = call_hex(c, RPC_PROC_DOMAIN_GET_SECURITY_LABEL, &sa);
    g_assert_cmpstr(label, ==, "00000001 00000000 00000000");
    ma = (RpcDomainGetMessagesArgs){ .dom = dom, .flags = 0 };
    msgs = call_hex(c, RPC_PROC_DOMAIN_GET_MESSAGES, &ma);
    g_assert_cmpstr(msgs, ==, "00000000");
    msa = (RpcDomainHasManagedSaveImageArgs){ .dom = dom };
    call_ok(c, RPC_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, &msa, &msr);
    g_assert_cmpint(msr.result, ==, 0);
    sna = (RpcDomainSnapshotNumArgs){ .dom = dom };
    call_ok(c, RPC_PROC_DOMAIN_SNAPSHOT_NUM, &sna, &snr);
    g_assert_cmpint(snr.num, ==, 0);
    sta = (RpcDomainGetStateArgs){ .dom = dom };
    call_ok(c, RPC_PROC_DOMAIN_GET_STATE, &sta, &str);
    g_assert_cmpint(str.state, ==, VIR_DOMAIN_RUNNING);
    rpc_payload_free((xdrproc_t)xdr_RpcDomain, &dom);

    /* need_results 0: an empty list and only the count */
    count = call_hex(c, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la);
    g_assert_true(g_str_has_prefix(count, "00000000 "));
    g_assert_cmpstr(count, !=, "00000000 00000000");

    g_assert_cmpuint(call_ok(c, RPC_PROC_NODE_GET_INFO, NULL, &ni), ==, 160);
    g_assert_cmpstr(ni.model, ==, "i686");
    g_assert_cmpint(ni.cpus, ==, 16);
    call_ok(c, RPC_PROC_CONNECT_GET_TYPE, NULL, &type);
    g_assert_cmpstr(type.type, ==, "TEST");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetTypeRet, &type);
    call_ok(c, RPC_PROC_CONNECT_GET_LIB_VERSION, NULL, &lib);
    g_assert_cmpuint(lib.lib_ver, ==, 9000000);
    call_ok(c, RPC_PROC_CONNECT_GET_URI, NULL, &uri);
    g_assert_cmpstr(uri.uri, ==, "qemu:///system");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetUriRet, &uri);
    call_ok(c, RPC_PROC_CONNECT_IS_SECURE, NULL, &sec);
    g_assert_cmpint(sec.secure, ==, 1);

    /* the feature table (fact sheet §4) */
    g_assert_cmpint(feature(c, 1), ==, 0);
    g_assert_cmpint(feature(c, 3), ==, 0);
    g_assert_cmpint(feature(c, 8), ==, 0);
    g_assert_cmpint(feature(c, 9), ==, 1);
    g_assert_cmpint(feature(c, 16), ==, 1);
    g_assert_cmpint(feature(c, 17), ==, 0);
    g_assert_cmpint(feature(c, -1), ==, 0);

    /* networks */
    call_ok(c, RPC_PROC_NETWORK_LOOKUP_BY_NAME, &nla, &nlr);
    g_assert_cmpstr(nlr.net.name, ==, "default");
    nba.net = nlr.net;
    call_ok(c, RPC_PROC_NETWORK_GET_BRIDGE_NAME, &nba, &nbr);
    g_assert_cmpstr(nbr.name, ==, "virbr0");
    rpc_payload_free((xdrproc_t)xdr_RpcNetworkGetBridgeNameRet, &nbr);
    naa.net = nlr.net;
    call_ok(c, RPC_PROC_NETWORK_IS_ACTIVE, &naa, &nar);
    g_assert_cmpint(nar.active, ==, 1);
    nda.net = nlr.net;
    call_ok(c, RPC_PROC_NETWORK_GET_DHCP_LEASES, &nda, &ndr);
    g_assert_cmpuint(ndr.ret, ==, ndr.leases.leases_len);
    rpc_payload_free((xdrproc_t)xdr_RpcNetworkGetDhcpLeasesRet, &ndr);
    rpc_payload_free((xdrproc_t)xdr_RpcNetworkLookupByNameRet, &nlr);
    call_ok(c, RPC_PROC_CONNECT_LIST_ALL_NETWORKS, &lna, &lnr);
    g_assert_cmpuint(lnr.ret, ==, 1);
    g_assert_cmpstr(lnr.nets.nets_val[0].name, ==, "default");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllNetworksRet, &lnr);
}

/* Lookup misses keep the driver's code, domain and message. */
static void
test_errors_miss(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    RpcDomainLookupByNameArgs da = { .name = (char *)"nosuch" };
    RpcNetworkLookupByNameArgs na = { .name = (char *)"nonet" };
    RpcError err;

    fixture_start(f);
    c = client_new(f, false);
    client_open(c, 0);
    call_err(c, RPC_PROC_DOMAIN_LOOKUP_BY_NAME, &da, &err);
    assert_error(&err, VIR_ERR_NO_DOMAIN, VIR_FROM_TEST,
                 "Domain not found: no domain with matching name 'nosuch'");
    call_err(c, RPC_PROC_NETWORK_LOOKUP_BY_NAME, &na, &err);
    assert_error(&err, VIR_ERR_NO_NETWORK, VIR_FROM_TEST,
                 "Network not found: no network with matching name 'nonet'");
    /* one log line per failed call */
    g_assert_true(log_contains(f, "DOMAIN_LOOKUP_BY_NAME (serial 1) failed: Domain not found"));
}

/* Frame-level errors, in libvirtd's words (trace doc G). */
static void
test_errors_protocol(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(GBytes) pong = NULL;
    g_autoptr(GBytes) frame = NULL;
    RpcConnectSupportsFeatureArgs fa = { .feature = 14 };
    RpcHeader h;
    RpcError err;
    guint32 serial;

    fixture_start(f);
    c = client_new(f, false);

    /* before CONNECT_OPEN: keepalive and feature 10 only */
    client_send(c, RPC_KEEPALIVE_PROGRAM, RPC_KEEPALIVE_VERSION, RPC_KEEPALIVE_PROC_PING,
                RPC_TYPE_MESSAGE, RPC_STATUS_OK, NULL, NULL);
    pong = client_wait(c, match_keepalive, GINT_TO_POINTER(RPC_KEEPALIVE_PROC_PONG), WAIT_MS);
    g_assert_nonnull(pong);
    g_assert_cmpuint(g_bytes_get_size(pong), ==, RPC_HEADER_SIZE);
    call_err(c, RPC_PROC_CONNECT_GET_HOSTNAME, NULL, &err);
    assert_error(&err, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                 "internal error: hypervisor connection not open");
    call_err(c, RPC_PROC_CONNECT_SUPPORTS_FEATURE, &fa, &err);
    assert_error(&err, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                 "internal error: hypervisor connection not open");
    g_assert_cmpint(feature(c, 10), ==, 1);
    client_open(c, 0);

    /* unknown procedures; an event number as a CALL */
    reply_err(c, client_call_send(c, 9999, NULL, NULL), &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "unknown procedure: 9999");
    reply_err(c, client_call_send(c, 444, NULL, NULL), &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "unknown procedure: 444");
    reply_err(c, client_call_send(c, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, NULL, NULL), &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "unknown procedure: 318");

    /* unknown program: the error reply keeps the program number */
    serial = client_send(c, 0x12345678, 1, 1, RPC_TYPE_CALL, RPC_STATUS_OK, NULL, NULL);
    frame = client_reply(c, serial, &h);
    g_assert_cmpuint(h.prog, ==, 0x12345678);
    g_assert_cmpint(h.status, ==, RPC_STATUS_ERROR);
}

static void
test_errors_protocol2(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(GBytes) pong = NULL;
    char *bad = (char *)"foo:///bar";
    RpcConnectOpenArgs oa = { .name = &bad };
    RpcDomainLookupByNameArgs la = { .name = (char *)"test" };
    RpcHeader h = { .prog = RPC_REMOTE_PROGRAM,
                    .vers = RPC_REMOTE_VERSION,
                    .procedure = RPC_PROC_DOMAIN_LOOKUP_BY_NAME,
                    .type = RPC_TYPE_CALL };
    RpcConnectGetHostnameRet host;
    RpcError err;
    guint32 serial;

    fixture_start(f);
    c = client_new(f, false);

    serial = client_send(c, 0x12345678, 1, 1, RPC_TYPE_CALL, RPC_STATUS_OK, NULL, NULL);
    reply_err(c, serial, &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "Cannot find program 305419896 version 1");
    serial = client_send(c, RPC_REMOTE_PROGRAM, 2, 1, RPC_TYPE_CALL, RPC_STATUS_OK, NULL, NULL);
    reply_err(c, serial, &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "Cannot find program 536903814 version 2");
    /* a MESSAGE to an unknown program is dropped: the PONG comes first */
    client_send(c, 0x12345678, 1, 1, RPC_TYPE_MESSAGE, RPC_STATUS_OK, NULL, NULL);
    client_send(c, RPC_KEEPALIVE_PROGRAM, RPC_KEEPALIVE_VERSION, RPC_KEEPALIVE_PROC_PING,
                RPC_TYPE_MESSAGE, RPC_STATUS_OK, NULL, NULL);
    pong = client_wait(c, match_any, NULL, WAIT_MS);
    g_assert_nonnull(pong);
    g_assert_cmpuint(GUINT32_FROM_BE(*(const guint32 *)g_bytes_get_data(pong, NULL)), ==,
                     RPC_KEEPALIVE_PROGRAM);

    /* wrong status, wrong type */
    serial = client_send(c, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_AUTH_LIST,
                         RPC_TYPE_CALL, RPC_STATUS_ERROR, NULL, NULL);
    reply_err(c, serial, &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "Unexpected message status 1");
    serial = client_send(c, RPC_REMOTE_PROGRAM, RPC_REMOTE_VERSION, RPC_PROC_AUTH_LIST,
                         RPC_TYPE_MESSAGE, RPC_STATUS_OK, NULL, NULL);
    reply_err(c, serial, &err);
    assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "Unexpected message type 2");

    /* CONNECT_OPEN: a URI we do not serve, then twice */
    call_err(c, RPC_PROC_CONNECT_OPEN, &oa, &err);
    assert_error(&err, VIR_ERR_NO_CONNECT, VIR_FROM_NONE,
                 "no connection driver available for foo:///bar");
    client_open(c, 0);
    call_err(c, RPC_PROC_CONNECT_OPEN, &oa, &err);
    assert_error(&err, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                 "internal error: connection already open");
    call_ok(c, RPC_PROC_CONNECT_GET_HOSTNAME, NULL, &host);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetHostnameRet, &host);

    /* a truncated payload: LOOKUP_BY_NAME("test") cut to 3 bytes */
    {
        g_autoptr(GBytes) full = NULL;
        guint8 *bytes;
        gsize len;

        h.serial = c->serial++;
        full = rpc_message_encode(&h, (xdrproc_t)xdr_RpcDomainLookupByNameArgs, &la, NULL);
        bytes = g_memdup2(g_bytes_get_data(full, &len), 4 + RPC_HEADER_SIZE + 3);
        *(guint32 *)bytes = GUINT32_TO_BE(4 + RPC_HEADER_SIZE + 3);
        g_bytes_unref(full);
        full = g_bytes_new_take(bytes, 4 + RPC_HEADER_SIZE + 3);
        client_write(c, full);
        reply_err(c, h.serial, &err);
        assert_error(&err, VIR_ERR_RPC, VIR_FROM_RPC, "Unable to decode message payload");
    }
    /* still healthy */
    call_ok(c, RPC_PROC_CONNECT_GET_HOSTNAME, NULL, &host);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetHostnameRet, &host);
}

/* Every procedure the agent knows, with an all-zero payload (which
 * decodes for every argument type): none answers "unknown procedure";
 * on the read-only socket every mutating one is denied. */
static void
run_table(Fixture *f, Client *c, bool ro)
{
    gsize count = 0;
    const RpcProcedure *table = rpc_procedure_table(RPC_REMOTE_PROGRAM, &count);
    g_autoptr(GBytes) zeros = g_bytes_new_take(g_malloc0(512), 512);
    guint denied = 0;

    for (gsize i = 0; i < count; i++) {
        const RpcProcedure *p = &table[i];
        RpcHeader h = { .prog = RPC_REMOTE_PROGRAM,
                        .vers = RPC_REMOTE_VERSION,
                        .procedure = p->number,
                        .type = RPC_TYPE_CALL };
        g_autoptr(GBytes) head = NULL;
        g_autoptr(GBytes) reply = NULL;
        g_autoptr(GByteArray) msg = g_byte_array_new();
        guint32 word;
        RpcHeader rh;
        RpcError err;

        if ((p->flags & RPC_PROC_FLAG_EVENT) || p->number == RPC_PROC_CONNECT_CLOSE ||
            p->number == RPC_PROC_CONNECT_OPEN)
            continue;
        h.serial = c->serial++;
        head = rpc_message_encode(&h, NULL, NULL, NULL);
        g_byte_array_append(msg, g_bytes_get_data(head, NULL), g_bytes_get_size(head));
        g_byte_array_append(msg, g_bytes_get_data(zeros, NULL), 512);
        word = GUINT32_TO_BE(msg->len);
        memcpy(msg->data, &word, 4);
        g_assert_cmpint(send(c->fd, msg->data, msg->len, MSG_NOSIGNAL), ==, (ssize_t)msg->len);
        reply = client_reply(c, h.serial, &rh);
        if (rh.status == RPC_STATUS_OK) {
            g_assert_false(ro && (p->flags & RPC_PROC_FLAG_MUTATES));
            continue;
        }
        g_assert_true(rpc_payload_decode(g_bytes_get_data(reply, NULL), g_bytes_get_size(reply),
                                         (xdrproc_t)xdr_RpcError, &err, sizeof(err), NULL));
        if (g_str_has_prefix(*err.message, "unknown procedure"))
            g_error("%s answered '%s'", p->name, *err.message);
        if (ro && (p->flags & RPC_PROC_FLAG_MUTATES)) {
            g_assert_cmpint(err.code, ==, VIR_ERR_OPERATION_DENIED);
            if (!g_str_has_prefix(*err.message,
                                  "operation forbidden: read only access prevents vir"))
                g_error("%s: '%s'", p->name, *err.message);
            denied++;
        }
        rpc_payload_free((xdrproc_t)xdr_RpcError, &err);
    }
    if (ro)
        g_assert_cmpuint(denied, >=, 20);
}

static void
test_readonly_socket(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(Client) rw = NULL;
    RpcConnectListAllDomainsArgs la = { .need_results = 1, .flags = 0 };
    RpcConnectListAllDomainsRet lr, lr2;
    RpcDomainDefineXmlArgs da = { .xml = (char *)"<domain/>" };
    RpcError err;

    fixture_start(f);
    c = client_new(f, true);
    client_open(c, 0); /* read-only whatever the flags say */
    call_ok(c, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la, &lr);
    call_err(c, RPC_PROC_DOMAIN_DEFINE_XML, &da, &err);
    assert_error(&err, VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,
                 "operation forbidden: read only access prevents virDomainDefineXML");
    run_table(f, c, true);
    /* nothing changed meanwhile */
    call_ok(c, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la, &lr2);
    g_assert_cmpuint(lr.ret, ==, lr2.ret);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllDomainsRet, &lr);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllDomainsRet, &lr2);

    /* the rw socket knows every procedure too */
    rw = client_new(f, false);
    client_open(rw, 0);
    run_table(f, rw, false);
}

static void
test_readonly_flag(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    RpcNetworkDefineXmlArgs na = { .xml = (char *)"<network/>" };
    RpcError err;

    fixture_start(f);
    c = client_new(f, false);
    client_open(c, VIR_CONNECT_RO);
    call_err(c, RPC_PROC_NETWORK_DEFINE_XML, &na, &err);
    assert_error(&err, VIR_ERR_OPERATION_DENIED, VIR_FROM_NETWORK,
                 "operation forbidden: read only access prevents virNetworkDefineXML");
}

static GBytes *
keepalive_pong(void)
{
    RpcHeader h = { .prog = RPC_KEEPALIVE_PROGRAM,
                    .vers = RPC_KEEPALIVE_VERSION,
                    .procedure = RPC_KEEPALIVE_PROC_PONG,
                    .type = RPC_TYPE_MESSAGE };

    return rpc_message_encode(&h, NULL, NULL, NULL);
}

static void
test_keepalive(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(Client) quiet = NULL;
    g_autoptr(GBytes) ping = NULL;
    g_autoptr(GBytes) ping2 = NULL;
    g_autoptr(GBytes) pong = keepalive_pong();

    f->cfg->keepalive_interval = 1;
    f->cfg->keepalive_count = 1;
    fixture_start(f);
    /* a client that never asked for feature 10 is never pinged */
    quiet = client_new(f, false);
    client_open(quiet, 0);

    c = client_new(f, false);
    g_assert_cmpint(feature(c, 10), ==, 1);
    ping = client_wait(c, match_keepalive, GINT_TO_POINTER(RPC_KEEPALIVE_PROC_PING), 3000);
    g_assert_nonnull(ping);
    client_write(c, pong);
    ping2 = client_wait(c, match_keepalive, GINT_TO_POINTER(RPC_KEEPALIVE_PROC_PING), 3000);
    g_assert_nonnull(ping2);
    /* unanswered: dropped after keepalive_count pings */
    g_assert_true(client_wait_eof(c, 5000));
    g_assert_true(log_contains(f, "keepalive"));
    g_assert_null(client_wait(quiet, match_any, NULL, 100));
    g_assert_false(quiet->eof);
}

static GBytes *
wait_event(Client *c, int procedure, int ms, RpcHeader *ret_header)
{
    GBytes *frame = client_wait(c, match_message, GINT_TO_POINTER(procedure), ms);

    if (frame)
        g_assert_true(rpc_header_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                        ret_header, NULL));
    return frame;
}

static void
expect_domain_event(Client *c, int callback_id, const char *name, int event)
{
    RpcHeader h;
    g_autoptr(GBytes) frame = wait_event(c, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, WAIT_MS, &h);
    RpcDomainEventCallbackLifecycleMsg msg;

    g_assert_nonnull(frame);
    g_assert_cmpuint(h.serial, ==, 1);
    g_assert_cmpint(h.status, ==, RPC_STATUS_OK);
    g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                     (xdrproc_t)xdr_RpcDomainEventCallbackLifecycleMsg, &msg,
                                     sizeof(msg), NULL));
    g_assert_cmpint(msg.callback_id, ==, callback_id);
    g_assert_cmpstr(msg.dom.name, ==, name);
    g_assert_cmpint(msg.dom.id, ==, -1);
    g_assert_cmpint(msg.event, ==, event);
    g_assert_cmpint(msg.detail, ==, 0);
    rpc_payload_free((xdrproc_t)xdr_RpcDomainEventCallbackLifecycleMsg, &msg);
}

/* 316/313 registrations, 318/315 MESSAGEs with the server-side callback
 * IDs, filtering by object, deregistration, the legacy 167/107 path. */
static void
test_events(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) a = NULL;
    g_autoptr(Client) b = NULL;
    RpcConnectDomainEventCallbackRegisterAnyArgs ra = { .event_id = 0 };
    RpcConnectDomainEventCallbackRegisterAnyRet rr_a, rr_b, rr_test, rr_other;
    RpcConnectDomainEventCallbackDeregisterAnyArgs da;
    RpcConnectNetworkEventRegisterAnyArgs na = { .event_id = 0 };
    RpcConnectNetworkEventRegisterAnyRet nr;
    RpcConnectDomainEventRegisterAnyArgs la = { .event_id = 0 };
    RpcNetworkDefineXmlArgs nda = { .xml = (char *)"<network><name>evnet</name>"
                                                   "<bridge name='virbr77'/></network>" };
    RpcNetworkDefineXmlRet ndr;
    RpcDomainUndefineArgs ua;
    RpcDomain test_dom, ev;
    RpcNetworkEventLifecycleMsg nmsg;
    RpcDomainEventLifecycleMsg lmsg;
    RpcHeader h;
    RpcError err;
    GBytes *frame;

    fixture_start(f);
    a = client_new(f, false);
    b = client_new(f, false);
    client_open(a, 0);
    client_open(b, 0);

    /* daemon-wide counter: the next client gets the next ID */
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &rr_a);
    call_ok(b, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &rr_b);
    g_assert_cmpint(rr_b.callback_id, ==, rr_a.callback_id + 1);
    lookup_domain(a, "test", &test_dom);
    ra.dom = &test_dom;
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &rr_test);
    ra.dom = NULL;
    ra.event_id = VIR_DOMAIN_EVENT_ID_REBOOT; /* accepted, never sent */
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &rr_other);
    ra.event_id = 27;
    call_err(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &err);
    assert_error(&err, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                 "internal error: unsupported event ID 27");
    call_ok(a, RPC_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY, &na, &nr);

    /* b defines: both get DEFINED with their own callback ID, a only once
     * (its registration for "test" does not match) */
    define_domain(b, "evdom", &ev);
    expect_domain_event(a, rr_a.callback_id, "evdom", VIR_DOMAIN_EVENT_DEFINED);
    expect_domain_event(b, rr_b.callback_id, "evdom", VIR_DOMAIN_EVENT_DEFINED);
    g_assert_null(wait_event(a, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, 200, &h));

    call_ok(b, RPC_PROC_NETWORK_DEFINE_XML, &nda, &ndr);
    frame = wait_event(a, RPC_PROC_NETWORK_EVENT_LIFECYCLE, WAIT_MS, &h);
    g_assert_nonnull(frame);
    g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                     (xdrproc_t)xdr_RpcNetworkEventLifecycleMsg, &nmsg,
                                     sizeof(nmsg), NULL));
    g_assert_cmpint(nmsg.callback_id, ==, nr.callback_id);
    g_assert_cmpstr(nmsg.net.name, ==, "evnet");
    g_assert_cmpint(nmsg.event, ==, VIR_NETWORK_EVENT_DEFINED);
    rpc_payload_free((xdrproc_t)xdr_RpcNetworkEventLifecycleMsg, &nmsg);
    rpc_payload_free((xdrproc_t)xdr_RpcNetworkDefineXmlRet, &ndr);
    g_bytes_unref(frame);

    /* deregistered: a hears nothing more about evdom; twice is an error */
    da.callback_id = rr_a.callback_id;
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &da, NULL);
    call_err(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &da, &err);
    g_assert_cmpint(err.code, ==, VIR_ERR_RPC);
    g_assert_true(g_str_has_suffix(*err.message, "not registered"));
    rpc_payload_free((xdrproc_t)xdr_RpcError, &err);
    /* the legacy path: 167, then events as 107 without callback ID */
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY, &la, NULL);
    call_err(a, RPC_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY, &la, &err);
    assert_error(&err, VIR_ERR_INTERNAL_ERROR, VIR_FROM_RPC,
                 "internal error: domain event 0 already registered");

    ua.dom = ev;
    call_ok(b, RPC_PROC_DOMAIN_UNDEFINE, &ua, NULL);
    expect_domain_event(b, rr_b.callback_id, "evdom", VIR_DOMAIN_EVENT_UNDEFINED);
    frame = wait_event(a, RPC_PROC_DOMAIN_EVENT_LIFECYCLE, WAIT_MS, &h);
    g_assert_nonnull(frame);
    g_assert_true(rpc_payload_decode(g_bytes_get_data(frame, NULL), g_bytes_get_size(frame),
                                     (xdrproc_t)xdr_RpcDomainEventLifecycleMsg, &lmsg, sizeof(lmsg),
                                     NULL));
    g_assert_cmpstr(lmsg.dom.name, ==, "evdom");
    g_assert_cmpint(lmsg.event, ==, VIR_DOMAIN_EVENT_UNDEFINED);
    rpc_payload_free((xdrproc_t)xdr_RpcDomainEventLifecycleMsg, &lmsg);
    g_bytes_unref(frame);
    g_assert_null(wait_event(a, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, 200, &h));
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, &la, NULL);

    rpc_payload_free((xdrproc_t)xdr_RpcDomain, &ev);
    rpc_payload_free((xdrproc_t)xdr_RpcDomain, &test_dom);
    /* a closes with registrations left: they go with it */
}

static bool
wait_for(bool (*cond)(Fixture *f), Fixture *f, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (!cond(f)) {
        if (g_get_monotonic_time() >= deadline)
            return false;
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(1000);
    }
    return true;
}

static bool
call_blocked(Fixture *f)
{
    bool entered;

    g_mutex_lock(&block_lock);
    entered = block_entered > 0;
    g_mutex_unlock(&block_lock);
    return entered;
}

static bool
one_client_left(Fixture *f)
{
    return agent_server_client_count(f->server) == 1;
}

static bool
no_calls(Fixture *f)
{
    return agent_server_calls_in_flight(f->server) == 0;
}

/* A client disconnecting in the middle of a call on a worker: the reply is
 * dropped, its state freed, and another client keeps working throughout. */
static void
test_vanish(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) a = NULL;
    g_autoptr(Client) b = NULL;
    RpcConnectListAllDomainsArgs la = { .need_results = 1 };
    RpcConnectListAllDomainsRet lr;
    RpcConnectGetTypeRet type;
    RpcConnectDomainEventCallbackRegisterAnyArgs ra = { .event_id = 0 };
    RpcConnectDomainEventCallbackRegisterAnyRet rr;

    block_entered = 0;
    block_released = false;
    f->drv.node_get_info = blocking_node_get_info;
    fixture_start(f);
    a = client_new(f, false);
    b = client_new(f, false);
    client_open(a, 0);
    client_open(b, 0);
    call_ok(a, RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &ra, &rr);
    client_call_send(a, RPC_PROC_NODE_GET_INFO, NULL, NULL);
    g_assert_true(wait_for(call_blocked, f, WAIT_MS));
    close(a->fd);
    a->fd = -1;
    g_assert_true(wait_for(one_client_left, f, WAIT_MS));

    call_ok(b, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la, &lr);
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllDomainsRet, &lr);
    define_domain(b, "vanishdom", NULL);

    g_mutex_lock(&block_lock);
    block_released = true;
    g_cond_broadcast(&block_cond);
    g_mutex_unlock(&block_lock);
    g_assert_true(wait_for(no_calls, f, WAIT_MS));
    call_ok(b, RPC_PROC_CONNECT_GET_TYPE, NULL, &type);
    g_assert_cmpstr(type.type, ==, "TEST");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetTypeRet, &type);
}

/* The agent's own driver behind the dispatcher: virsh's define / list /
 * dumpxml / undefine sequence, persisted under ETC/qemu. */
static void
test_qemu_driver(Fixture *f, gconstpointer data)
{
    g_autoptr(Client) c = NULL;
    g_autoptr(Client) ro = NULL;
    g_autofree char *file = NULL;
    const char *xml = "<domain type='kvm'><name>qdom</name><memory>65536</memory>"
                      "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>";
    RpcDomainDefineXmlArgs da = { .xml = (char *)xml };
    RpcDomainDefineXmlRet dr;
    RpcConnectListAllDomainsArgs la = { .need_results = 1, .flags = 3 };
    RpcConnectListAllDomainsRet lr;
    RpcDomainGetXmlDescArgs xa;
    RpcDomainGetXmlDescRet xr;
    RpcDomainUndefineFlagsArgs ua;
    RpcConnectGetTypeRet type;
    RpcError err;

    f->qemu = true;
    fixture_start(f);
    c = client_new(f, false);
    g_assert_cmpint(feature(c, 10), ==, 1);
    client_open(c, 0);
    call_ok(c, RPC_PROC_CONNECT_GET_TYPE, NULL, &type);
    g_assert_cmpstr(type.type, ==, "QEMU");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectGetTypeRet, &type);
    call_ok(c, RPC_PROC_DOMAIN_DEFINE_XML, &da, &dr);
    g_assert_cmpstr(dr.dom.name, ==, "qdom");
    file = g_build_filename(f->dir, "qemu", "qdom.xml", NULL);
    g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
    call_ok(c, RPC_PROC_CONNECT_LIST_ALL_DOMAINS, &la, &lr);
    g_assert_cmpuint(lr.ret, ==, 1);
    g_assert_cmpstr(lr.domains.domains_val[0].name, ==, "qdom");
    rpc_payload_free((xdrproc_t)xdr_RpcConnectListAllDomainsRet, &lr);
    xa = (RpcDomainGetXmlDescArgs){ .dom = dr.dom };
    call_ok(c, RPC_PROC_DOMAIN_GET_XML_DESC, &xa, &xr);
    g_assert_nonnull(strstr(xr.xml, "<name>qdom</name>"));
    rpc_payload_free((xdrproc_t)xdr_RpcDomainGetXmlDescRet, &xr);

    /* the ro socket reads, and is denied the undefine */
    ro = client_new(f, true);
    client_open(ro, 0);
    ua = (RpcDomainUndefineFlagsArgs){ .dom = dr.dom };
    call_err(ro, RPC_PROC_DOMAIN_UNDEFINE_FLAGS, &ua, &err);
    assert_error(&err, VIR_ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,
                 "operation forbidden: read only access prevents virDomainUndefineFlags");
    call_ok(c, RPC_PROC_DOMAIN_UNDEFINE_FLAGS, &ua, NULL);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    rpc_payload_free((xdrproc_t)xdr_RpcDomainDefineXmlRet, &dr);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    virEventRegisterDefaultImpl();

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD("/dispatch/handshake/virsh", test_handshake_virsh);
    ADD("/dispatch/handshake/python", test_handshake_python);
    ADD("/dispatch/layouts", test_layouts);
    ADD("/dispatch/errors/miss", test_errors_miss);
    ADD("/dispatch/errors/protocol", test_errors_protocol);
    ADD("/dispatch/errors/protocol2", test_errors_protocol2);
    ADD("/dispatch/readonly/socket", test_readonly_socket);
    ADD("/dispatch/readonly/flag", test_readonly_flag);
    ADD("/dispatch/keepalive", test_keepalive);
    ADD("/dispatch/events", test_events);
    ADD("/dispatch/vanish", test_vanish);
    ADD("/dispatch/qemu-driver", test_qemu_driver);
#undef ADD
    return g_test_run();
}
