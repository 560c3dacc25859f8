/*
 * leases.c: a network's DHCP lease store (JSON, locked, atomic)
 *
 * The file is a JSON array of objects:
 *   { "ip-address": "10.0.0.5", "mac-address": "52:54:00:..", "prefix": 24,
 *     "hostname": "guest", "client-id": "01:52:..", "iaid": "..",
 *     "interface": "virbr0", "type": "ipv4", "expiry-time": 1700000000 }
 * with absent members for unknown values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "net/leases.h"
#include "util/error.h"
#include "util/file.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

Lease *
lease_new(void)
{
    return g_new0(Lease, 1);
}

Lease *
lease_copy(const Lease *lease)
{
    Lease *c = lease_new();

    c->iface = g_strdup(lease->iface);
    c->expiry = lease->expiry;
    c->type = lease->type;
    c->mac = g_strdup(lease->mac);
    c->iaid = g_strdup(lease->iaid);
    c->ip = g_strdup(lease->ip);
    c->prefix = lease->prefix;
    c->hostname = g_strdup(lease->hostname);
    c->client_id = g_strdup(lease->client_id);
    return c;
}

void
lease_free(Lease *lease)
{
    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ip);
    g_free(lease->hostname);
    g_free(lease->client_id);
    g_free(lease);
}

static char *
leases_json_string(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return g_strdup(json_object_get_string(v));
}

static Lease *
leases_from_json(json_object *obj)
{
    g_autoptr(Lease) lease = lease_new();
    g_autofree char *type = NULL;
    json_object *v;

    if (!json_object_is_type(obj, json_type_object))
        return NULL;
    if (!(lease->ip = leases_json_string(obj, "ip-address")))
        return NULL;
    lease->mac = leases_json_string(obj, "mac-address");
    lease->hostname = leases_json_string(obj, "hostname");
    lease->client_id = leases_json_string(obj, "client-id");
    lease->iaid = leases_json_string(obj, "iaid");
    lease->iface = leases_json_string(obj, "interface");
    type = leases_json_string(obj, "type");
    lease->type = g_strcmp0(type, "ipv6") == 0 || (!type && strchr(lease->ip, ':'))
                      ? VIR_IP_ADDR_TYPE_IPV6
                      : VIR_IP_ADDR_TYPE_IPV4;
    if (json_object_object_get_ex(obj, "prefix", &v))
        lease->prefix = (unsigned int)json_object_get_int(v);
    if (json_object_object_get_ex(obj, "expiry-time", &v))
        lease->expiry = json_object_get_int64(v);
    return g_steal_pointer(&lease);
}

static void
leases_put_string(json_object *obj, const char *key, const char *value)
{
    if (value)
        json_object_object_add(obj, key, json_object_new_string(value));
}

static json_object *
leases_to_json(const Lease *lease)
{
    json_object *obj = json_object_new_object();

    leases_put_string(obj, "ip-address", lease->ip);
    leases_put_string(obj, "mac-address", lease->mac);
    if (lease->prefix)
        json_object_object_add(obj, "prefix", json_object_new_int((int)lease->prefix));
    leases_put_string(obj, "hostname", lease->hostname);
    leases_put_string(obj, "client-id", lease->client_id);
    leases_put_string(obj, "iaid", lease->iaid);
    leases_put_string(obj, "interface", lease->iface);
    leases_put_string(obj, "type", lease->type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4");
    json_object_object_add(obj, "expiry-time", json_object_new_int64(lease->expiry));
    return obj;
}

GPtrArray *
leases_load(const char *path, GError **error)
{
    g_autoptr(GPtrArray) leases = g_ptr_array_new_with_free_func((GDestroyNotify)lease_free);
    g_autoptr(GError) read_error = NULL;
    g_autoptr(json_object) root = NULL;
    g_autofree char *text = NULL;
    enum json_tokener_error jerr = json_tokener_success;
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, &read_error)) {
        if (g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_steal_pointer(&leases);
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "cannot read leases '%s': %s", path,
                    read_error->message);
        return NULL;
    }
    if (len == 0)
        return g_steal_pointer(&leases);
    root = json_tokener_parse_verbose(text, &jerr);
    if (!root || !json_object_is_type(root, json_type_array)) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "cannot parse leases '%s': %s", path,
                    root ? "not a JSON array" : json_tokener_error_desc(jerr));
        return NULL;
    }
    for (size_t i = 0; i < json_object_array_length(root); i++) {
        Lease *lease = leases_from_json(json_object_array_get_idx(root, i));

        /* an entry without an address is unusable: skip it rather than
         * losing every other lease of the network */
        if (lease)
            g_ptr_array_add(leases, lease);
    }
    return g_steal_pointer(&leases);
}

void
leases_prune_expired(GPtrArray *leases, gint64 now)
{
    for (guint i = leases->len; i-- > 0;) {
        const Lease *lease = leases->pdata[i];

        if (lease->expiry != 0 && lease->expiry < now)
            g_ptr_array_remove_index(leases, i);
    }
}

static bool
leases_save(const char *path, GPtrArray *leases, GError **error)
{
    g_autoptr(json_object) root = json_object_new_array();
    const char *text;

    for (guint i = 0; i < leases->len; i++)
        json_object_array_add(root, leases_to_json(leases->pdata[i]));
    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
    /* 0644: the agent may read it as another user in tests */
    if (!file_write_atomic(path, text, -1, 0644, error)) {
        g_prefix_error(error, "cannot save leases: ");
        return false;
    }
    return true;
}

/* The exclusive lock of @path's store, held until the fd is closed. */
static int
leases_lock(const char *path, GError **error)
{
    g_autofree char *lock_path = g_strconcat(path, ".lock", NULL);
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot open lease lock '%s'", lock_path);
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            error_set_errno(error, NET_ERROR, errno, "cannot lock '%s'", lock_path);
            close(fd);
            return -1;
        }
    }
    return fd;
}

typedef bool (*LeasesEditFunc)(GPtrArray *leases, gconstpointer data, unsigned int *count);

/* Read-modify-write of @path under its lock. */
static bool
leases_edit(const char *path, LeasesEditFunc edit, gconstpointer data, unsigned int *count,
            GError **error)
{
    int fd autoclose = leases_lock(path, error);
    g_autoptr(GPtrArray) leases = NULL;

    if (fd < 0)
        return false;
    if (!(leases = leases_load(path, error)))
        return false;
    if (!edit(leases, data, count))
        return true; /* nothing changed: no write */
    return leases_save(path, leases, error);
}

static bool
leases_drop_if(GPtrArray *leases, bool (*match)(const Lease *, gconstpointer), gconstpointer data,
               unsigned int *count)
{
    unsigned int n = 0;

    for (guint i = leases->len; i-- > 0;) {
        if (match(leases->pdata[i], data)) {
            g_ptr_array_remove_index(leases, i);
            n++;
        }
    }
    if (count)
        *count = n;
    return n > 0;
}

typedef struct LeasesAdd {
    const Lease *lease;
    gint64 now;
} LeasesAdd;

static bool
leases_match_ip(const Lease *lease, gconstpointer ip)
{
    return g_strcmp0(lease->ip, ip) == 0;
}

static bool
leases_match_mac(const Lease *lease, gconstpointer mac)
{
    return lease->mac && g_ascii_strcasecmp(lease->mac, mac) == 0;
}

static bool
leases_edit_add(GPtrArray *leases, gconstpointer data, unsigned int *count)
{
    const LeasesAdd *add = data;

    (void)count;
    leases_drop_if(leases, leases_match_ip, add->lease->ip, NULL);
    if (add->now > 0)
        leases_prune_expired(leases, add->now);
    g_ptr_array_add(leases, lease_copy(add->lease));
    return true;
}

static bool
leases_edit_remove_ip(GPtrArray *leases, gconstpointer ip, unsigned int *count)
{
    return leases_drop_if(leases, leases_match_ip, ip, count);
}

static bool
leases_edit_remove_mac(GPtrArray *leases, gconstpointer mac, unsigned int *count)
{
    return leases_drop_if(leases, leases_match_mac, mac, count);
}

bool
leases_add(const char *path, const Lease *lease, gint64 now, GError **error)
{
    LeasesAdd add = { lease, now };

    g_return_val_if_fail(lease->ip, false);
    return leases_edit(path, leases_edit_add, &add, NULL, error);
}

bool
leases_remove(const char *path, const char *ip, GError **error)
{
    return leases_edit(path, leases_edit_remove_ip, ip, NULL, error);
}

bool
leases_remove_mac(const char *path, const char *mac, unsigned int *ret_removed, GError **error)
{
    unsigned int n = 0;

    if (!leases_edit(path, leases_edit_remove_mac, mac, &n, error))
        return false;
    if (ret_removed)
        *ret_removed = n;
    return true;
}
