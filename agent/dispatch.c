/*
 * dispatch.c: frames in, replies out -- the checks every call goes
 * through, in libvirtd's order
 *
 * On the main context: header, program and version (keepalive answered
 * here), message type, status, procedure. Then, where the procedure
 * runs (main context for the cheap ones, a worker for the rest): payload
 * decoding, "connection not open", read-only and write permission, the
 * handler, and the reply or error record.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "agent/dispatch-priv.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/log.h"

/* remote_daemon_dispatch reports its own failures from the RPC domain */
#define DISPATCH_ERROR error_quark(VIR_FROM_RPC)

/* Buffers for getpwuid_r / getgrnam_r. */
#define DISPATCH_PWBUF_SIZE 16384
/* Supplementary groups looked at for unix_sock_group membership. */
#define DISPATCH_MAX_GROUPS 1024

/* ---- procedure index ------------------------------------------------------ */

static const DispatchEntry **entry_index;
static gsize entry_index_len;

static gpointer
dispatch_build_index(gpointer unused)
{
    const struct {
        const DispatchEntry *entries;
        gsize count;
    } tables[] = {
        { dispatch_host_entries, dispatch_host_entries_count },
        { dispatch_domain_entries, dispatch_domain_entries_count },
        { dispatch_network_entries, dispatch_network_entries_count },
        { dispatch_event_entries, dispatch_event_entries_count },
    };
    int max = 0;

    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (gsize i = 0; i < tables[t].count; i++)
            max = MAX(max, tables[t].entries[i].procedure);
    }
    entry_index_len = (gsize)max + 1;
    entry_index = g_new0(const DispatchEntry *, entry_index_len);
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
        for (gsize i = 0; i < tables[t].count; i++) {
            const DispatchEntry *e = &tables[t].entries[i];

            g_assert(!entry_index[e->procedure]); /* one handler per procedure */
            entry_index[e->procedure] = e;
        }
    }
    return NULL;
}

const DispatchEntry *
dispatch_entry_lookup(int procedure)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, dispatch_build_index, NULL);
    if (procedure < 0 || (gsize)procedure >= entry_index_len)
        return NULL;
    return entry_index[procedure];
}

/* ---- dispatcher ------------------------------------------------------------ */

Dispatcher *
dispatcher_new(const DispatcherOptions *opts, const AgentConfig *cfg)
{
    Dispatcher *d = g_new0(Dispatcher, 1);

    g_atomic_ref_count_init(&d->ref);
    d->driver = opts->driver;
    d->driver_uri = g_strdup(opts->driver_uri);
    d->context = opts->context ? g_main_context_ref(opts->context) : NULL;
    g_mutex_init(&d->lock);
    dispatcher_apply_config(d, cfg);
    return d;
}

Dispatcher *
dispatcher_ref(Dispatcher *d)
{
    g_atomic_ref_count_inc(&d->ref);
    return d;
}

void
dispatcher_unref(Dispatcher *d)
{
    if (!d || !g_atomic_ref_count_dec(&d->ref))
        return;
    g_free(d->driver_uri);
    g_free(d->sock_group);
    if (d->context)
        g_main_context_unref(d->context);
    g_mutex_clear(&d->lock);
    g_free(d);
}

void
dispatcher_apply_config(Dispatcher *d, const AgentConfig *cfg)
{
    g_mutex_lock(&d->lock);
    d->keepalive_interval = cfg->keepalive_interval;
    d->keepalive_count = cfg->keepalive_count;
    g_free(d->sock_group);
    d->sock_group = g_strdup(cfg->unix_sock_group);
    g_mutex_unlock(&d->lock);
}

/* ---- per-client state ------------------------------------------------------ */

DispatchClient *
dispatch_client_ref(DispatchClient *dc)
{
    g_atomic_ref_count_inc(&dc->ref);
    return dc;
}

void
dispatch_client_unref(DispatchClient *dc)
{
    if (!dc || !g_atomic_ref_count_dec(&dc->ref))
        return;
    /* normally closed already; a client freed without closing is not */
    keepalive_stop(dc->keepalive);
    if (dc->conn)
        obj_connect_unref(dc->conn);
    g_array_unref(dc->events);
    g_mutex_clear(&dc->lock);
    g_mutex_clear(&dc->event_lock);
    dispatcher_unref(dc->d);
    g_free(dc);
}

void
dispatch_client_unref_cb(void *dc)
{
    dispatch_client_unref(dc);
}

static void
dispatch_client_opened(AgentClient *client, gpointer data)
{
    Dispatcher *d = data;
    DispatchClient *dc = g_new0(DispatchClient, 1);

    g_atomic_ref_count_init(&dc->ref);
    dc->d = dispatcher_ref(d);
    dc->id = agent_client_get_id(client);
    dc->ro_socket = agent_client_is_readonly(client);
    dc->uid = agent_client_get_uid(client);
    dc->gid = agent_client_get_gid(client);
    g_mutex_init(&dc->lock);
    g_mutex_init(&dc->event_lock);
    dc->client = client;
    dc->readonly = dc->ro_socket;
    dc->events = g_array_new(FALSE, TRUE, sizeof(DispatchEventReg));
    for (int i = 0; i < EVENT_FAMILY_LAST; i++)
        dc->lib_callback[i] = -1;
    agent_client_set_private(client, dc, dispatch_client_unref_cb);
}

static void
dispatch_client_closed(AgentClient *client, gpointer data)
{
    DispatchClient *dc = agent_client_get_private(client);
    virConnectPtr conn;

    if (!dc)
        return;
    keepalive_stop(dc->keepalive);
    dc->keepalive = NULL;
    /* Calls still running on workers hold their own references to the
     * connection and to @dc; their replies are dropped by the server. */
    g_mutex_lock(&dc->event_lock);
    dispatch_events_client_closed(dc);
    g_mutex_lock(&dc->lock);
    dc->client = NULL;
    conn = g_steal_pointer(&dc->conn);
    g_mutex_unlock(&dc->lock);
    g_mutex_unlock(&dc->event_lock);
    if (conn)
        obj_connect_unref(conn);
}

/* ---- helpers for the handlers ---------------------------------------------- */

bool
dispatch_no_support(DispatchCall *call, GError **error)
{
    g_set_error(error, error_quark(call->entry->from), VIR_ERR_NO_SUPPORT, "%s", call->entry->api);
    return false;
}

virDomainPtr
dispatch_get_domain(DispatchCall *call, const RpcDomain *dom)
{
    return obj_domain_new(call->conn, dom->name, (const unsigned char *)dom->uuid, dom->id);
}

virNetworkPtr
dispatch_get_network(DispatchCall *call, const RpcNetwork *net)
{
    return obj_network_new(call->conn, net->name, (const unsigned char *)net->uuid);
}

void
dispatch_make_domain(RpcDomain *ret_dom, virDomainPtr dom)
{
    ret_dom->name = g_strdup(dom->name);
    memcpy(ret_dom->uuid, dom->uuid, RPC_UUID_LEN);
    ret_dom->id = dom->id;
}

void
dispatch_make_network(RpcNetwork *ret_net, virNetworkPtr net)
{
    ret_net->name = g_strdup(net->name);
    memcpy(ret_net->uuid, net->uuid, RPC_UUID_LEN);
}

void
dispatch_take_names(u_int *ret_len, RpcStr **ret_val, char **names, int count)
{
    *ret_len = (u_int)MAX(count, 0);
    *ret_val = g_new0(RpcStr, MAX(count, 1));
    for (int i = 0; i < count; i++)
        (*ret_val)[i] = g_steal_pointer(&names[i]);
}

/* ---- access checks --------------------------------------------------------- */

static bool
dispatch_resolve_group(const char *name, gid_t *ret_gid)
{
    struct group grp, *found = NULL;
    g_autofree char *buf = g_malloc(DISPATCH_PWBUF_SIZE);
    char *end = NULL;
    guint64 num = g_ascii_strtoull(name, &end, 10);

    if (end != name && !*end && num < G_MAXUINT32) {
        *ret_gid = (gid_t)num;
        return true;
    }
    if (getgrnam_r(name, &grp, buf, DISPATCH_PWBUF_SIZE, &found) != 0 || !found)
        return false;
    *ret_gid = found->gr_gid;
    return true;
}

/* Whether @dc's user belongs to @gid (primary or supplementary group). */
static bool
dispatch_client_in_group(DispatchClient *dc, gid_t gid)
{
    struct passwd pw, *found = NULL;
    g_autofree char *buf = g_malloc(DISPATCH_PWBUF_SIZE);
    g_autofree gid_t *groups = g_new(gid_t, DISPATCH_MAX_GROUPS);
    int n = DISPATCH_MAX_GROUPS;

    if (dc->gid == gid)
        return true;
    if (getpwuid_r(dc->uid, &pw, buf, DISPATCH_PWBUF_SIZE, &found) != 0 || !found)
        return false;
    if (getgrouplist(found->pw_name, dc->gid, groups, &n) < 0)
        n = DISPATCH_MAX_GROUPS; /* truncated: look at what fits */
    for (int i = 0; i < n; i++) {
        if (groups[i] == gid)
            return true;
    }
    return false;
}

/* Mutating calls: refused on read-only connections, and on the rw socket
 * allowed to root, to the agent's own user (a private agent) and to the
 * members of unix_sock_group. */
static bool
dispatch_check_write(DispatchCall *call, bool readonly, GError **error)
{
    const DispatchEntry *e = call->entry;
    DispatchClient *dc = call->dc;
    g_autofree char *group = NULL;
    gid_t gid;

    if (readonly) {
        g_set_error(error, error_quark(e->from), VIR_ERR_OPERATION_DENIED,
                    "read only access prevents %s", e->api);
        return false;
    }
    if (dc->uid == 0 || dc->uid == geteuid())
        return true;
    g_mutex_lock(&call->d->lock);
    group = g_strdup(call->d->sock_group);
    g_mutex_unlock(&call->d->lock);
    if (group && dispatch_resolve_group(group, &gid) && dispatch_client_in_group(dc, gid))
        return true;
    if (group)
        g_set_error(error, error_quark(e->from), VIR_ERR_OPERATION_DENIED,
                    "%s needs uid 0 or membership of group '%s'", e->api, group);
    else
        g_set_error(error, error_quark(e->from), VIR_ERR_OPERATION_DENIED, "%s needs uid 0",
                    e->api);
    return false;
}

/* ---- replies ---------------------------------------------------------------- */

/* The message a client gets for @err (for log lines). */
static char *
dispatch_error_text(const GError *err)
{
    bool formatted = false;

    (void)error_quark_domain(err->domain, &formatted);
    return formatted ? g_strdup(err->message) : error_format_message(err->code, err->message);
}

static void
dispatch_send_error(DispatchClient *dc, AgentClient *client, const RpcHeader *call,
                    const char *what, const GError *err)
{
    g_autoptr(GError) enc_err = NULL;
    g_autoptr(GBytes) msg = rpc_message_encode_gerror(call, err, &enc_err);
    g_autofree char *text = dispatch_error_text(err);

    log_info("client %" G_GUINT64_FORMAT ": %s (serial %u) failed: %s", dc->id, what, call->serial,
             text);
    if (!msg) {
        /* Only an absurd message could not be encoded: say so briefly. */
        msg = rpc_message_encode_error(call, VIR_ERR_RPC, VIR_FROM_RPC,
                                       "Unable to encode message payload", NULL);
    }
    if (msg)
        agent_client_send(client, msg);
}

/* ---- calls ------------------------------------------------------------------ */

typedef struct DispatchJob {
    DispatchClient *dc; /* a reference */
    RpcHeader header;
    const RpcProcedure *proc;
    const DispatchEntry *entry;
} DispatchJob;

static void
dispatch_run(DispatchJob *job, AgentClient *client, GBytes *frame)
{
    const RpcProcedure *proc = job->proc;
    DispatchClient *dc = job->dc;
    DispatchCall call = {
        .d = dc->d,
        .dc = dc,
        .client = client,
        .header = job->header,
        .proc = proc,
        .entry = job->entry,
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) msg = NULL;
    gpointer args = proc->args_size ? g_malloc0(proc->args_size) : NULL;
    gpointer ret = proc->ret_size ? g_malloc0(proc->ret_size) : NULL;
    gsize len = 0;
    const guint8 *body = g_bytes_get_data(frame, &len);
    bool decoded = false;
    bool readonly;
    bool ok = false;

    g_mutex_lock(&dc->lock);
    if (dc->conn) {
        call.conn = dc->conn;
        obj_connect_ref(call.conn);
    }
    readonly = dc->readonly;
    g_mutex_unlock(&dc->lock);

    if (log_enabled(LOG_LEVEL_DEBUG))
        log_debug("client %" G_GUINT64_FORMAT ": call %s (serial %u)", dc->id, proc->name,
                  job->header.serial);
    if (!rpc_payload_decode(body, len, proc->args_proc, args, proc->args_size, &err))
        goto reply;
    decoded = true;
    if (!(proc->flags & RPC_PROC_FLAG_BEFORE_OPEN) && !call.conn) {
        g_set_error_literal(&err, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "hypervisor connection not open");
        goto reply;
    }
    if ((proc->flags & RPC_PROC_FLAG_MUTATES) && !dispatch_check_write(&call, readonly, &err))
        goto reply;
    ok = job->entry->func(&call, args, ret, &err);

reply:
    if (ok) {
        RpcHeader header;

        rpc_header_init_reply(&header, &job->header, RPC_STATUS_OK);
        msg = rpc_message_encode(&header, proc->ret_proc, ret, &err);
        if (msg)
            agent_client_send(client, msg);
    }
    if (!msg)
        dispatch_send_error(dc, client, &job->header, proc->name, err);
    if (call.close_after)
        agent_client_close(client, /* flush = */ true);
    if (decoded)
        rpc_payload_free(proc->args_proc, args);
    rpc_payload_free(proc->ret_proc, ret);
    g_free(args);
    g_free(ret);
    if (call.conn)
        obj_connect_unref(call.conn);
}

static void
dispatch_worker(AgentClient *client, GBytes *frame, gpointer data)
{
    DispatchJob *job = data;

    dispatch_run(job, client, frame);
    dispatch_client_unref(job->dc);
    g_free(job);
}

/* Answers @header with an RPC error before any procedure was looked at. */
static void dispatch_refuse(DispatchClient *dc, AgentClient *client, const RpcHeader *header,
                            const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
dispatch_refuse(DispatchClient *dc, AgentClient *client, const RpcHeader *header, const char *fmt,
                ...)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *what = g_strdup_printf("procedure %d", header->procedure);
    va_list ap;

    va_start(ap, fmt);
    err = g_error_new_valist(DISPATCH_ERROR, VIR_ERR_RPC, fmt, ap);
    va_end(ap);
    dispatch_send_error(dc, client, header, what, err);
}

static void
dispatch_frame(AgentClient *client, GBytes *frame, gpointer data)
{
    DispatchClient *dc = agent_client_get_private(client);
    g_autoptr(GError) err = NULL;
    const RpcProcedure *proc;
    const DispatchEntry *entry;
    DispatchJob *job;
    RpcHeader h;
    gsize len = 0;
    const guint8 *body = g_bytes_get_data(frame, &len);

    if (!rpc_header_decode(body, len, &h, &err)) {
        /* the server hands over at least a header; be safe anyway */
        agent_client_close(client, /* flush = */ false);
        return;
    }
    keepalive_touch(dc->keepalive);

    if (h.prog == RPC_KEEPALIVE_PROGRAM && h.vers == RPC_KEEPALIVE_VERSION) {
        keepalive_handle(client, &h);
        return;
    }
    if (h.prog != RPC_REMOTE_PROGRAM || h.vers != RPC_REMOTE_VERSION) {
        if (h.type != RPC_TYPE_CALL && h.type != RPC_TYPE_CALL_WITH_FDS) {
            log_debug("client %" G_GUINT64_FORMAT ": message for unknown program %u version %u "
                      "dropped",
                      dc->id, h.prog, h.vers);
            return;
        }
        dispatch_refuse(dc, client, &h, "Cannot find program %u version %u", h.prog, h.vers);
        return;
    }
    if (h.type != RPC_TYPE_CALL) {
        dispatch_refuse(dc, client, &h, "Unexpected message type %d", (int)h.type);
        return;
    }
    if (h.status != RPC_STATUS_OK) {
        dispatch_refuse(dc, client, &h, "Unexpected message status %d", (int)h.status);
        return;
    }
    proc = rpc_remote_procedure(h.procedure);
    entry = dispatch_entry_lookup(h.procedure);
    if (!proc || !entry || (proc->flags & RPC_PROC_FLAG_EVENT)) {
        /* The wording clients turn into VIR_ERR_NO_SUPPORT (§2.1). */
        dispatch_refuse(dc, client, &h, "unknown procedure: %d", h.procedure);
        return;
    }

    job = g_new0(DispatchJob, 1);
    job->dc = dispatch_client_ref(dc);
    job->header = h;
    job->proc = proc;
    job->entry = entry;
    if (entry->flags & DISPATCH_MAIN)
        dispatch_worker(client, frame, job);
    else
        agent_client_queue_call(client, frame, dispatch_worker, job);
}

void
dispatcher_get_server_hooks(Dispatcher *d, AgentServerHooks *ret_hooks)
{
    *ret_hooks = (AgentServerHooks){
        .dispatch = dispatch_frame,
        .client_opened = dispatch_client_opened,
        .client_closed = dispatch_client_closed,
        .user_data = d,
    };
}
