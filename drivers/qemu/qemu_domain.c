/*
 * qemu_domain.c: the QEMU driver's persistent domain definitions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef.h"
#include "conf/redefine.h"
#include "drivers/qemu/qemu_domain.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/uuid.h"
#include "util/xmlstore.h"
#include "drivers/qemu/qemu_ports.h"
#include "drivers/qemu/qemu_process.h"
#include "util/log.h"

typedef struct QemuDom {
    DomDef *def; /* the persistent config */
    bool autostart;
    char *digest;      /* SHA-256 of the file as stored: tells reload what changed */
    QemuProcess *proc; /* running: the guest's qemu; NULL: shut off */
    bool persistent;   /* has a file under ETC (a transient one goes when it stops) */
    int id;            /* while running, else -1 */
    int state, reason; /* virDomainState and its reason */
    bool busy;         /* a start or stop runs with modify_lock released */
} QemuDom;

/* The two indexes over one set of objects; by_name owns them. Keys point
 * into the objects' defs. */
typedef struct DomTables {
    GHashTable *by_name;
    GHashTable *by_uuid;
} DomTables;

static struct {
    bool initialised;
    GMutex modify_lock;    /* held across a whole change, file I/O included,
                              except while a guest's qemu starts or stops */
    GRWLock lock;          /* guards tables; written only with modify_lock held */
    GCond idle_cond;       /* (modify_lock) a busy domain became idle */
    unsigned int busy;     /* (modify_lock) domains busy */
    gint autostart_cancel; /* the agent is stopping: pending autostarts skip */
    GMutex events_lock;    /* guards events */
    GThreadPool *events;   /* one thread: guests' events in order */
    XmlStore *store;
    DomTables tables;
    GMutex conns_lock; /* guards conns */
    GPtrArray *conns;  /* virConnectPtr, not referenced (close removes them) */
    /* running guests (qemu_domain_set_runtime()); NULL run_dir: none start */
    char *run_dir, *log_dir;
    char *dump_dir; /* on_crash coredump-*: STATE/qemu/dump */
    PortRange *display_ports;
    int next_id;
} st;

#define READ_LOCKED()                                                                              \
    g_autoptr(GRWLockReaderLocker) rlocker G_GNUC_UNUSED = g_rw_lock_reader_locker_new(&st.lock)
#define MODIFY_LOCKED()                                                                            \
    g_autoptr(GMutexLocker) mlocker G_GNUC_UNUSED = g_mutex_locker_new(&st.modify_lock)

static void
qemu_dom_free(QemuDom *dom)
{
    if (!dom)
        return;
    domdef_free(dom->def);
    g_free(dom->digest);
    /* a guest still running at agent exit keeps running (reconnect: later) */
    g_free(dom);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuDom, qemu_dom_free)

static guint
uuid_hash(gconstpointer key)
{
    guint h = 0;

    memcpy(&h, key, sizeof(h)); /* random bytes already */
    return h;
}

static void stop_guest(QemuDom *dom, int reason, int detail, bool release);
static void forget_if_transient(QemuDom *dom);
static void wait_all_idle(void);

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean
uuid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, UUID_LEN) == 0;
}

static void
tables_init(DomTables *t)
{
    t->by_name =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)qemu_dom_free);
    t->by_uuid = g_hash_table_new(uuid_hash, uuid_equal);
}

static void
tables_clear(DomTables *t)
{
    /* by_uuid first: its keys live in the objects by_name frees */
    g_clear_pointer(&t->by_uuid, g_hash_table_unref);
    g_clear_pointer(&t->by_name, g_hash_table_unref);
}

/* Puts @dom in, replacing (and freeing) an object of the same name. */
static void
tables_put(DomTables *t, QemuDom *dom)
{
    QemuDom *old = g_hash_table_lookup(t->by_name, dom->def->name);

    if (old)
        g_hash_table_remove(t->by_uuid, old->def->uuid);
    g_hash_table_replace(t->by_uuid, dom->def->uuid, dom);
    g_hash_table_replace(t->by_name, dom->def->name, dom);
}

/* Takes @dom out without freeing it. */
static void
tables_steal(DomTables *t, QemuDom *dom)
{
    g_hash_table_remove(t->by_uuid, dom->def->uuid);
    g_hash_table_steal(t->by_name, dom->def->name);
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
        g_set_error(error, QEMU_ERROR, VIR_ERR_INVALID_ARG,
                    "unsupported flags (0x%x) in function %s", flags & ~allowed, func);
        return false;
    }
    return true;
}

/* ---- connections and events ---- */

void
qemu_domain_attach_conn(virConnectPtr conn)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.conns_lock);

    if (!st.conns)
        st.conns = g_ptr_array_new();
    g_ptr_array_add(st.conns, conn);
}

void
qemu_domain_detach_conn(virConnectPtr conn)
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

/* Queues a lifecycle event on every open connection. A connection whose
 * last reference is going (its close is waiting for conns_lock) is
 * skipped; the others are held while the event is queued, and released
 * with conns_lock no longer held, since that release may close them. */
static void
emit_event(const char *name, const unsigned char *uuid, int event, int detail)
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
        conn_events_emit_domain_lifecycle(g_ptr_array_index(held, i), name, uuid, -1, event,
                                          detail);
}

/* ---- loading ---- */

/* xmlstore_load_all() callback: one NAME.xml into the tables @data. */
static bool
load_one(const char *name, const char *xml, bool autostart, gpointer data, GError **error)
{
    DomTables *t = data;
    g_autoptr(QemuDom) dom = g_new0(QemuDom, 1);
    const QemuDom *other;
    char uuidstr[UUID_STRING_LEN];

    if (!(dom->def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, error)))
        return false;
    if (strcmp(dom->def->name, name) != 0) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "domain config filename '%s' does not match domain name '%s'", name,
                    dom->def->name);
        return false;
    }
    if ((other = g_hash_table_lookup(t->by_uuid, dom->def->uuid))) {
        uuid_format(dom->def->uuid, uuidstr);
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED,
                    "domain '%s' is already defined with uuid %s", other->def->name, uuidstr);
        return false;
    }
    dom->autostart = autostart;
    dom->digest = digest_of(xml);
    dom->id = -1;
    dom->persistent = true;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    tables_put(t, g_steal_pointer(&dom));
    return true;
}

bool
qemu_domain_state_init(const char *dir, GError **error)
{
    MODIFY_LOCKED();
    g_autoptr(XmlStore) store = NULL;
    DomTables t;

    if (st.initialised) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the QEMU driver is already initialised");
        return false;
    }
    if (!(store = xmlstore_new(dir, error)))
        return false;
    tables_init(&t);
    if (xmlstore_load_all(store, load_one, &t, error) < 0) {
        tables_clear(&t);
        return false;
    }
    g_rw_lock_writer_lock(&st.lock);
    st.store = g_steal_pointer(&store);
    st.tables = t;
    st.initialised = true;
    g_rw_lock_writer_unlock(&st.lock);
    return true;
}

bool
qemu_domain_state_is_initialised(void)
{
    READ_LOCKED();

    return st.initialised;
}

/* The events a reload implies, queued until the new tables are in. */
typedef struct ReloadEvent {
    char *name;
    unsigned char uuid[UUID_LEN];
    int event;
    int detail;
} ReloadEvent;

static void
reload_event_add(GArray *events, const DomDef *def, int event, int detail)
{
    ReloadEvent ev = { g_strdup(def->name), { 0 }, event, detail };

    memcpy(ev.uuid, def->uuid, UUID_LEN);
    g_array_append_val(events, ev);
}

static void
reload_event_clear(gpointer data)
{
    g_free(((ReloadEvent *)data)->name);
}

bool
qemu_domain_state_reload(GError **error)
{
    MODIFY_LOCKED();
    g_autoptr(GArray) events = g_array_new(FALSE, TRUE, sizeof(ReloadEvent));
    g_autoptr(GPtrArray) transients = g_ptr_array_new();
    DomTables t, old;
    GHashTableIter iter;
    QemuDom *dom;

    g_array_set_clear_func(events, reload_event_clear);
    wait_all_idle(); /* objects are replaced below */
    if (!st.initialised) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the QEMU driver is not initialised");
        return false;
    }
    tables_init(&t);
    if (xmlstore_load_all(st.store, load_one, &t, error) < 0) {
        tables_clear(&t);
        return false;
    }
    /* gone, or replaced by another domain of the same name; a running
     * guest moves to its new definition (its file gone: it is stopped);
     * transient guests have no file and stay as they are */
    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        QemuDom *now = g_hash_table_lookup(t.by_name, dom->def->name);

        if (!dom->persistent) {
            if (!now)
                g_ptr_array_add(transients, dom);
            continue;
        }
        if (dom->proc) {
            if (now && memcmp(now->def->uuid, dom->def->uuid, UUID_LEN) == 0) {
                now->proc = g_steal_pointer(&dom->proc);
                now->id = dom->id;
                now->state = dom->state;
                now->reason = dom->reason;
            } else {
                /* holding the lock: the tables are being walked */
                stop_guest(dom, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED,
                           false);
            }
        }
        if (!now || memcmp(now->def->uuid, dom->def->uuid, UUID_LEN) != 0)
            reload_event_add(events, dom->def, VIR_DOMAIN_EVENT_UNDEFINED,
                             VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    }
    g_hash_table_iter_init(&iter, t.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        const QemuDom *before = g_hash_table_lookup(st.tables.by_name, dom->def->name);

        if (!before || memcmp(before->def->uuid, dom->def->uuid, UUID_LEN) != 0)
            reload_event_add(events, dom->def, VIR_DOMAIN_EVENT_DEFINED,
                             VIR_DOMAIN_EVENT_DEFINED_ADDED);
        else if (strcmp(before->digest, dom->digest) != 0)
            reload_event_add(events, dom->def, VIR_DOMAIN_EVENT_DEFINED,
                             VIR_DOMAIN_EVENT_DEFINED_UPDATED);
    }
    g_rw_lock_writer_lock(&st.lock);
    for (guint i = 0; i < transients->len; i++) {
        tables_steal(&st.tables, g_ptr_array_index(transients, i));
        tables_put(&t, g_ptr_array_index(transients, i));
    }
    old = st.tables;
    st.tables = t;
    g_rw_lock_writer_unlock(&st.lock);
    tables_clear(&old);

    for (guint i = 0; i < events->len; i++) {
        const ReloadEvent *ev = &g_array_index(events, ReloadEvent, i);

        emit_event(ev->name, ev->uuid, ev->event, ev->detail);
    }
    return true;
}

void
qemu_domain_state_shutdown(void)
{
    GThreadPool *events;

    /* the guests' events queued so far are handled first */
    g_mutex_lock(&st.events_lock);
    events = g_steal_pointer(&st.events);
    g_mutex_unlock(&st.events_lock);
    if (events)
        g_thread_pool_free(events, FALSE, TRUE);

    MODIFY_LOCKED();

    g_atomic_int_set(&st.autostart_cancel, TRUE);
    wait_all_idle();
    g_rw_lock_writer_lock(&st.lock);
    if (st.initialised) {
        tables_clear(&st.tables);
        g_clear_pointer(&st.store, xmlstore_free);
        st.initialised = false;
    }
    g_rw_lock_writer_unlock(&st.lock);
    g_mutex_lock(&st.conns_lock);
    g_clear_pointer(&st.conns, g_ptr_array_unref);
    g_mutex_unlock(&st.conns_lock);
}

/* ---- lookups (with st.lock read-held or st.modify_lock held) ---- */

static QemuDom *
find_by_name(const char *name)
{
    return g_hash_table_lookup(st.tables.by_name, name);
}

static QemuDom *
find_by_uuid(const unsigned char *uuid)
{
    return g_hash_table_lookup(st.tables.by_uuid, uuid);
}

/* The object behind a handle (by UUID, as libvirt), or VIR_ERR_NO_DOMAIN. */
static QemuDom *
dom_of_handle(virDomainPtr handle, GError **error)
{
    QemuDom *dom = find_by_uuid(handle->uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!dom) {
        uuid_format(handle->uuid, uuidstr);
        g_set_error(error, QEMU_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                    uuidstr, handle->name);
    }
    return dom;
}

static virDomainPtr
dom_handle(virConnectPtr conn, const QemuDom *dom)
{
    return obj_domain_new(conn, dom->def->name, dom->def->uuid, dom->proc ? dom->id : -1);
}

/* ---- busy domains ----
 * Starting or stopping a guest takes tens of milliseconds (a stubborn qemu:
 * seconds): it runs with modify_lock released and the domain marked busy,
 * so changes to other domains go on meanwhile. A change to a busy domain
 * waits until it is idle (libvirt: the state change lock); nothing frees
 * or replaces a busy object. */

#define BUSY_WAIT_SECONDS 30
#define AUTOSTART_THREADS_MAX 8

static void
busy_begin(QemuDom *dom)
{
    dom->busy = true;
    st.busy++;
    g_mutex_unlock(&st.modify_lock);
}

/* modify_lock is held again on return; @dom is still in the tables */
static void
busy_end(QemuDom *dom)
{
    g_mutex_lock(&st.modify_lock);
    dom->busy = false;
    st.busy--;
    g_cond_broadcast(&st.idle_cond);
}

/* Waits (modify_lock held, released meanwhile) for the next idle
 * transition; false once @deadline passed. */
static bool
busy_wait(gint64 deadline, const char *name, GError **error)
{
    if (g_cond_wait_until(&st.idle_cond, &st.modify_lock, deadline) ||
        g_get_monotonic_time() < deadline)
        return true;
    g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                "cannot acquire state change lock: domain '%s' is still starting or stopping",
                name);
    return false;
}

/* dom_of_handle() once the domain is idle (modify_lock held). */
static QemuDom *
idle_dom_of_handle(virDomainPtr handle, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + BUSY_WAIT_SECONDS * G_TIME_SPAN_SECOND;
    QemuDom *dom;

    while ((dom = dom_of_handle(handle, error)) && dom->busy) {
        if (!busy_wait(deadline, handle->name, error))
            return NULL;
    }
    return dom;
}

/* Until no domain is busy (modify_lock held): for changes to all of them. */
static void
wait_all_idle(void)
{
    while (st.busy)
        g_cond_wait(&st.idle_cond, &st.modify_lock);
}

/* ---- listing ---- */

int
qemu_connect_num_of_domains(virConnectPtr conn G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();
    GHashTableIter iter;
    QemuDom *dom;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom))
        n += dom->proc != NULL;
    return n;
}

int
qemu_connect_list_domains(virConnectPtr conn G_GNUC_UNUSED, int *ids, int maxids,
                          GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();
    GHashTableIter iter;
    QemuDom *dom;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (n < maxids && g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        if (dom->proc)
            ids[n++] = dom->id;
    }
    return n;
}

int
qemu_connect_num_of_defined_domains(virConnectPtr conn G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();
    GHashTableIter iter;
    QemuDom *dom;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom))
        n += dom->proc == NULL;
    return n;
}

int
qemu_connect_list_defined_domains(virConnectPtr conn G_GNUC_UNUSED, char **names, int maxnames,
                                  GError **error G_GNUC_UNUSED)
{
    READ_LOCKED();
    GHashTableIter iter;
    QemuDom *dom;
    int n = 0;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (n < maxnames && g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        if (!dom->proc)
            names[n++] = g_strdup(dom->def->name);
    }
    return n;
}

/* One yes/no filter group: no bit set means "any". */
static bool
filter_pair(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

/* Every domain is persistent, without managed save, snapshot or
 * checkpoint; running or not, autostart or not. */
static bool
dom_matches(const QemuDom *dom, unsigned int flags)
{
    const unsigned int states = VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                                VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER;
    unsigned int mine = !dom->proc                         ? VIR_CONNECT_LIST_DOMAINS_SHUTOFF
                        : dom->state == VIR_DOMAIN_PAUSED  ? VIR_CONNECT_LIST_DOMAINS_PAUSED
                        : dom->state == VIR_DOMAIN_RUNNING ? VIR_CONNECT_LIST_DOMAINS_RUNNING
                                                           : VIR_CONNECT_LIST_DOMAINS_OTHER;

    return filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                       dom->proc != NULL) &&
           filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
                       VIR_CONNECT_LIST_DOMAINS_TRANSIENT, dom->persistent) &&
           filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                       VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, false) &&
           filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                       VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, dom->autostart) &&
           filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                       VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, false) &&
           filter_pair(flags, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                       VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, false) &&
           (!(flags & states) || (flags & mine));
}

int
qemu_connect_list_all_domains(virConnectPtr conn, virDomainPtr **ret_domains, unsigned int flags,
                              GError **error)
{
    g_autoptr(GPtrArray) found = NULL;
    GHashTableIter iter;
    QemuDom *dom;
    int n = 0;

    if (!check_flags(flags, 0xffff, "qemu_connect_list_all_domains", error))
        return -1;
    found = g_ptr_array_new();
    READ_LOCKED();
    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        if (!dom_matches(dom, flags))
            continue;
        n++;
        if (ret_domains)
            g_ptr_array_add(found, dom_handle(conn, dom));
    }
    if (ret_domains) {
        g_ptr_array_add(found, NULL);
        *ret_domains = (virDomainPtr *)g_ptr_array_steal(found, NULL);
    }
    return n;
}

/* ---- lookups ---- */

virDomainPtr
qemu_domain_lookup_by_id(virConnectPtr conn, int id, GError **error)
{
    READ_LOCKED();
    GHashTableIter iter;
    QemuDom *dom;

    g_hash_table_iter_init(&iter, st.tables.by_name);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
        if (dom->proc && dom->id == id)
            return dom_handle(conn, dom);
    }
    g_set_error(error, QEMU_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return NULL;
}

virDomainPtr
qemu_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = find_by_name(name);

    if (!dom) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                    name);
        return NULL;
    }
    return dom_handle(conn, dom);
}

virDomainPtr
qemu_domain_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = find_by_uuid(uuid);
    char uuidstr[UUID_STRING_LEN];

    if (!dom) {
        uuid_format(uuid, uuidstr);
        g_set_error(error, QEMU_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'",
                    uuidstr);
        return NULL;
    }
    return dom_handle(conn, dom);
}

/* ---- definition ---- */

/* libvirt's rules: the same name under another UUID, or the same UUID
 * under another name, is refused. *ret_existing: the object with both the
 * same name and UUID, if any. With st.modify_lock held. */
static bool
check_duplicate(const DomDef *def, QemuDom **ret_existing, GError **error)
{
    QemuDom *by_name = find_by_name(def->name);
    QemuDom *by_uuid = find_by_uuid(def->uuid);

    *ret_existing = NULL;
    if (!redefine_check("domain", def->name, def->uuid, by_name ? by_name->def->uuid : NULL,
                        by_uuid ? by_uuid->def->name : NULL, CONF_DOMAIN_ERROR, error))
        return false;
    *ret_existing = by_name;
    return true;
}

virDomainPtr
qemu_domain_define_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    unsigned int parse_flags = DOMDEF_PARSE_INACTIVE;
    g_autoptr(QemuDom) dom = NULL;
    g_autofree char *stored = NULL;
    QemuDom *existing;
    QemuDom *added;
    virDomainPtr handle;
    gint64 deadline;
    int detail;

    if (!check_flags(flags, VIR_DOMAIN_DEFINE_VALIDATE, "qemu_domain_define_xml", error))
        return NULL;
    if (flags & VIR_DOMAIN_DEFINE_VALIDATE)
        parse_flags |= DOMDEF_PARSE_VALIDATE;
    dom = g_new0(QemuDom, 1);
    /* parsing and formatting need no lock */
    if (!(dom->def = domdef_parse_string(xml, parse_flags, error)) ||
        !xmlstore_name_valid(dom->def->name, error) ||
        !(stored =
              domdef_format(dom->def, 0, DOMDEF_FORMAT_INACTIVE | DOMDEF_FORMAT_SECURE, error)))
        return NULL;
    dom->digest = digest_of(stored);

    MODIFY_LOCKED();
    if (!st.initialised) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the QEMU driver is not initialised");
        return NULL;
    }
    deadline = g_get_monotonic_time() + BUSY_WAIT_SECONDS * G_TIME_SPAN_SECOND;
    for (;;) {
        if (!check_duplicate(dom->def, &existing, error))
            return NULL;
        if (!existing || !existing->busy)
            break;
        /* @existing is replaced below: not while its guest starts or stops */
        if (!busy_wait(deadline, dom->def->name, error))
            return NULL;
    }
    if (!xmlstore_save(st.store, dom->def->name, stored, error))
        return NULL;
    if (existing) {
        dom->autostart = existing->autostart;
        detail = VIR_DOMAIN_EVENT_DEFINED_UPDATED;
    } else {
        /* a link left by an earlier definition of this name counts */
        if (!xmlstore_get_autostart(st.store, dom->def->name, &dom->autostart, NULL))
            dom->autostart = false;
        detail = VIR_DOMAIN_EVENT_DEFINED_ADDED;
    }
    dom->id = -1;
    dom->persistent = true;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    added = g_steal_pointer(&dom);
    g_rw_lock_writer_lock(&st.lock);
    if (existing) {
        /* a running guest keeps running with its live definition */
        added->proc = g_steal_pointer(&existing->proc);
        added->id = existing->id;
        added->state = existing->state;
        added->reason = existing->reason;
    }
    handle = dom_handle(conn, added);
    tables_put(&st.tables, added);
    g_rw_lock_writer_unlock(&st.lock);
    /* @added stays valid: only holders of modify_lock free objects */
    emit_event(added->def->name, added->def->uuid, VIR_DOMAIN_EVENT_DEFINED, detail);
    return handle;
}

bool
qemu_domain_undefine(virDomainPtr handle, unsigned int flags, GError **error)
{
    g_autoptr(QemuDom) gone = NULL;
    QemuDom *dom;

    if (!check_flags(flags,
                     VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                         VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM |
                         VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_TPM |
                         VIR_DOMAIN_UNDEFINE_KEEP_TPM,
                     "qemu_domain_undefine", error))
        return false;
    if ((flags & VIR_DOMAIN_UNDEFINE_NVRAM) && (flags & VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot both keep and delete nvram");
        return false;
    }
    if ((flags & VIR_DOMAIN_UNDEFINE_TPM) && (flags & VIR_DOMAIN_UNDEFINE_KEEP_TPM)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot both keep and delete TPM");
        return false;
    }

    MODIFY_LOCKED();
    if (!(dom = idle_dom_of_handle(handle, error)))
        return false;
    if (!dom->persistent) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID,
                    "cannot undefine transient domain '%s'", dom->def->name);
        return false;
    }
    if (!xmlstore_delete(st.store, dom->def->name, error))
        return false;
    if (dom->proc) {
        /* as libvirt: a running guest goes on, transient, until it stops */
        g_rw_lock_writer_lock(&st.lock);
        dom->persistent = false;
        dom->autostart = false;
        g_rw_lock_writer_unlock(&st.lock);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_UNDEFINED,
                   VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
        return true;
    }
    g_rw_lock_writer_lock(&st.lock);
    tables_steal(&st.tables, dom);
    g_rw_lock_writer_unlock(&st.lock);
    gone = dom;
    emit_event(gone->def->name, gone->def->uuid, VIR_DOMAIN_EVENT_UNDEFINED,
               VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    return true;
}

/* ---- lifecycle ---- */

void
qemu_domain_set_runtime(const char *run_dir, const char *log_dir, const char *dump_dir)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.modify_lock);

    g_free(st.run_dir);
    g_free(st.log_dir);
    g_free(st.dump_dir);
    st.dump_dir = g_strdup(dump_dir);
    st.run_dir = g_strdup(run_dir);
    st.log_dir = g_strdup(log_dir);
    if (!st.display_ports)
        st.display_ports = port_range_new("display", 5900, 65535);
}

void
qemu_domain_set_display_ports(unsigned int first, unsigned int last)
{
    /* the range has a lock of its own: a reload does not wait for a start */
    if (st.display_ports) {
        port_range_set_bounds(st.display_ports, first, last);
        return;
    }
    g_mutex_lock(&st.modify_lock);
    st.display_ports = port_range_new("display", first, last);
    g_mutex_unlock(&st.modify_lock);
}

static void process_event(const char *name, GPid pid, QemuProcessEvent event, gpointer data);

static QemuProcessConfig
process_config(void)
{
    return (QemuProcessConfig){
        .run_dir = st.run_dir,
        .log_dir = st.log_dir,
        .display_ports = st.display_ports,
        .event_cb = process_event,
    };
}

static void
set_state(QemuDom *dom, int state, int reason)
{
    g_rw_lock_writer_lock(&st.lock);
    dom->state = state;
    dom->reason = reason;
    g_rw_lock_writer_unlock(&st.lock);
}

/* Stops @dom's guest (st.modify_lock held; with @release, released while
 * qemu goes and @dom is busy): shut off with @reason, the STOPPED event
 * with @detail. */
static void
stop_guest(QemuDom *dom, int reason, int detail, bool release)
{
    QemuProcessConfig cfg = process_config();
    QemuProcess *proc;
    g_autoptr(GError) err = NULL;
    bool ok = true;

    g_rw_lock_writer_lock(&st.lock);
    proc = g_steal_pointer(&dom->proc);
    dom->id = -1;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->reason = reason;
    g_rw_lock_writer_unlock(&st.lock);
    if (proc) {
        if (release)
            busy_begin(dom);
        ok = qemu_process_stop(&cfg, proc, &err);
        if (release)
            busy_end(dom);
    }
    if (!ok)
        log_warn("domain '%s': %s", dom->def->name, err->message);
    emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_STOPPED, detail);
}

static void
stop_locked(QemuDom *dom, int reason, int detail)
{
    stop_guest(dom, reason, detail, true);
}

static bool start_locked(QemuDom *dom, GError **error);

/* on_crash coredump-*: the crashed guest's memory to
 * DUMP/NAME-YYYYMMDD-HHMMSS.core, written by qemu with @dom busy (a
 * large guest takes a while); a failure is logged, the action goes on. */
static void
dump_memory(QemuDom *dom)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    bool ok;

    if (!st.dump_dir || g_mkdir_with_parents(st.dump_dir, 0700) < 0) {
        log_error("domain '%s': no directory for its memory dump ('%s')", dom->def->name,
                  st.dump_dir ? st.dump_dir : "none configured");
        return;
    }
    path = g_strdup_printf("%s/%s-%s.core", st.dump_dir, dom->def->name, stamp);
    busy_begin(dom);
    ok = qemu_process_dump(dom->proc, path, &err);
    busy_end(dom);
    if (ok)
        log_info("domain '%s': crashed; memory dumped to '%s'", dom->def->name, path);
    else
        log_error("domain '%s': memory dump to '%s' failed: %s", dom->def->name, path,
                  err->message);
}

/* on_poweroff / on_reboot / on_crash once the guest stopped by itself
 * (st.modify_lock held): destroy (shut off with @reason), restart (a new
 * qemu for the same definition), preserve (qemu stays, the guest paused,
 * for inspection). The other actions count as destroy. */
static void
lifecycle_action(QemuDom *dom, DomLifecycleAction action, int reason, int detail)
{
    g_autoptr(GError) err = NULL;

    switch (action) {
    case DOM_LIFECYCLE_PRESERVE:
        set_state(dom, VIR_DOMAIN_PAUSED,
                  reason == VIR_DOMAIN_SHUTOFF_CRASHED ? VIR_DOMAIN_PAUSED_CRASHED
                                                       : VIR_DOMAIN_PAUSED_SHUTTING_DOWN);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_SUSPENDED,
                   VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        return;
    case DOM_LIFECYCLE_COREDUMP_RESTART:
        dump_memory(dom);
        G_GNUC_FALLTHROUGH;
    case DOM_LIFECYCLE_RESTART:
        stop_locked(dom, reason, detail);
        if (!start_locked(dom, &err)) {
            log_error("domain '%s': restart after the guest stopped failed: %s", dom->def->name,
                      err->message);
            forget_if_transient(dom);
        }
        return;
    case DOM_LIFECYCLE_COREDUMP_DESTROY:
        dump_memory(dom);
        break;
    case DOM_LIFECYCLE_DESTROY:
    case DOM_LIFECYCLE_RESTART_RENAME:
    case DOM_LIFECYCLE_LAST:
        break;
    }
    stop_locked(dom, reason, detail);
    forget_if_transient(dom);
}

/* A transient domain that stopped goes (st.modify_lock held; @dom is
 * freed: the caller's last use). */
static void
forget_if_transient(QemuDom *dom)
{
    if (dom->persistent || dom->proc || dom->busy)
        return;
    g_rw_lock_writer_lock(&st.lock);
    tables_steal(&st.tables, dom);
    g_rw_lock_writer_unlock(&st.lock);
    qemu_dom_free(dom);
}

/* A guest's event, handled in order by the one thread of st.events: a
 * lifecycle action (a restart, a memory dump) must not hold up the main
 * loop, which serves every client. */
typedef struct GuestEvent {
    char *name;
    GPid pid;
    QemuProcessEvent event;
} GuestEvent;

static void
guest_event_free(gpointer data)
{
    g_free(((GuestEvent *)data)->name);
    g_free(data);
}

static void handle_event(gpointer data, gpointer user_data);

/* A STOP or RESUME event says only that the run state changed: it may be
 * stale (a suspend and a resume since), so qemu is asked what holds now
 * (st.modify_lock held). A paused guest not paused by the user (preserve:
 * shutting down, crashed) stays as it is. */
static void
sync_run_state(QemuDom *dom)
{
    g_autoptr(GError) err = NULL;
    bool running;

    if (!qemu_process_query_running(dom->proc, &running, &err)) {
        log_warn("domain '%s': %s", dom->def->name, err->message);
        return;
    }
    if (running && dom->state != VIR_DOMAIN_RUNNING) {
        set_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_RESUMED,
                   VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    } else if (!running && dom->state == VIR_DOMAIN_RUNNING) {
        set_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_SUSPENDED,
                   VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
}

/* What a running guest's qemu reported, on the main loop: queued. */
static void
process_event(const char *name, GPid pid, QemuProcessEvent event, gpointer data G_GNUC_UNUSED)
{
    GuestEvent *ev = g_new0(GuestEvent, 1);

    ev->name = g_strdup(name);
    ev->pid = pid;
    ev->event = event;
    g_mutex_lock(&st.events_lock);
    if (!st.events)
        st.events = g_thread_pool_new(handle_event, NULL, 1, FALSE, NULL);
    g_thread_pool_push(st.events, ev, NULL);
    g_mutex_unlock(&st.events_lock);
}

static void
handle_event(gpointer data, gpointer user_data G_GNUC_UNUSED)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&st.modify_lock);
    GuestEvent *ev = data;
    const char *name = ev->name;
    QemuProcessEvent event = ev->event;
    QemuDom *dom;

    /* a fresh guest's first event may beat the end of its start */
    while ((dom = st.initialised ? find_by_name(name) : NULL) && dom->busy)
        g_cond_wait(&st.idle_cond, &st.modify_lock);
    if (!dom || !dom->proc || qemu_process_status(dom->proc)->pid != ev->pid) {
        guest_event_free(ev); /* stopped meanwhile (and maybe started again) */
        return;
    }
    switch (event) {
    case QEMU_PROCESS_EVENT_SHUTDOWN:
    case QEMU_PROCESS_EVENT_SHUTDOWN_HOST:
        /* as libvirt: who asked, then what the action made of it */
        emit_event(name, dom->def->uuid, VIR_DOMAIN_EVENT_SHUTDOWN,
                   event == QEMU_PROCESS_EVENT_SHUTDOWN ? VIR_DOMAIN_EVENT_SHUTDOWN_GUEST
                                                        : VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
        lifecycle_action(dom, dom->def->on_poweroff, VIR_DOMAIN_SHUTOFF_SHUTDOWN,
                         VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        break;
    case QEMU_PROCESS_EVENT_REBOOT:
        emit_event(name, dom->def->uuid, VIR_DOMAIN_EVENT_SHUTDOWN,
                   VIR_DOMAIN_EVENT_SHUTDOWN_GUEST);
        lifecycle_action(dom, dom->def->on_reboot, VIR_DOMAIN_SHUTOFF_SHUTDOWN,
                         VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        break;
    case QEMU_PROCESS_EVENT_CRASHED:
        lifecycle_action(dom, dom->def->on_crash, VIR_DOMAIN_SHUTOFF_CRASHED,
                         VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        break;
    case QEMU_PROCESS_EVENT_GONE:
        log_warn("domain '%s': qemu exited on its own", name);
        stop_locked(dom, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
        forget_if_transient(dom);
        break;
    case QEMU_PROCESS_EVENT_STOP:
    case QEMU_PROCESS_EVENT_RESUME:
        sync_run_state(dom);
        break;
    case QEMU_PROCESS_EVENT_RESET:
        break; /* on_reboot restart: qemu resets the guest itself */
    }
    guest_event_free(ev);
}

static bool
start_locked(QemuDom *dom, GError **error)
{
    QemuProcessConfig cfg = process_config();
    QemuProcess *proc;
    int id;

    if (!st.run_dir) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_NO_SUPPORT,
                    "this process cannot run domains (no runtime configured)");
        return false;
    }
    if (dom->proc) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is already running",
                    dom->def->name);
        return false;
    }
    id = ++st.next_id;
    /* @dom is busy: nothing replaces its definition meanwhile */
    busy_begin(dom);
    proc = qemu_process_start(&cfg, dom->def, id, error);
    busy_end(dom);
    if (!proc)
        return false;
    g_rw_lock_writer_lock(&st.lock);
    dom->proc = proc;
    dom->id = id;
    dom->state = VIR_DOMAIN_RUNNING;
    dom->reason = VIR_DOMAIN_RUNNING_BOOTED;
    g_rw_lock_writer_unlock(&st.lock);
    emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_STARTED,
               VIR_DOMAIN_EVENT_STARTED_BOOTED);
    return true;
}

void
qemu_domain_reconnect(void)
{
    QemuProcessConfig cfg = process_config();
    g_autoptr(GDir) dir = NULL;
    const char *entry;
    MODIFY_LOCKED();

    if (!st.initialised || !st.run_dir || !(dir = g_dir_open(st.run_dir, 0, NULL)))
        return;
    while ((entry = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;
        g_autoptr(GError) err = NULL;
        QemuProcess *proc;
        QemuDom *dom;
        bool cleaned = false, running = true;

        if (!g_str_has_suffix(entry, ".xml"))
            continue;
        name = g_strndup(entry, strlen(entry) - strlen(".xml"));
        dom = find_by_name(name);
        if (!(proc = qemu_process_adopt(&cfg, name, &cleaned, &err))) {
            log_warn("%s", err->message);
            if (cleaned && dom)
                set_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED);
            continue;
        }
        if (!dom) {
            /* a transient guest: its live definition is all there is */
            dom = g_new0(QemuDom, 1);
            dom->def = domdef_copy(qemu_process_status(proc)->def);
            g_rw_lock_writer_lock(&st.lock);
            tables_put(&st.tables, dom);
            g_rw_lock_writer_unlock(&st.lock);
        }
        if (!qemu_process_query_running(proc, &running, &err))
            log_warn("domain '%s': %s", name, err->message);
        g_rw_lock_writer_lock(&st.lock);
        dom->proc = proc;
        dom->id = qemu_process_status(proc)->id;
        dom->state = running ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_PAUSED;
        dom->reason = running ? VIR_DOMAIN_RUNNING_UNPAUSED : VIR_DOMAIN_PAUSED_USER;
        st.next_id = MAX(st.next_id, dom->id);
        g_rw_lock_writer_unlock(&st.lock);
    }
}

/* One autostart domain (a pool thread): skipped if it runs or starts
 * already, or the agent is stopping. */
static void
autostart_one(gpointer data, gpointer user_data G_GNUC_UNUSED)
{
    g_autofree char *name = data;
    g_autoptr(GError) err = NULL;
    MODIFY_LOCKED();
    QemuDom *dom =
        st.initialised && !g_atomic_int_get(&st.autostart_cancel) ? find_by_name(name) : NULL;

    if (!dom || dom->proc || dom->busy)
        return;
    /* each failure is the domain's own: the others go on */
    if (!start_locked(dom, &err))
        log_error("autostart of domain '%s' failed: %s", name, err->message);
    else
        log_info("domain '%s' autostarted", name);
}

bool
qemu_domain_autostart(void)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    GThreadPool *pool;
    QemuDom *dom;

    {
        READ_LOCKED();

        if (!st.initialised)
            return false;
        g_hash_table_iter_init(&iter, st.tables.by_name);
        while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&dom)) {
            if (dom->autostart && !dom->proc)
                g_ptr_array_add(names, g_strdup(dom->def->name));
        }
    }
    if (!names->len)
        return true;
    g_ptr_array_sort(names, (GCompareFunc)compare_names);
    /* a start mostly waits for its qemu to come up: a few at a time */
    pool = g_thread_pool_new(autostart_one, NULL,
                             (gint)CLAMP(g_get_num_processors() * 2, 2, AUTOSTART_THREADS_MAX),
                             FALSE, NULL);
    for (guint i = 0; i < names->len; i++)
        g_thread_pool_push(pool, g_strdup(g_ptr_array_index(names, i)), NULL);
    g_thread_pool_free(pool, FALSE, TRUE);
    return !g_atomic_int_get(&st.autostart_cancel);
}

void
qemu_domain_autostart_cancel(void)
{
    g_atomic_int_set(&st.autostart_cancel, TRUE);
}

bool
qemu_domain_create(virDomainPtr handle, unsigned int flags, GError **error)
{
    QemuDom *dom;

    if (!check_flags(flags, 0x3f, "qemu_domain_create", error))
        return false;
    MODIFY_LOCKED();
    return (dom = idle_dom_of_handle(handle, error)) && start_locked(dom, error);
}

virDomainPtr
qemu_domain_create_xml(virConnectPtr conn, const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(QemuDom) dom = NULL;
    QemuDom *existing, *added;

    if (!check_flags(flags, 0x3f, "qemu_domain_create_xml", error))
        return NULL;
    dom = g_new0(QemuDom, 1);
    if (!(dom->def = domdef_parse_string(xml, 0, error)) ||
        !xmlstore_name_valid(dom->def->name, error))
        return NULL;
    MODIFY_LOCKED();
    if (!st.initialised) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "the QEMU driver is not initialised");
        return NULL;
    }
    if (!check_duplicate(dom->def, &existing, error))
        return NULL;
    if (existing) {
        /* libvirt refuses it too: the name belongs to a defined domain */
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID,
                    existing->proc || existing->busy
                        ? "domain '%s' is already active"
                        : "domain '%s' is already defined: start it instead",
                    dom->def->name);
        return NULL;
    }
    dom->id = -1;
    dom->state = VIR_DOMAIN_SHUTOFF;
    dom->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    added = g_steal_pointer(&dom);
    g_rw_lock_writer_lock(&st.lock);
    tables_put(&st.tables, added);
    g_rw_lock_writer_unlock(&st.lock);
    if (!start_locked(added, error)) {
        forget_if_transient(added);
        return NULL;
    }
    return dom_handle(conn, added);
}

/* The running domain of @handle once idle (st.modify_lock held), or an
 * error. */
static QemuDom *
running_dom(virDomainPtr handle, GError **error)
{
    QemuDom *dom = idle_dom_of_handle(handle, error);

    if (dom && !dom->proc) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                    dom->def->name);
        return NULL;
    }
    return dom;
}

bool
qemu_domain_destroy(virDomainPtr handle, unsigned int flags, GError **error)
{
    QemuDom *dom;

    if (!check_flags(flags, VIR_DOMAIN_DESTROY_GRACEFUL | VIR_DOMAIN_DESTROY_REMOVE_LOGS,
                     "qemu_domain_destroy", error))
        return false;
    MODIFY_LOCKED();
    if (!(dom = running_dom(handle, error)))
        return false;
    stop_locked(dom, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    forget_if_transient(dom);
    return true;
}

bool
qemu_domain_shutdown(virDomainPtr handle, unsigned int flags, GError **error)
{
    QemuDom *dom;

    if (!check_flags(flags, 0x1f, "qemu_domain_shutdown", error))
        return false;
    MODIFY_LOCKED();
    if (!(dom = running_dom(handle, error)))
        return false;
    if (dom->state != VIR_DOMAIN_RUNNING) {
        /* a paused guest would see the button only once resumed */
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                    dom->def->name);
        return false;
    }
    /* the ACPI button; the SHUTDOWN event stops the guest */
    return qemu_process_powerdown(dom->proc, error);
}

bool
qemu_domain_reboot(virDomainPtr handle, unsigned int flags, GError **error)
{
    QemuDom *dom;

    if (!check_flags(flags, 0x1f, "qemu_domain_reboot", error))
        return false;
    MODIFY_LOCKED();
    return (dom = running_dom(handle, error)) && qemu_process_reset(dom->proc, error);
}

bool
qemu_domain_reset(virDomainPtr handle, unsigned int flags, GError **error)
{
    QemuDom *dom;

    if (!check_flags(flags, 0, "qemu_domain_reset", error))
        return false;
    MODIFY_LOCKED();
    return (dom = running_dom(handle, error)) && qemu_process_reset(dom->proc, error);
}

bool
qemu_domain_suspend(virDomainPtr handle, GError **error)
{
    MODIFY_LOCKED();
    QemuDom *dom = running_dom(handle, error);

    if (!dom)
        return false;
    if (dom->state == VIR_DOMAIN_PAUSED)
        return true; /* as libvirt: nothing to do */
    if (!qemu_process_pause(dom->proc, error))
        return false;
    /* the STOP event may come later: the state is right at once */
    if (dom->state != VIR_DOMAIN_PAUSED) {
        set_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_SUSPENDED,
                   VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    return true;
}

bool
qemu_domain_resume(virDomainPtr handle, GError **error)
{
    MODIFY_LOCKED();
    QemuDom *dom = running_dom(handle, error);

    if (!dom)
        return false;
    if (dom->state != VIR_DOMAIN_PAUSED) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is not paused",
                    dom->def->name);
        return false;
    }
    if (!qemu_process_resume(dom->proc, error))
        return false;
    if (dom->state != VIR_DOMAIN_RUNNING) {
        set_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
        emit_event(dom->def->name, dom->def->uuid, VIR_DOMAIN_EVENT_RESUMED,
                   VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }
    return true;
}

/* ---- queries ---- */

bool
qemu_domain_get_info(virDomainPtr handle, virDomainInfoPtr info, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    if (!dom)
        return false;
    memset(info, 0, sizeof(*info));
    info->state = dom->proc ? dom->state : VIR_DOMAIN_SHUTOFF;
    info->maxMem = dom->def->max_memory_kib;
    info->memory = dom->def->cur_memory_kib;
    info->nrVirtCpu = dom->def->vcpus_current;
    info->cpuTime = dom->proc ? qemu_process_cpu_time(dom->proc) : 0;
    return true;
}

bool
qemu_domain_get_state(virDomainPtr handle, int *ret_state, int *ret_reason, unsigned int flags,
                      GError **error)
{
    const QemuDom *dom;

    if (!check_flags(flags, 0, "qemu_domain_get_state", error))
        return false;
    READ_LOCKED();
    if (!(dom = dom_of_handle(handle, error)))
        return false;
    *ret_state = dom->state;
    if (ret_reason)
        *ret_reason = dom->reason;
    return true;
}

char *
qemu_domain_get_xml_desc(virDomainPtr handle, unsigned int flags, GError **error)
{
    unsigned int format_flags = DOMDEF_FORMAT_INACTIVE;
    const QemuDom *dom;

    if (!check_flags(flags,
                     VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_UPDATE_CPU |
                         VIR_DOMAIN_XML_MIGRATABLE,
                     "qemu_domain_get_xml_desc", error))
        return NULL;
    if (flags & VIR_DOMAIN_XML_SECURE)
        format_flags |= DOMDEF_FORMAT_SECURE;
    READ_LOCKED();
    if (!(dom = dom_of_handle(handle, error)))
        return NULL;
    if (dom->proc && !(flags & VIR_DOMAIN_XML_INACTIVE))
        return domdef_format(qemu_process_status(dom->proc)->def, dom->id,
                             format_flags & ~DOMDEF_FORMAT_INACTIVE, error);
    return domdef_format(dom->def, 0, format_flags, error);
}

char *
qemu_domain_get_os_type(virDomainPtr handle, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    if (!dom)
        return NULL;
    return g_strdup(dom->def->os_type ? dom->def->os_type : "hvm");
}

bool
qemu_domain_get_max_memory(virDomainPtr handle, unsigned long long *ret_kib, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    if (!dom)
        return false;
    *ret_kib = dom->def->max_memory_kib;
    return true;
}

int
qemu_domain_get_vcpus_flags(virDomainPtr handle, unsigned int flags, GError **error)
{
    const QemuDom *dom;

    if (!check_flags(flags,
                     VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM |
                         VIR_DOMAIN_VCPU_GUEST,
                     "qemu_domain_get_vcpus_flags", error))
        return -1;
    if ((flags & VIR_DOMAIN_VCPU_LIVE) && (flags & VIR_DOMAIN_VCPU_CONFIG)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INVALID_ARG,
                    "Flags 'live' and 'config' are mutually exclusive");
        return -1;
    }
    READ_LOCKED();
    if (!(dom = dom_of_handle(handle, error)))
        return -1;
    if (flags & VIR_DOMAIN_VCPU_LIVE) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_INVALID, "domain '%s' is not running",
                    dom->def->name);
        return -1;
    }
    if (flags & VIR_DOMAIN_VCPU_GUEST) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INVALID_ARG,
                    "vCPU count provided by the guest agent can only be requested for live "
                    "domains");
        return -1;
    }
    return (int)((flags & VIR_DOMAIN_VCPU_MAXIMUM) ? dom->def->vcpus_max : dom->def->vcpus_current);
}

bool
qemu_domain_get_autostart(virDomainPtr handle, int *ret_autostart, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    if (!dom)
        return false;
    *ret_autostart = dom->autostart ? 1 : 0;
    return true;
}

bool
qemu_domain_set_autostart(virDomainPtr handle, int autostart, GError **error)
{
    MODIFY_LOCKED();
    QemuDom *dom = dom_of_handle(handle, error);

    if (!dom)
        return false;
    if (dom->autostart == (autostart != 0))
        return true;
    if (!xmlstore_set_autostart(st.store, dom->def->name, autostart != 0, error))
        return false;
    g_rw_lock_writer_lock(&st.lock);
    dom->autostart = autostart != 0;
    g_rw_lock_writer_unlock(&st.lock);
    return true;
}

int
qemu_domain_is_active(virDomainPtr handle, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    return dom ? dom->proc != NULL : -1;
}

int
qemu_domain_is_persistent(virDomainPtr handle, GError **error)
{
    READ_LOCKED();
    const QemuDom *dom = dom_of_handle(handle, error);

    return dom ? dom->persistent : -1;
}
