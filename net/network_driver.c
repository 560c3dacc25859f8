/*
 * network_driver.c: the agent's persistent virtual network definitions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib-unix.h>
#include <net/if.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/netdef-update.h"
#include "conf/netdef.h"
#include "conf/redefine.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "net/leases.h"
#include "net/netrun.h"
#include "net/network_driver.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"
#include "util/uuid.h"
#include "util/xmlstore.h"

/* libvirt's default bridge name template and its limit */
#define BRIDGE_TEMPLATE "virbr%d"
#define BRIDGE_MAX_ID 256

typedef struct NetObj {
    NetDef *def;     /* the persistent config; for a transient network its live one */
    bool persistent; /* has a file under ETC */
    bool autostart;
    char *digest;        /* SHA-256 of the file as stored: tells reload what changed */
    NetRun *run;         /* NULL: not active */
    guint dnsmasq_watch; /* main-loop source noticing dnsmasq's exit, 0: none */
    gint64 revived[3];   /* when its dnsmasq was last started again (monotonic) */
} NetObj;

typedef struct NetTables {
    GHashTable *by_name; /* owns the objects; keys point into their defs */
    GHashTable *by_uuid;
} NetTables;

static struct {
    bool initialised;
    GMutex modify_lock; /* held across a whole change, file I/O included */
    GRWLock lock;       /* guards tables; written only with modify_lock held */
    XmlStore *store;
    NetTables tables;
    GMutex conns_lock;
    GPtrArray *conns;     /* virConnectPtr, not referenced (close removes them) */
    NetRunConfig *runcfg; /* NULL: networks cannot start (tests of definitions) */
} st;

#define READ_LOCKED()                                                                              \
    g_autoptr(GRWLockReaderLocker) rlocker G_GNUC_UNUSED = g_rw_lock_reader_locker_new(&st.lock)
#define MODIFY_LOCKED()                                                                            \
    g_autoptr(GMutexLocker) mlocker G_GNUC_UNUSED = g_mutex_locker_new(&st.modify_lock)

static void
net_obj_free(NetObj *net)
{
    if (!net)
        return;
    netdef_free(net->def);
    g_free(net->digest);
    if (net->dnsmasq_watch)
        g_source_remove(net->dnsmasq_watch);
    netrun_free(net->run); /* the network keeps running: only the record goes */
    g_free(net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetObj, net_obj_free)

static guint
uuid_hash(gconstpointer key)
{
    guint h = 0;

    memcpy(&h, key, sizeof(h));
    return h;
}

static gboolean
uuid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, UUID_LEN) == 0;
}

static void
tables_init(NetTables *t)
{
    t->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)net_obj_free);
    t->by_uuid = g_hash_table_new(uuid_hash, uuid_equal);
}

static void
tables_clear(NetTables *t)
{
    g_clear_pointer(&t->by_uuid, g_hash_table_unref);
    g_clear_pointer(&t->by_name, g_hash_table_unref);
}

static void
tables_put(NetTables *t, NetObj *net)
{
    NetObj *old = g_hash_table_lookup(t->by_name, net->def->name);

    if (old)
        g_hash_table_remove(t->by_uuid, old->def->uuid);
    g_hash_table_replace(t->by_uuid, net->def->uuid, net);
    g_hash_table_replace(t->by_name, net->def->name, net);
}

static void
tables_steal(NetTables *t, NetObj *net)
{
    g_hash_table_remove(t->by_uuid, net->def->uuid);
    g_hash_table_steal(t->by_name, net->def->name);
}

static NetObj *
find_uuid_in(const NetTables *t, const unsigned char *uuid)
{
    return g_hash_table_lookup(t->by_uuid, uuid);
}

static char *
digest_of(const char *xml)
{
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, xml, -1);
}

static bool
check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (flags & ~allowed) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG,
                    "unsupported flags (0x%x) in function %s", flags & ~allowed, func);
        return false;
    }
    return true;
}

/* ---- bridge names and MACs ---- */

/* The modes whose network is a bridge the agent creates. */
static bool
mode_has_bridge(NetForwardMode mode)
{
    switch (mode) {
    case NET_FORWARD_NONE:
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
    case NET_FORWARD_OPEN:
        return true;
    case NET_FORWARD_BRIDGE:
    case NET_FORWARD_PRIVATE:
    case NET_FORWARD_VEPA:
    case NET_FORWARD_PASSTHROUGH:
    case NET_FORWARD_HOSTDEV:
    case NET_FORWARD_LAST:
        break;
    }
    return false;
}

/* Whether a network of @t other than @self uses bridge @bridge. */
static bool
bridge_in_use(const NetTables *t, const char *bridge, const char *self)
{
    GHashTableIter iter;
    NetObj *net;

    g_hash_table_iter_init(&iter, t->by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        if (strcmp(net->def->name, self) != 0 && net->def->bridge &&
            strcmp(net->def->bridge, bridge) == 0)
            return true;
    }
    return false;
}

/* @template with its first "%d" replaced by @id (never used as a format:
 * the template comes from the user). */
static char *
bridge_from_template(const char *template, unsigned id)
{
    const char *p = strstr(template, "%d");

    return g_strdup_printf("%.*s%u%s", (int)(p - template), template, id, p + 2);
}

/* libvirt's rules: no name (or a "%d" template) takes the first free one
 * among the other definitions and the host's interfaces; with
 * @check_existing an explicit name used by another network is refused. */
static bool
assign_bridge(const NetTables *t, NetDef *def, bool check_existing, GError **error)
{
    const char *template = BRIDGE_TEMPLATE;

    if (!mode_has_bridge(def->forward_mode))
        return true;
    if (def->bridge && !strstr(def->bridge, "%d")) {
        if (check_existing && bridge_in_use(t, def->bridge, def->name)) {
            g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "bridge name '%s' already in use.", def->bridge);
            return false;
        }
        return true;
    }
    if (def->bridge)
        template = def->bridge;
    for (unsigned id = 0; id < BRIDGE_MAX_ID; id++) {
        g_autofree char *name = bridge_from_template(template, id);

        if (!bridge_in_use(t, name, def->name) && if_nametoindex(name) == 0) {
            g_free(def->bridge);
            def->bridge = g_steal_pointer(&name);
            return true;
        }
    }
    g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "Bridge generation exceeded max id %d",
                BRIDGE_MAX_ID);
    return false;
}

/* A bridge-backed network without a MAC gets a QEMU-prefixed one (the
 * bridge keeps a stable address whatever is plugged into it). */
static void
assign_mac(NetDef *def)
{
    static const unsigned char prefix[3] = { 0x52, 0x54, 0x00 };

    if (!mode_has_bridge(def->forward_mode) || def->mac_specified)
        return;
    mac_generate(prefix, &def->mac);
    def->mac_specified = true;
}

/* ---- dnsmasq watch ---- */

/* A network's dnsmasq that exits on its own (a crash, a kill) is reaped
 * and started again at once, from the main loop: guests keep DHCP and DNS.
 * Three restarts within a minute and it is left down (logged): it would
 * only fail again. */
#define DNSMASQ_REVIVE_WINDOW_US (60 * G_USEC_PER_SEC)

typedef struct DnsmasqWatch {
    char *name;
    pid_t pid;
    int pidfd;
} DnsmasqWatch;

static void
dnsmasq_watch_free(gpointer data)
{
    DnsmasqWatch *w = data;

    close(w->pidfd);
    g_free(w->name);
    g_free(w);
}

static void watch_dnsmasq(NetObj *net);
static NetObj *find_by_name(const char *name);

static gboolean
dnsmasq_exited(gint fd G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED, gpointer data)
{
    const DnsmasqWatch *w = data;
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.modify_lock);
    NetObj *net = st.initialised ? find_by_name(w->name) : NULL;
    g_autoptr(GError) err = NULL;
    gint64 now = g_get_monotonic_time();

    if (!net || !net->run || net->run->dnsmasq.pid != w->pid)
        return G_SOURCE_REMOVE; /* stopped or replaced meanwhile */
    net->dnsmasq_watch = 0;     /* this source ends here */
    if (net->revived[0] && now - net->revived[0] < DNSMASQ_REVIVE_WINDOW_US) {
        log_error("network '%s': its dnsmasq (pid %d) exited again, the third time within a "
                  "minute: not starting it again (net-destroy and net-start to retry)",
                  w->name, (int)w->pid);
        netrun_forget_dnsmasq(st.runcfg, net->run);
        return G_SOURCE_REMOVE;
    }
    memmove(net->revived, net->revived + 1, sizeof(net->revived) - sizeof(net->revived[0]));
    net->revived[G_N_ELEMENTS(net->revived) - 1] = now;
    if (!netrun_revive_dnsmasq(st.runcfg, net->run, &err))
        log_error("network '%s': %s", w->name, err->message);
    else
        watch_dnsmasq(net);
    return G_SOURCE_REMOVE;
}

/* Watches @net's dnsmasq (with st.modify_lock held). */
static void
watch_dnsmasq(NetObj *net)
{
    DnsmasqWatch *w;
    int fd;

    if (net->dnsmasq_watch || !net->run || net->run->dnsmasq.pid <= 0)
        return;
    if ((fd = (int)syscall(SYS_pidfd_open, net->run->dnsmasq.pid, 0)) < 0) {
        log_warn("network '%s': cannot watch its dnsmasq (pid %d): %s", net->def->name,
                 (int)net->run->dnsmasq.pid, g_strerror(errno));
        return;
    }
    w = g_new0(DnsmasqWatch, 1);
    w->name = g_strdup(net->def->name);
    w->pid = net->run->dnsmasq.pid;
    w->pidfd = fd; /* closed with the source */
    net->dnsmasq_watch =
        g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, G_IO_IN, dnsmasq_exited, w, dnsmasq_watch_free);
}

/* @to takes over @from's running network: the watch goes along (the
 * source finds the network by name) */
static void
move_watch(NetObj *to, NetObj *from)
{
    to->dnsmasq_watch = from->dnsmasq_watch;
    from->dnsmasq_watch = 0;
    memcpy(to->revived, from->revived, sizeof(to->revived));
}

static void
unwatch_dnsmasq(NetObj *net)
{
    if (net->dnsmasq_watch)
        g_source_remove(net->dnsmasq_watch);
    net->dnsmasq_watch = 0;
}

/* ---- connections and events ---- */

void
network_driver_attach_conn(virConnectPtr conn)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.conns_lock);

    if (!st.conns)
        st.conns = g_ptr_array_new();
    g_ptr_array_add(st.conns, conn);
}

void
network_driver_detach_conn(virConnectPtr conn)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.conns_lock);

    if (st.conns)
        g_ptr_array_remove_fast(st.conns, conn);
}

static void
conn_unref(gpointer conn)
{
    obj_connect_unref(conn);
}

/* As in qemu_domain.c: hold each live connection while queuing, release
 * without conns_lock (a release may close the connection). */
static void
emit_event(const char *name, const unsigned char *uuid, int event)
{
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func(conn_unref);

    g_mutex_lock(&st.conns_lock);
    for (guint i = 0; st.conns && i < st.conns->len; i++) {
        virConnectPtr conn = g_ptr_array_index(st.conns, i);

        if (obj_connect_try_ref(conn))
            g_ptr_array_add(held, conn);
    }
    g_mutex_unlock(&st.conns_lock);
    for (guint i = 0; i < held->len; i++)
        conn_events_emit_network_lifecycle(g_ptr_array_index(held, i), name, uuid, event, 0);
}

/* ---- loading ---- */

static bool
load_one(const char *name, const char *xml, bool autostart, gpointer data, GError **error)
{
    NetTables *t = data;
    g_autoptr(NetObj) net = g_new0(NetObj, 1);
    const NetObj *other;
    char uuidstr[UUID_STRING_LEN];

    if (!(net->def = netdef_parse_string(xml, 0, error)))
        return false;
    if (strcmp(net->def->name, name) != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "Network config filename '%s' does not match network name '%s'", name,
                    net->def->name);
        return false;
    }
    if ((other = g_hash_table_lookup(t->by_uuid, net->def->uuid))) {
        uuid_format(net->def->uuid, uuidstr);
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s' is already defined with uuid %s", other->def->name, uuidstr);
        return false;
    }
    net->autostart = autostart;
    net->persistent = true;
    net->digest = digest_of(xml);
    tables_put(t, g_steal_pointer(&net));
    return true;
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Gives the loaded networks that lack them a bridge name and a MAC and
 * saves those (libvirt does the same when it loads such a file), in name
 * order so the numbering is reproducible. A failure is logged: the
 * network stays loaded, its bridge is assigned again next time. */
static void
complete_loaded(XmlStore *store, NetTables *t)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    const char *name;

    g_hash_table_iter_init(&iter, t->by_name);
    while (g_hash_table_iter_next(&iter, (gpointer *)&name, NULL))
        g_ptr_array_add(names, (gpointer)name);
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++) {
        NetObj *net = g_hash_table_lookup(t->by_name, g_ptr_array_index(names, i));
        g_autoptr(GError) err = NULL;
        g_autofree char *xml = NULL;

        if (!mode_has_bridge(net->def->forward_mode) ||
            (net->def->bridge && !strstr(net->def->bridge, "%d") && net->def->mac_specified))
            continue;
        if (!assign_bridge(t, net->def, false, &err)) {
            log_warn("network '%s': %s", net->def->name, err->message);
            continue;
        }
        assign_mac(net->def);
        if (!(xml = netdef_format(net->def, NETDEF_FORMAT_INACTIVE, &err)) ||
            !xmlstore_save(store, net->def->name, xml, &err)) {
            log_warn("network '%s': cannot save its bridge name and MAC: %s", net->def->name,
                     err->message);
            continue;
        }
        g_free(net->digest);
        net->digest = digest_of(xml);
    }
}

/* Networks left running by an earlier agent (status files under RUN):
 * each is attached to its definition, or kept as a transient network.
 * Nothing on the host changes for a network that is intact. */
static void
adopt_running(NetTables *t)
{
    g_autoptr(GPtrArray) names = netrun_list_status(st.runcfg);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autoptr(GError) err = NULL;
        g_autoptr(NetRun) run = netrun_adopt(st.runcfg, name, &err);
        NetObj *net;

        if (!run) {
            log_warn("%s", err->message);
            continue;
        }
        net = g_hash_table_lookup(t->by_name, name);
        if (net && memcmp(net->def->uuid, run->def->uuid, UUID_LEN) != 0) {
            /* the name was given to another network meanwhile: the old
             * one cannot be managed under it, so it goes */
            log_warn("network '%s' runs with another UUID than its definition: stopping it", name);
            if (!netrun_stop(st.runcfg, run, NULL, &err))
                log_warn("network '%s': %s", name, err->message);
            continue;
        }
        if (!net) {
            g_autoptr(NetObj) transient = g_new0(NetObj, 1);

            if (find_uuid_in(t, run->def->uuid)) {
                log_warn("network '%s' runs with the UUID of another network: stopping it", name);
                if (!netrun_stop(st.runcfg, run, NULL, &err))
                    log_warn("network '%s': %s", name, err->message);
                continue;
            }
            transient->def = netdef_copy(run->def);
            if (!transient->def)
                continue;
            net = g_steal_pointer(&transient);
            tables_put(t, net);
        }
        log_info("network '%s' is running: adopted (bridge %s, dnsmasq pid %d)", name,
                 run->bridge ? run->bridge : "-", (int)run->dnsmasq.pid);
        net->run = g_steal_pointer(&run);
    }
}

void
network_driver_configure(NetRunConfig *cfg)
{
    MODIFY_LOCKED();

    netrun_config_free(st.runcfg);
    st.runcfg = cfg;
}

bool
network_driver_init(const char *dir, GError **error)
{
    MODIFY_LOCKED();
    g_autoptr(XmlStore) store = NULL;
    NetTables t;

    if (st.initialised) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the network driver is already initialised");
        return false;
    }
    if (!(store = xmlstore_new(dir, error)))
        return false;
    tables_init(&t);
    if (xmlstore_load_all(store, load_one, &t, error) < 0) {
        tables_clear(&t);
        return false;
    }
    complete_loaded(store, &t);
    if (st.runcfg)
        adopt_running(&t);
    g_rw_lock_writer_lock(&st.lock);
    st.store = g_steal_pointer(&store);
    st.tables = t;
    st.initialised = true;
    g_rw_lock_writer_unlock(&st.lock);
    if (st.runcfg) {
        GHashTableIter iter;
        NetObj *net;

        g_hash_table_iter_init(&iter, st.tables.by_name);
        while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net))
            watch_dnsmasq(net);
    }
    return true;
}

bool
network_driver_is_initialised(void)
{
    READ_LOCKED();

    return st.initialised;
}

typedef struct ReloadEvent {
    char *name;
    unsigned char uuid[UUID_LEN];
    int event;
} ReloadEvent;

static void
reload_event_add(GArray *events, const NetDef *def, int event)
{
    ReloadEvent ev = { g_strdup(def->name), { 0 }, event };

    memcpy(ev.uuid, def->uuid, UUID_LEN);
    g_array_append_val(events, ev);
}

static void
reload_event_clear(gpointer data)
{
    g_free(((ReloadEvent *)data)->name);
}

bool
network_driver_reload(GError **error)
{
    MODIFY_LOCKED();
    g_autoptr(GArray) events = g_array_new(FALSE, TRUE, sizeof(ReloadEvent));
    NetTables t, old;
    GHashTableIter iter;
    NetObj *net;

    g_array_set_clear_func(events, reload_event_clear);
    if (!st.initialised) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the network driver is not initialised");
        return false;
    }
    tables_init(&t);
    if (xmlstore_load_all(st.store, load_one, &t, error) < 0) {
        tables_clear(&t);
        return false;
    }
    complete_loaded(st.store, &t);
    /* running networks keep running: their record moves to the new
     * definition, or they stay as transient networks */
    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        NetObj *now = g_hash_table_lookup(t.by_name, net->def->name);

        if (net->run) {
            if (now && memcmp(now->def->uuid, net->def->uuid, UUID_LEN) == 0) {
                now->run = g_steal_pointer(&net->run);
                move_watch(now, net);
            } else if (!now && !find_uuid_in(&t, net->def->uuid)) {
                NetObj *transient = g_new0(NetObj, 1);

                transient->def = netdef_copy(net->run->def);
                transient->run = g_steal_pointer(&net->run);
                move_watch(transient, net);
                if (!transient->def)
                    transient->def = netdef_copy(transient->run->def);
                tables_put(&t, transient);
                if (net->persistent)
                    reload_event_add(events, net->def, VIR_NETWORK_EVENT_UNDEFINED);
                continue;
            } else {
                log_warn("network '%s' is running, but its file now describes another network: "
                         "the running one is no longer managed",
                         net->def->name);
            }
        }
        if (!net->persistent)
            continue;
        if (!now || memcmp(now->def->uuid, net->def->uuid, UUID_LEN) != 0)
            reload_event_add(events, net->def, VIR_NETWORK_EVENT_UNDEFINED);
    }
    g_hash_table_iter_init(&iter, t.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        const NetObj *before = g_hash_table_lookup(st.tables.by_name, net->def->name);

        if (!net->persistent)
            continue;
        /* networks have no ADDED/UPDATED detail: both are DEFINED */
        if (!before || !before->persistent ||
            memcmp(before->def->uuid, net->def->uuid, UUID_LEN) != 0 ||
            strcmp(before->digest, net->digest) != 0)
            reload_event_add(events, net->def, VIR_NETWORK_EVENT_DEFINED);
    }
    g_rw_lock_writer_lock(&st.lock);
    old = st.tables;
    st.tables = t;
    g_rw_lock_writer_unlock(&st.lock);
    tables_clear(&old);

    for (guint i = 0; i < events->len; i++) {
        const ReloadEvent *ev = &g_array_index(events, ReloadEvent, i);

        emit_event(ev->name, ev->uuid, ev->event);
    }
    return true;
}

void
network_driver_shutdown(void)
{
    MODIFY_LOCKED();

    netrun_wait_pending(); /* stops finishing in the background */

    g_rw_lock_writer_lock(&st.lock);
    if (st.initialised) {
        tables_clear(&st.tables);
        g_clear_pointer(&st.store, xmlstore_free);
        st.initialised = false;
    }
    g_clear_pointer(&st.runcfg, netrun_config_free);
    g_rw_lock_writer_unlock(&st.lock);
    g_mutex_lock(&st.conns_lock);
    g_clear_pointer(&st.conns, g_ptr_array_unref);
    g_mutex_unlock(&st.conns_lock);
}

/* ---- lookups (with st.lock read-held or st.modify_lock held) ---- */

static NetObj *
find_by_name(const char *name)
{
    return g_hash_table_lookup(st.tables.by_name, name);
}

static NetObj *
find_by_uuid(const unsigned char *uuid)
{
    return g_hash_table_lookup(st.tables.by_uuid, uuid);
}

static NetObj *
net_of_handle(virNetworkPtr handle, GError **error)
{
    NetObj *net = find_by_uuid(handle->uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!net) {
        uuid_format(handle->uuid, uuidstr);
        g_set_error(error, NET_ERROR, VIR_ERR_NO_NETWORK, "no network with matching uuid '%s' (%s)",
                    uuidstr, handle->name);
    }
    return net;
}

static virNetworkPtr
net_handle(virConnectPtr conn, const NetObj *net)
{
    return obj_network_new(conn, net->def->name, net->def->uuid);
}

/* ---- listing ---- */

static int
count_active(bool active)
{
    GHashTableIter iter;
    NetObj *net;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net))
        n += (net->run != NULL) == active;
    return n;
}

static int
list_names(bool active, char **names, int maxnames)
{
    GHashTableIter iter;
    NetObj *net;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (n < maxnames && g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        if ((net->run != NULL) == active)
            names[n++] = g_strdup(net->def->name);
    }
    return n;
}

int
netdrv_connect_num_of_networks(virConnectPtr conn G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();

    return count_active(true);
}

int
netdrv_connect_list_networks(virConnectPtr conn G_GNUC_UNUSED, char **names, int maxnames,
                             GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();

    return list_names(true, names, maxnames);
}

int
netdrv_connect_num_of_defined_networks(virConnectPtr conn G_GNUC_UNUSED,
                                       GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();

    return count_active(false);
}

int
netdrv_connect_list_defined_networks(virConnectPtr conn G_GNUC_UNUSED, char **names, int maxnames,
                                     GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();

    return list_names(false, names, maxnames);
}

static bool
filter_pair(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

int
netdrv_connect_list_all_networks(virConnectPtr conn, virNetworkPtr **ret_networks,
                                 unsigned int flags, GError **error)
{
    g_autoptr(GPtrArray) found = NULL;
    GHashTableIter iter;
    NetObj *net;
    int n = 0;

    if (!check_flags(flags, 0x3f, "netdrv_connect_list_all_networks", error))
        return -1;
    found = g_ptr_array_new();
    READ_LOCKED();
    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        if (!filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_ACTIVE,
                         VIR_CONNECT_LIST_NETWORKS_INACTIVE, net->run != NULL) ||
            !filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
                         VIR_CONNECT_LIST_NETWORKS_TRANSIENT, net->persistent) ||
            !filter_pair(flags, VIR_CONNECT_LIST_NETWORKS_AUTOSTART,
                         VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, net->autostart))
            continue;
        n++;
        if (ret_networks)
            g_ptr_array_add(found, net_handle(conn, net));
    }
    if (ret_networks) {
        g_ptr_array_add(found, NULL);
        *ret_networks = (virNetworkPtr *)g_ptr_array_steal(found, NULL);
    }
    return n;
}

/* ---- lookups ---- */

virNetworkPtr
netdrv_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    READ_LOCKED();
    const NetObj *net = find_by_name(name);

    if (!net) {
        g_set_error(error, NET_ERROR, VIR_ERR_NO_NETWORK, "no network with matching name '%s'",
                    name);
        return NULL;
    }
    return net_handle(conn, net);
}

virNetworkPtr
netdrv_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    READ_LOCKED();
    const NetObj *net = find_by_uuid(uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!net) {
        uuid_format(uuid, uuidstr);
        g_set_error(error, NET_ERROR, VIR_ERR_NO_NETWORK, "no network with matching uuid '%s'",
                    uuidstr);
        return NULL;
    }
    return net_handle(conn, net);
}

/* ---- definition ---- */

static bool
check_duplicate(const NetDef *def, NetObj **ret_existing, GError **error)
{
    NetObj *by_name = find_by_name(def->name);
    NetObj *by_uuid = find_by_uuid(def->uuid);

    *ret_existing = NULL;
    if (!redefine_check("network", def->name, def->uuid, by_name ? by_name->def->uuid : NULL,
                        by_uuid ? by_uuid->def->name : NULL, NET_ERROR, error))
        return false;
    *ret_existing = by_name;
    return true;
}

virNetworkPtr
netdrv_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(NetObj) net = NULL;
    g_autofree char *stored = NULL;
    NetObj *existing;
    NetObj *added;
    virNetworkPtr handle;

    if (!check_flags(flags, VIR_NETWORK_DEFINE_VALIDATE, "netdrv_define_xml", error))
        return NULL;
    net = g_new0(NetObj, 1);
    net->def = netdef_parse_string(
        xml, (flags & VIR_NETWORK_DEFINE_VALIDATE) ? NETDEF_PARSE_VALIDATE : 0, error);
    if (!net->def || !xmlstore_name_valid(net->def->name, error))
        return NULL;

    MODIFY_LOCKED();
    if (!st.initialised) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the network driver is not initialised");
        return NULL;
    }
    if (!check_duplicate(net->def, &existing, error))
        return NULL;
    /* a redefinition without them keeps the bridge and MAC it was given */
    if (existing && mode_has_bridge(net->def->forward_mode)) {
        if (!net->def->bridge && existing->def->bridge)
            net->def->bridge = g_strdup(existing->def->bridge);
        if (!net->def->mac_specified && existing->def->mac_specified) {
            net->def->mac = existing->def->mac;
            net->def->mac_specified = true;
        }
    }
    if (!assign_bridge(&st.tables, net->def, true, error))
        return NULL;
    assign_mac(net->def);
    if (!(stored = netdef_format(net->def, NETDEF_FORMAT_INACTIVE, error)) ||
        !xmlstore_save(st.store, net->def->name, stored, error))
        return NULL;
    net->digest = digest_of(stored);
    net->persistent = true;
    if (existing)
        net->autostart = existing->autostart;
    else if (!xmlstore_get_autostart(st.store, net->def->name, &net->autostart, NULL))
        net->autostart = false; /* a link left by an earlier definition counts */
    handle = net_handle(conn, net);
    added = g_steal_pointer(&net);
    g_rw_lock_writer_lock(&st.lock);
    /* a running network keeps running with its live definition */
    if (existing) {
        added->run = g_steal_pointer(&existing->run);
        move_watch(added, existing);
    }
    tables_put(&st.tables, added);
    g_rw_lock_writer_unlock(&st.lock);
    emit_event(added->def->name, added->def->uuid, VIR_NETWORK_EVENT_DEFINED);
    return handle;
}

bool
netdrv_undefine(virNetworkPtr handle, GError **error)
{
    g_autoptr(NetObj) gone = NULL;
    NetObj *net;
    MODIFY_LOCKED();

    if (!(net = net_of_handle(handle, error)))
        return false;
    if (!net->persistent) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot undefine transient network '%s'", net->def->name);
        return false;
    }
    if (!xmlstore_delete(st.store, net->def->name, error))
        return false;
    if (net->run) {
        /* as libvirt: a running network stays, as a transient one */
        g_rw_lock_writer_lock(&st.lock);
        net->persistent = false;
        net->autostart = false;
        g_rw_lock_writer_unlock(&st.lock);
        emit_event(net->def->name, net->def->uuid, VIR_NETWORK_EVENT_UNDEFINED);
        return true;
    }
    if (st.runcfg) {
        g_auto(NetRunPaths) p = { 0 };

        /* its lease history goes with it */
        netrun_paths_init(st.runcfg, net->def->name, &p);
        unlink(p.leases);
        unlink(p.leasedb);
    }
    g_rw_lock_writer_lock(&st.lock);
    tables_steal(&st.tables, net);
    g_rw_lock_writer_unlock(&st.lock);
    gone = net;
    emit_event(gone->def->name, gone->def->uuid, VIR_NETWORK_EVENT_UNDEFINED);
    return true;
}

/* ---- lifecycle (with st.modify_lock held) ---- */

/* The records of the running networks other than @self. */
static GPtrArray *
active_runs(const NetObj *self)
{
    GPtrArray *runs = g_ptr_array_new();
    GHashTableIter iter;
    NetObj *net;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
        if (net != self && net->run)
            g_ptr_array_add(runs, net->run);
    }
    return runs;
}

static bool
check_can_run(GError **error)
{
    if (!st.initialised) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the network driver is not initialised");
        return false;
    }
    if (!st.runcfg) {
        g_set_error(error, NET_ERROR, VIR_ERR_NO_SUPPORT,
                    "this process cannot run networks (no runtime configured)");
        return false;
    }
    return true;
}

/* Starts @net with @def (its persistent definition, or the XML of a
 * create call). */
static bool
start_locked(NetObj *net, const NetDef *def, GError **error)
{
    g_autoptr(GPtrArray) others = NULL;
    NetRun *run;

    if (!check_can_run(error))
        return false;
    if (net->run) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID, "network '%s' is already active",
                    net->def->name);
        return false;
    }
    others = active_runs(net);
    if (!(run = netrun_start(st.runcfg, def, others, error)))
        return false;
    g_rw_lock_writer_lock(&st.lock);
    net->run = run;
    g_rw_lock_writer_unlock(&st.lock);
    memset(net->revived, 0, sizeof(net->revived));
    watch_dnsmasq(net);
    log_info("network '%s' started (bridge %s)", def->name, run->bridge ? run->bridge : "-");
    emit_event(net->def->name, net->def->uuid, VIR_NETWORK_EVENT_STARTED);
    return true;
}

virNetworkPtr
netdrv_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(NetObj) net = NULL;
    NetObj *existing;
    NetObj *added;

    if (!check_flags(flags, VIR_NETWORK_CREATE_VALIDATE, "netdrv_create_xml", error))
        return NULL;
    net = g_new0(NetObj, 1);
    net->def = netdef_parse_string(
        xml, (flags & VIR_NETWORK_CREATE_VALIDATE) ? NETDEF_PARSE_VALIDATE : 0, error);
    if (!net->def || !xmlstore_name_valid(net->def->name, error))
        return NULL;

    MODIFY_LOCKED();
    if (!check_can_run(error) || !check_duplicate(net->def, &existing, error))
        return NULL;
    if (existing) {
        /* a defined network runs with this XML as its live definition */
        if (!net->def->bridge && existing->def->bridge)
            net->def->bridge = g_strdup(existing->def->bridge);
        if (!net->def->mac_specified && existing->def->mac_specified) {
            net->def->mac = existing->def->mac;
            net->def->mac_specified = true;
        }
        if (!start_locked(existing, net->def, error))
            return NULL;
        return net_handle(conn, existing);
    }
    if (!assign_bridge(&st.tables, net->def, true, error))
        return NULL;
    assign_mac(net->def);
    if (!start_locked(net, net->def, error))
        return NULL;
    added = g_steal_pointer(&net);
    g_rw_lock_writer_lock(&st.lock);
    tables_put(&st.tables, added);
    g_rw_lock_writer_unlock(&st.lock);
    return net_handle(conn, added);
}

bool
netdrv_create(virNetworkPtr handle, GError **error)
{
    MODIFY_LOCKED();
    NetObj *net = net_of_handle(handle, error);

    return net && start_locked(net, net->def, error);
}

bool
netdrv_destroy(virNetworkPtr handle, GError **error)
{
    MODIFY_LOCKED();
    NetObj *net = net_of_handle(handle, error);
    g_autoptr(GPtrArray) others = NULL;
    g_autoptr(NetRun) run = NULL;
    unsigned char uuid[UUID_LEN];
    g_autofree char *name = NULL;
    bool ok;

    if (!net)
        return false;
    if (!net->run) {
        /* what libvirt answers for a network that is not running */
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                    net->def->name);
        return false;
    }
    others = active_runs(net);
    unwatch_dnsmasq(net);
    /* a failed step is reported, but the network is no longer running:
     * what could be removed was */
    ok = netrun_stop(st.runcfg, net->run, others, error);
    name = g_strdup(net->def->name);
    memcpy(uuid, net->def->uuid, UUID_LEN);
    g_rw_lock_writer_lock(&st.lock);
    run = g_steal_pointer(&net->run);
    if (!net->persistent) {
        tables_steal(&st.tables, net);
        net_obj_free(net);
    }
    g_rw_lock_writer_unlock(&st.lock);
    log_info("network '%s' stopped", name);
    emit_event(name, uuid, VIR_NETWORK_EVENT_STOPPED);
    return ok;
}

bool
network_driver_autostart(void)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    NetObj *net;
    bool ok = true;

    {
        READ_LOCKED();

        if (!st.initialised || !st.runcfg)
            return true;
        g_hash_table_iter_init(&iter, st.tables.by_name);
        while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&net)) {
            if (net->autostart && net->persistent && !net->run)
                g_ptr_array_add(names, g_strdup(net->def->name));
        }
    }
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autoptr(GError) err = NULL;
        MODIFY_LOCKED();

        if (!(net = find_by_name(name)) || net->run)
            continue;
        if (!start_locked(net, net->def, &err)) {
            log_error("autostart of network '%s' failed: %s", name, err->message);
            ok = false;
        }
    }
    return ok;
}

/* ---- updates (virNetworkUpdate) ---- */

/* Gives @net the definition @def (taken): the tables' keys point into
 * the definition, so the object is taken out and put back around it. */
static void
replace_def(NetObj *net, NetDef *def)
{
    g_rw_lock_writer_lock(&st.lock);
    tables_steal(&st.tables, net);
    netdef_free(net->def);
    net->def = def;
    tables_put(&st.tables, net);
    g_rw_lock_writer_unlock(&st.lock);
}

/* @base with the update applied (a copy); NULL with *error set. */
static NetDef *
updated_copy(const NetDef *base, unsigned int command, unsigned int section, int parent_index,
             const char *xml, GError **error)
{
    g_autoptr(NetDef) copy = netdef_copy(base);

    if (!copy) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s': cannot copy it",
                    base->name);
        return NULL;
    }
    if (!netdef_update(copy, command, section, parent_index, xml, error))
        return NULL;
    return g_steal_pointer(&copy);
}

bool
netdrv_update(virNetworkPtr handle, unsigned int command, unsigned int section, int parent_index,
              const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(NetDef) new_config = NULL;
    g_autoptr(NetDef) new_live = NULL;
    g_autofree char *stored = NULL;
    bool live, config;
    NetObj *net;

    if (!check_flags(flags, VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG,
                     "netdrv_update", error))
        return false;
    MODIFY_LOCKED();
    if (!(net = net_of_handle(handle, error)))
        return false;
    live = flags & VIR_NETWORK_UPDATE_AFFECT_LIVE;
    config = flags & VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    if (!live && !config) {
        /* "current": the running network if it runs, else the definition */
        live = net->run != NULL;
        config = !live;
    }
    if (live && !net->run) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID, "network '%s' is not running",
                    net->def->name);
        return false;
    }
    if (config && !net->persistent) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot change the persistent configuration of transient network '%s'",
                    net->def->name);
        return false;
    }
    /* both computed before anything changes: a bad update changes nothing */
    if (config &&
        !(new_config = updated_copy(net->def, command, section, parent_index, xml, error)))
        return false;
    if (live &&
        !(new_live = updated_copy(net->run->def, command, section, parent_index, xml, error)))
        return false;
    if (config && !(stored = netdef_format(new_config, NETDEF_FORMAT_INACTIVE, error)))
        return false;
    /* hosts files are re-read on SIGHUP; other options need a new dnsmasq,
     * as does the first static host of an <ip> without ranges (or its last) */
    /* a replaced dnsmasq gets a watch of its own */
    unwatch_dnsmasq(net);
    if (live && !netrun_update(st.runcfg, net->run, new_live,
                               netdef_update_needs_dnsmasq_restart(section) ||
                                   netdef_update_dhcp_toggled(net->run->def, new_live),
                               error)) {
        watch_dnsmasq(net);
        return false;
    }
    watch_dnsmasq(net);
    if (config) {
        if (!xmlstore_save(st.store, net->def->name, stored, error))
            return false;
        g_free(net->digest);
        net->digest = digest_of(stored);
        replace_def(net, g_steal_pointer(&new_config));
    } else if (!net->persistent) {
        /* a transient network's definition is its live one */
        NetDef *copy = netdef_copy(net->run->def);

        if (copy)
            replace_def(net, copy);
    }
    log_info("network '%s': update (command %u, section %u) applied to %s%s%s", net->def->name,
             command, section, live ? "the running network" : "", live && config ? " and " : "",
             config ? "its definition" : "");
    return true;
}

/* ---- queries ---- */

char *
netdrv_get_xml_desc(virNetworkPtr handle, unsigned int flags, GError **error)
{
    const NetObj *net;
    const NetDef *def;

    if (!check_flags(flags, VIR_NETWORK_XML_INACTIVE, "netdrv_get_xml_desc", error))
        return NULL;
    READ_LOCKED();
    if (!(net = net_of_handle(handle, error)))
        return NULL;
    def = net->run && (!(flags & VIR_NETWORK_XML_INACTIVE) || !net->persistent) ? net->run->def
                                                                                : net->def;
    return netdef_format(def, (flags & VIR_NETWORK_XML_INACTIVE) ? NETDEF_FORMAT_INACTIVE : 0,
                         error);
}

char *
netdrv_get_bridge_name(virNetworkPtr handle, GError **error)
{
    READ_LOCKED();
    const NetObj *net = net_of_handle(handle, error);
    const char *bridge;

    if (!net)
        return NULL;
    bridge = net->run ? net->run->bridge : net->def->bridge;
    if (!bridge) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "network '%s' does not have a bridge name.", net->def->name);
        return NULL;
    }
    return g_strdup(bridge);
}

bool
netdrv_get_autostart(virNetworkPtr handle, int *ret_autostart, GError **error)
{
    READ_LOCKED();
    const NetObj *net = net_of_handle(handle, error);

    if (!net)
        return false;
    *ret_autostart = net->autostart ? 1 : 0;
    return true;
}

bool
netdrv_set_autostart(virNetworkPtr handle, int autostart, GError **error)
{
    MODIFY_LOCKED();
    NetObj *net = net_of_handle(handle, error);

    if (!net)
        return false;
    if (!net->persistent) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot set autostart for transient network");
        return false;
    }
    if (net->autostart == (autostart != 0))
        return true;
    if (!xmlstore_set_autostart(st.store, net->def->name, autostart != 0, error))
        return false;
    g_rw_lock_writer_lock(&st.lock);
    net->autostart = autostart != 0;
    g_rw_lock_writer_unlock(&st.lock);
    return true;
}

int
netdrv_is_active(virNetworkPtr handle, GError **error)
{
    READ_LOCKED();
    const NetObj *net = net_of_handle(handle, error);

    return net ? net->run != NULL : -1;
}

int
netdrv_is_persistent(virNetworkPtr handle, GError **error)
{
    READ_LOCKED();
    const NetObj *net = net_of_handle(handle, error);

    return net ? net->persistent : -1;
}

static void
lease_to_api(virNetworkDHCPLeasePtr out, const Lease *l, const char *bridge)
{
    out->iface = g_strdup(l->iface ? l->iface : bridge);
    out->expirytime = l->expiry;
    out->type = l->type;
    out->mac = g_strdup(l->mac);
    out->iaid = g_strdup(l->iaid);
    out->ipaddr = g_strdup(l->ip);
    out->prefix = l->prefix;
    out->hostname = g_strdup(l->hostname);
    out->clientid = g_strdup(l->client_id);
}

int
netdrv_get_dhcp_leases(virNetworkPtr handle, const char *mac, virNetworkDHCPLeasePtr **ret_leases,
                       unsigned int flags, GError **error)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autoptr(GPtrArray) leases = NULL;
    g_autofree char *bridge = NULL;
    g_autoptr(GPtrArray) out = NULL;
    const NetObj *net;

    if (!check_flags(flags, 0, "netdrv_get_dhcp_leases", error))
        return -1;
    {
        READ_LOCKED();

        if (!(net = net_of_handle(handle, error)))
            return -1;
        /* an inactive network has no DHCP server, hence no leases (libvirt
         * reads an absent lease file as none, not as an error) */
        if (net->run && st.runcfg) {
            netrun_paths_init(st.runcfg, net->def->name, &p);
            bridge = g_strdup(net->run->bridge);
        }
    }
    out = g_ptr_array_new();
    if (p.leases) {
        if (!(leases = leases_load(p.leases, error)))
            return -1;
        leases_prune_expired(leases, g_get_real_time() / G_USEC_PER_SEC);
        for (guint i = 0; i < leases->len; i++) {
            const Lease *l = g_ptr_array_index(leases, i);
            virNetworkDHCPLeasePtr api;

            if (mac && (!l->mac || g_ascii_strcasecmp(mac, l->mac) != 0))
                continue;
            api = g_new0(virNetworkDHCPLease, 1);
            lease_to_api(api, l, bridge);
            g_ptr_array_add(out, api);
        }
    }
    if (ret_leases) {
        guint n = out->len;

        g_ptr_array_add(out, NULL);
        *ret_leases = (virNetworkDHCPLeasePtr *)g_ptr_array_steal(out, NULL);
        return (int)n;
    }
    for (guint i = 0; i < out->len; i++)
        virNetworkDHCPLeaseFree(g_ptr_array_index(out, i));
    return (int)out->len;
}

/* ---- for domains ---- */

/* The record of running network @name (a lock held). */
static const NetRun *
active_run_by_name(const char *name, GError **error)
{
    const NetObj *net = st.initialised ? find_by_name(name) : NULL;

    if (!net) {
        g_set_error(error, NET_ERROR, VIR_ERR_NO_NETWORK, "no network with matching name '%s'",
                    name);
        return NULL;
    }
    if (!net->run) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID, "network '%s' is not active",
                    name);
        return NULL;
    }
    return net->run;
}

NetPort *
network_driver_port_plug(const char *name, const MacAddr *mac, const char *ifname, unsigned mtu,
                         GError **error)
{
    MODIFY_LOCKED();
    const NetRun *run = active_run_by_name(name, error);

    return run ? netport_plug(run, mac, ifname, mtu, error) : NULL;
}

bool
network_driver_port_unplug(NetPort *port, GError **error)
{
    g_autoptr(NetPort) owned = port;
    MODIFY_LOCKED();
    const NetObj *net = st.initialised ? find_by_name(port->network) : NULL;

    if (!st.runcfg) {
        g_set_error(error, NET_ERROR, VIR_ERR_NO_SUPPORT,
                    "this process cannot run networks (no runtime configured)");
        return false;
    }
    return netport_unplug(st.runcfg, net ? net->run : NULL, port, error);
}

char *
network_driver_listen_address(const char *name, int family, GError **error)
{
    READ_LOCKED();
    const NetRun *run = active_run_by_name(name, error);

    return run ? netrun_listen_address(run, family, error) : NULL;
}
