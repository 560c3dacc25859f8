/*
 * netrun.c: starting, stopping and re-adopting virtual networks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/bridge.h"
#include "net/fw-conflict.h"
#include "net/fw-nft.h"
#include "net/netlink.h"
#include "net/netrun.h"
#include "net/sysctl.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/uuid.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* dnsmasq gets this long to exit on SIGTERM before SIGKILL */
#define NETRUN_DNSMASQ_STOP_MS 2000

/* ---- config, paths, records ---- */

FwBackend *
netrun_fw_new_default(const char *name, gpointer data G_GNUC_UNUSED, GError **error)
{
    if (g_strcmp0(name, "iptables") == 0)
        return fw_iptc_new();
    if (g_strcmp0(name, "nftables") == 0)
        return fw_nft_new();
    g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                "firewall backend '%s' is not available in this build", name ? name : "(none)");
    return NULL;
}

NetRunConfig *
netrun_config_new(const char *state_dir, const char *run_dir, const char *fw_backend)
{
    NetRunConfig *cfg = g_new0(NetRunConfig, 1);

    cfg->state_dir = g_strdup(state_dir);
    cfg->run_dir = g_strdup(run_dir);
    cfg->fw_backend = g_strdup(fw_backend ? fw_backend : "iptables");
    cfg->fw_new = netrun_fw_new_default;
    cfg->fw_check_conflicts = true;
    return cfg;
}

void
netrun_config_free(NetRunConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->state_dir);
    g_free(cfg->run_dir);
    g_free(cfg->fw_backend);
    g_free(cfg->dnsmasq_binary);
    g_free(cfg);
}

void
netrun_free(NetRun *run)
{
    if (!run)
        return;
    netdef_free(run->def);
    g_free(run->bridge);
    g_free(run->fw_backend);
    g_free(run);
}

void
netrun_paths_init(const NetRunConfig *cfg, const char *name, NetRunPaths *p)
{
    p->status = g_strdup_printf("%s/%s.json", cfg->run_dir, name);
    p->pid = g_strdup_printf("%s/%s.pid", cfg->run_dir, name);
    p->log = g_strdup_printf("%s/%s.log", cfg->run_dir, name);
    p->conf = g_strdup_printf("%s/%s.conf", cfg->state_dir, name);
    p->hosts = g_strdup_printf("%s/%s.hostsfile", cfg->state_dir, name);
    p->addnhosts = g_strdup_printf("%s/%s.addnhosts", cfg->state_dir, name);
    p->leasedb = g_strdup_printf("%s/%s.leases", cfg->state_dir, name);
    p->leases = g_strdup_printf("%s/%s.status", cfg->state_dir, name);
}

void
netrun_paths_clear(NetRunPaths *p)
{
    g_free(p->status);
    g_free(p->pid);
    g_free(p->log);
    g_free(p->conf);
    g_free(p->hosts);
    g_free(p->addnhosts);
    g_free(p->leasedb);
    g_free(p->leases);
    memset(p, 0, sizeof(*p));
}

static void
netrun_dnsmasq_paths(const NetRunConfig *cfg, const NetRunPaths *p, const char *bridge,
                     const char *helper, DnsmasqPaths *dp)
{
    *dp = (DnsmasqPaths){
        .conf_file = p->conf,
        .pid_file = p->pid,
        .hosts_file = p->hosts,
        .addnhosts_file = p->addnhosts,
        .lease_file = p->leasedb,
        .helper = helper,
        .status_file = p->leases,
        .log_file = p->log,
        .bridge = bridge,
        .binary = cfg->dnsmasq_binary,
    };
}

/* ---- the status file ---- */

static bool
netrun_save_status_full(const NetRun *run, const char *path, bool stopping, GError **error)
{
    g_autoptr(json_object) obj = json_object_new_object();
    g_autofree char *xml = NULL;
    char uuid[UUID_STRING_LEN];
    const char *text;

    if (!(xml = netdef_format(run->def, 0, error)))
        return false;
    uuid_format(run->def->uuid, uuid);
    json_object_object_add(obj, "name", json_object_new_string(run->def->name));
    json_object_object_add(obj, "uuid", json_object_new_string(uuid));
    if (run->bridge)
        json_object_object_add(obj, "bridge", json_object_new_string(run->bridge));
    json_object_object_add(obj, "bridge_created", json_object_new_boolean(run->bridge_created));
    json_object_object_add(obj, "bridge_ifindex", json_object_new_int(run->bridge_ifindex));
    if (run->fw_backend)
        json_object_object_add(obj, "firewall", json_object_new_string(run->fw_backend));
    json_object_object_add(obj, "forward_ipv4", json_object_new_boolean(run->forward_ipv4));
    json_object_object_add(obj, "forward_ipv6", json_object_new_boolean(run->forward_ipv6));
    json_object_object_add(obj, "dnsmasq_pid", json_object_new_int(run->dnsmasq.pid));
    json_object_object_add(obj, "dnsmasq_start_time",
                           json_object_new_uint64(run->dnsmasq.start_time));
    if (stopping)
        json_object_object_add(obj, "stopping", json_object_new_boolean(true));
    json_object_object_add(obj, "xml", json_object_new_string(xml));
    text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY);
    return file_write_atomic(path, text, -1, 0600, error);
}

static bool
netrun_save_status(const NetRun *run, const char *path, GError **error)
{
    return netrun_save_status_full(run, path, false, error);
}

static const char *
json_get_string(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool
json_get_bool(json_object *obj, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(obj, key, &v) && json_object_get_boolean(v);
}

static gint64
json_get_int(json_object *obj, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(obj, key, &v) ? json_object_get_int64(v) : 0;
}

static NetRun *
netrun_load_status(const char *path, const char *name, bool *ret_stopping, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(json_object) obj = NULL;
    g_autoptr(NetRun) run = g_new0(NetRun, 1);
    const char *xml;
    json_object *v;

    if (!g_file_get_contents(path, &text, NULL, error))
        return NULL;
    if (!(obj = json_tokener_parse(text)) || !json_object_is_type(obj, json_type_object) ||
        !(xml = json_get_string(obj, "xml"))) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "network '%s': status file '%s' is not valid", name, path);
        return NULL;
    }
    if (!(run->def = netdef_parse_string_novalidate(xml, 0, error))) {
        g_prefix_error(error, "network '%s': status file '%s': ", name, path);
        return NULL;
    }
    if (g_strcmp0(run->def->name, name) != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "network '%s': status file '%s' describes network '%s'", name, path,
                    run->def->name);
        return NULL;
    }
    *ret_stopping = json_get_bool(obj, "stopping");
    run->bridge = g_strdup(json_get_string(obj, "bridge"));
    run->bridge_created = json_get_bool(obj, "bridge_created");
    run->bridge_ifindex = (int)json_get_int(obj, "bridge_ifindex");
    run->fw_backend = g_strdup(json_get_string(obj, "firewall"));
    run->forward_ipv4 = json_get_bool(obj, "forward_ipv4");
    run->forward_ipv6 = json_get_bool(obj, "forward_ipv6");
    run->dnsmasq.pid = (pid_t)json_get_int(obj, "dnsmasq_pid");
    if (json_object_object_get_ex(obj, "dnsmasq_start_time", &v))
        run->dnsmasq.start_time = json_object_get_uint64(v);
    return g_steal_pointer(&run);
}

static gint
netrun_compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
netrun_list_status(const NetRunConfig *cfg)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(cfg->run_dir, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir))) {
        if (g_str_has_suffix(entry, ".json") && entry[0] != '.')
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - strlen(".json")));
    }
    g_ptr_array_sort(names, netrun_compare_names);
    return g_steal_pointer(&names);
}

/* ---- checks against the host ---- */

/* The modes whose network is a bridge the agent creates. */
static bool
netrun_mode_creates_bridge(NetForwardMode mode)
{
    return mode == NET_FORWARD_NONE || mode == NET_FORWARD_NAT || mode == NET_FORWARD_ROUTE ||
           mode == NET_FORWARD_OPEN;
}

/* A parsed address: family and 16 bytes (IPv4 in the first 4). */
typedef struct NetAddr {
    int family;
    unsigned char bytes[16];
} NetAddr;

static bool
netaddr_parse(const char *text, NetAddr *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (inet_pton(AF_INET, text, ret->bytes) == 1) {
        ret->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, ret->bytes) == 1) {
        ret->family = AF_INET6;
        return true;
    }
    return false;
}

/* Whether @a/@alen and @b/@blen share addresses (one contains the other). */
static bool
netaddr_overlap(const NetAddr *a, unsigned alen, const NetAddr *b, unsigned blen)
{
    unsigned bits = MIN(alen, blen);

    if (a->family != b->family)
        return false;
    for (unsigned i = 0; i < bits; i++) {
        unsigned char mask = 0x80 >> (i % 8);

        if ((a->bytes[i / 8] & mask) != (b->bytes[i / 8] & mask))
            return false;
    }
    return true;
}

static const char *
netrun_family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* The name of interface @ifindex in @links (LinkInfo *), or "?". */
static const char *
netrun_link_name(const GPtrArray *links, int ifindex)
{
    for (guint i = 0; links && i < links->len; i++) {
        const LinkInfo *l = g_ptr_array_index(links, i);

        if (l->ifindex == ifindex)
            return l->name;
    }
    return "?";
}

/* The active network using bridge @bridge, or NULL. */
static const NetRun *
netrun_owner_of(const GPtrArray *active, const char *bridge)
{
    for (guint i = 0; active && i < active->len; i++) {
        const NetRun *other = g_ptr_array_index(active, i);

        if (other->bridge && g_strcmp0(other->bridge, bridge) == 0)
            return other;
    }
    return NULL;
}

/* Subnets of @def against every address and non-default route of the
 * namespace and the subnets of the other active networks. */
static bool
netrun_check_subnets(Netlink *nl, const NetDef *def, const GPtrArray *active,
                     const GPtrArray *links, GError **error)
{
    g_autoptr(GPtrArray) addrs = NULL;
    g_autoptr(GPtrArray) routes = NULL;

    if (!def->ips || def->ips->len == 0)
        return true;
    if (!(addrs = netlink_addr_list(nl, NULL, error)) ||
        !(routes = netlink_route_list(nl, error))) {
        g_prefix_error(error, "network '%s': cannot check its subnets: ", def->name);
        return false;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *ip = g_ptr_array_index(def->ips, i);
        NetAddr mine;

        if (!netaddr_parse(ip->address, &mine))
            continue; /* validated at define: cannot happen */
        for (guint j = 0; active && j < active->len; j++) {
            const NetRun *other = g_ptr_array_index(active, j);

            for (guint k = 0; other->def->ips && k < other->def->ips->len; k++) {
                const NetIpDef *oip = g_ptr_array_index(other->def->ips, k);
                NetAddr theirs;

                if (netaddr_parse(oip->address, &theirs) &&
                    netaddr_overlap(&mine, ip->prefix, &theirs, oip->prefix)) {
                    g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                                "network '%s': subnet %s/%u overlaps %s/%u of active network '%s'",
                                def->name, ip->address, ip->prefix, oip->address, oip->prefix,
                                other->def->name);
                    return false;
                }
            }
        }
        for (guint j = 0; j < addrs->len; j++) {
            const AddrInfo *a = g_ptr_array_index(addrs, j);
            NetAddr theirs;

            if (netaddr_parse(a->address, &theirs) &&
                netaddr_overlap(&mine, ip->prefix, &theirs, a->prefix)) {
                g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                            "network '%s': subnet %s/%u overlaps address %s/%u on interface '%s'",
                            def->name, ip->address, ip->prefix, a->address, a->prefix,
                            netrun_link_name(links, a->ifindex));
                return false;
            }
        }
        for (guint j = 0; j < routes->len; j++) {
            const RouteInfo *r = g_ptr_array_index(routes, j);
            NetAddr theirs;

            /* the default route is where NAT traffic goes: never a conflict */
            if (r->is_default || !netaddr_parse(r->dest, &theirs) ||
                !netaddr_overlap(&mine, ip->prefix, &theirs, r->prefix))
                continue;
            /* an IPv6 link-local route is on every interface */
            if (theirs.family == AF_INET6 && theirs.bytes[0] == 0xfe &&
                (theirs.bytes[1] & 0xc0) == 0x80)
                continue;
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': subnet %s/%u overlaps route %s/%u%s%s%s", def->name,
                        ip->address, ip->prefix, r->dest, r->prefix,
                        r->oif ? " on interface '" : "",
                        r->oif ? netrun_link_name(links, r->oif) : "", r->oif ? "'" : "");
            return false;
        }
    }
    return true;
}

static const LinkInfo *
netrun_find_link(const GPtrArray *links, const char *name)
{
    for (guint i = 0; links && i < links->len; i++) {
        const LinkInfo *l = g_ptr_array_index(links, i);

        if (g_strcmp0(l->name, name) == 0)
            return l;
    }
    return NULL;
}

/* Everything that can be checked before the host is changed. */
static bool
netrun_check_host(Netlink *nl, const NetDef *def, const char *bridge, const GPtrArray *active,
                  GError **error)
{
    g_autoptr(GPtrArray) links = netlink_link_list(nl, error);
    const char *fwd_dev = netdef_forward_dev(def);

    if (!links) {
        g_prefix_error(error, "network '%s': cannot list interfaces: ", def->name);
        return false;
    }
    if (netrun_mode_creates_bridge(def->forward_mode)) {
        const NetRun *owner;
        const LinkInfo *l;

        if (!bridge_check_ifname(bridge, error)) {
            g_prefix_error(error, "network '%s': ", def->name);
            return false;
        }
        if ((owner = netrun_owner_of(active, bridge))) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': bridge '%s' is in use by active network '%s'", def->name,
                        bridge, owner->def->name);
            return false;
        }
        if ((l = netrun_find_link(links, bridge))) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': bridge name '%s' is taken by an existing %s interface",
                        def->name, bridge, l->kind ? l->kind : "network");
            return false;
        }
        if (fwd_dev &&
            (def->forward_mode == NET_FORWARD_NAT || def->forward_mode == NET_FORWARD_ROUTE) &&
            !netrun_find_link(links, fwd_dev)) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': forward device '%s' does not exist", def->name, fwd_dev);
            return false;
        }
        return netrun_check_subnets(nl, def, active, links, error);
    }
    if (def->forward_mode == NET_FORWARD_BRIDGE && def->bridge) {
        const LinkInfo *l = netrun_find_link(links, def->bridge);

        if (!l || g_strcmp0(l->kind, "bridge") != 0) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': host bridge '%s' %s", def->name, def->bridge,
                        l ? "is not a bridge" : "does not exist");
            return false;
        }
        return true;
    }
    /* direct modes: every device of the pool must exist */
    for (guint i = 0; def->forward.ifs && i < def->forward.ifs->len; i++) {
        const NetForwardIf *fi = g_ptr_array_index(def->forward.ifs, i);

        if (fi->type == NET_FORWARD_IF_NETDEV && !netrun_find_link(links, fi->dev)) {
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "network '%s': forward device '%s' does not exist", def->name, fi->dev);
            return false;
        }
    }
    return true;
}

/* ---- forwarding sysctls (namespace-wide, shared by networks) ---- */

static const char *
netrun_forward_sysctl(int family)
{
    return family == AF_INET6 ? SYSCTL_IPV6_FORWARD : SYSCTL_IPV4_FORWARD;
}

static char *
netrun_saved_path(const NetRunConfig *cfg, int family)
{
    return g_strdup_printf("%s/%s.saved", cfg->run_dir,
                           family == AF_INET6 ? "ipv6-forwarding" : "ipv4-forwarding");
}

/* Turns forwarding of @family on, saving the old value when it was off
 * and nobody saved it yet. *ret_saved: this call saved it (undo). */
static bool
netrun_forward_on(const NetRunConfig *cfg, int family, bool *ret_saved, GError **error)
{
    const char *path = netrun_forward_sysctl(family);
    g_autofree char *saved = netrun_saved_path(cfg, family);
    g_autofree char *old = sysctl_get(path, error);

    *ret_saved = false;
    if (!old)
        return false;
    if (strcmp(old, "1") == 0)
        return true;
    if (!g_file_test(saved, G_FILE_TEST_EXISTS)) {
        if (!file_write_atomic(saved, old, -1, 0600, error))
            return false;
        *ret_saved = true;
    }
    if (!sysctl_set(path, "1", error)) {
        if (*ret_saved)
            unlink(saved);
        *ret_saved = false;
        return false;
    }
    return true;
}

/* Puts the saved value of @family's forwarding back (if one was saved). */
static bool
netrun_forward_restore(const NetRunConfig *cfg, int family, GError **error)
{
    g_autofree char *saved = netrun_saved_path(cfg, family);
    g_autofree char *old = NULL;

    if (!g_file_get_contents(saved, &old, NULL, NULL))
        return true;
    g_strstrip(old);
    if (!sysctl_set(netrun_forward_sysctl(family), old, error))
        return false;
    unlink(saved);
    return true;
}

static bool
netrun_others_forward(const GPtrArray *active, const NetRun *self, int family)
{
    for (guint i = 0; active && i < active->len; i++) {
        const NetRun *other = g_ptr_array_index(active, i);

        if (other != self && (family == AF_INET6 ? other->forward_ipv6 : other->forward_ipv4))
            return true;
    }
    return false;
}

/* ---- start ---- */

/* Foreign firewall settings that would drop what @rules let through: a
 * warning each, or (fw_conflict_fail) the reason the start fails. */
static bool
netrun_check_conflicts(const NetRunConfig *cfg, const NetDef *def, const FwRuleset *rules,
                       GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) found = fw_conflicts_find(cfg->fw_backend, rules, &err);
    g_autoptr(GString) all = NULL;

    if (!found) {
        log_warn("network '%s': cannot check the host's firewall for conflicts: %s", def->name,
                 err->message);
        return true;
    }
    if (found->len == 0)
        return true;
    all = g_string_new(NULL);
    for (guint i = 0; i < found->len; i++) {
        const FwConflict *c = g_ptr_array_index(found, i);

        if (!cfg->fw_conflict_fail)
            log_warn("network '%s': its traffic may be dropped: %s", def->name, c->message);
        g_string_append_printf(all, "%s%s", i ? "; " : "", c->message);
    }
    if (!cfg->fw_conflict_fail)
        return true;
    g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                "network '%s': the host's firewall would drop its traffic: %s (agent.conf: "
                "firewall_conflict = \"fail\")",
                def->name, all->str);
    return false;
}

/* What a start did so far, for the undo. */
typedef struct NetRunUndo {
    bool bridge;
    bool saved_v4, saved_v6;
    FwRuleset *rules;
    bool dnsmasq;
    bool dnsmasq_files;
} NetRunUndo;

static void
netrun_undo(const NetRunConfig *cfg, Netlink *nl, const NetRun *run, const NetRunPaths *p,
            NetRunUndo *u)
{
    g_autoptr(GError) err = NULL;
    DnsmasqPaths dp;

    netrun_dnsmasq_paths(cfg, p, run->bridge, NULL, &dp);
    if (u->dnsmasq && !dnsmasq_stop(&run->dnsmasq, &dp, NETRUN_DNSMASQ_STOP_MS, &err))
        log_warn("network '%s': undo: %s", run->def->name, err->message);
    g_clear_error(&err);
    if (u->dnsmasq_files) {
        /* what dnsmasq said is in the error already */
        dnsmasq_remove_files(&dp);
        unlink(p->log);
    }
    if (u->rules) {
        g_autoptr(FwBackend) be = cfg->fw_new(run->fw_backend, cfg->fw_data, &err);

        if (!be || !fw_remove(be, u->rules, &err))
            log_warn("network '%s': undo of its firewall rules: %s", run->def->name, err->message);
        g_clear_error(&err);
        g_clear_pointer(&u->rules, fw_ruleset_free);
    }
    /* only a value this start saved goes back: others may rely on it */
    if (u->saved_v4 && !netrun_forward_restore(cfg, AF_INET, &err))
        log_warn("network '%s': undo: %s", run->def->name, err->message);
    g_clear_error(&err);
    if (u->saved_v6 && !netrun_forward_restore(cfg, AF_INET6, &err))
        log_warn("network '%s': undo: %s", run->def->name, err->message);
    g_clear_error(&err);
    if (u->bridge && !bridge_delete(nl, run->bridge, &err))
        log_warn("network '%s': undo: %s", run->def->name, err->message);
}

static bool
netrun_has_family(const NetDef *def, int family)
{
    return netdef_get_ip(def, family, 0) != NULL;
}

/* The bridge, its per-bridge sysctls, addresses, link up, static routes. */
static bool
netrun_setup_bridge(Netlink *nl, NetRun *run, NetRunUndo *u, GError **error)
{
    const NetDef *def = run->def;
    bool v6 = netrun_has_family(def, AF_INET6);
    g_autoptr(LinkInfo) info = NULL;

    if (!bridge_create(nl, run->bridge, def->mac_specified ? &def->mac : NULL, def->mtu, def->stp,
                       (unsigned)def->delay * 1000, error))
        return false;
    u->bridge = true;
    if (!(info = netlink_link_lookup(nl, run->bridge, error))) {
        if (error && !*error)
            g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "bridge '%s' vanished",
                        run->bridge);
        return false;
    }
    run->bridge_ifindex = info->ifindex;
    run->bridge_created = true;

    /* As libvirt: no IPv6 on a bridge without IPv6 addresses (no
     * link-local address, no RAs heard); with them, no autoconfiguration
     * from RAs that guests might send. Both live and die with the bridge. */
    {
        g_autofree char *disable = sysctl_ipv6_conf_path(run->bridge, "disable_ipv6");
        g_autofree char *accept_ra = sysctl_ipv6_conf_path(run->bridge, "accept_ra");
        g_autofree char *autoconf = sysctl_ipv6_conf_path(run->bridge, "autoconf");

        if (!v6) {
            if (!sysctl_set(disable, "1", error))
                return false;
        } else if (!sysctl_set(accept_ra, "0", error) || !sysctl_set(autoconf, "0", error)) {
            return false;
        }
    }
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = g_ptr_array_index(def->ips, i);

        if (!netlink_addr_add(nl, run->bridge, ip->address, ip->prefix, true, error))
            return false;
    }
    if (!netlink_link_set_up(nl, run->bridge, error))
        return false;
    for (guint i = 0; def->routes && i < def->routes->len; i++) {
        const NetRoute *r = g_ptr_array_index(def->routes, i);

        if (!netlink_route_add(nl, r->address, r->prefix, r->gateway, run->bridge,
                               r->has_metric ? r->metric : 0, error)) {
            g_prefix_error(error, "route %s/%u via %s: ", r->address, r->prefix, r->gateway);
            return false;
        }
    }
    return true;
}

NetRun *
netrun_start(const NetRunConfig *cfg, const NetDef *def, const GPtrArray *active, GError **error)
{
    g_autoptr(NetRun) run = g_new0(NetRun, 1);
    g_autoptr(Netlink) nl = NULL;
    g_auto(NetRunPaths) p = { 0 };
    NetRunUndo u = { 0 };
    g_autoptr(GError) err = NULL;

    if (!(run->def = netdef_copy(def))) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s': cannot copy it",
                    def->name);
        return NULL;
    }
    if (netrun_mode_creates_bridge(def->forward_mode) ||
        (def->forward_mode == NET_FORWARD_BRIDGE && def->bridge))
        run->bridge = g_strdup(def->bridge);
    if (netrun_mode_creates_bridge(def->forward_mode) && !run->bridge) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s' has no bridge name",
                    def->name);
        return NULL;
    }
    /* a network stopped a moment ago may still hold its subnet and files */
    netrun_wait_pending();
    netrun_paths_init(cfg, def->name, &p);
    if (!file_mkdir_p(cfg->run_dir, 0755, &err) || !file_mkdir_p(cfg->state_dir, 0755, &err)) {
        g_propagate_error(error, g_steal_pointer(&err));
        return NULL;
    }
    if (!(nl = netlink_open(&err)) || !netrun_check_host(nl, def, run->bridge, active, &err)) {
        g_propagate_error(error, g_steal_pointer(&err));
        return NULL;
    }

    if (netrun_mode_creates_bridge(def->forward_mode)) {
        g_autoptr(FwRuleset) rules = NULL;

        if (!netrun_setup_bridge(nl, run, &u, &err))
            goto fail;
        /* forwarding, for the modes that pass guests' traffic on (open
         * too: it only leaves the filtering to the administrator) */
        if (def->forward_mode != NET_FORWARD_NONE) {
            if (netrun_has_family(def, AF_INET)) {
                if (!netrun_forward_on(cfg, AF_INET, &u.saved_v4, &err))
                    goto fail;
                run->forward_ipv4 = true;
            }
            if (netrun_has_family(def, AF_INET6)) {
                if (!netrun_forward_on(cfg, AF_INET6, &u.saved_v6, &err))
                    goto fail;
                run->forward_ipv6 = true;
            }
        }
        if (!(rules = fw_build(def, run->bridge, &err)))
            goto fail;
        if (rules->rules->len > 0 || rules->chains->len > 0) {
            g_autoptr(FwBackend) be = NULL;

            if (cfg->fw_check_conflicts && !netrun_check_conflicts(cfg, def, rules, &err))
                goto fail;
            be = cfg->fw_new(cfg->fw_backend, cfg->fw_data, &err);

            if (!be || !fw_apply(be, rules, &err)) {
                g_prefix_error(&err, "network '%s': cannot apply its firewall rules: ", def->name);
                goto fail;
            }
            run->fw_backend = g_strdup(cfg->fw_backend);
            u.rules = g_steal_pointer(&rules);
        }
        if (dnsmasq_conf_needed(def)) {
            g_autofree char *helper = dnsmasq_find_helper(&err);
            DnsmasqPaths dp;

            if (!helper) {
                g_prefix_error(&err, "network '%s': ", def->name);
                goto fail;
            }
            netrun_dnsmasq_paths(cfg, &p, run->bridge, helper, &dp);
            u.dnsmasq_files = true;
            if (!dnsmasq_start(run->def, &dp, &run->dnsmasq, &err))
                goto fail;
            u.dnsmasq = true;
        }
    }
    if (!netrun_save_status(run, p.status, &err))
        goto fail;
    g_clear_pointer(&u.rules, fw_ruleset_free);
    return g_steal_pointer(&run);

fail:
    netrun_undo(cfg, nl, run, &p, &u);
    g_propagate_error(error, g_steal_pointer(&err));
    return NULL;
}

/* ---- stop ---- */

static bool
netrun_first_error(GError **error, GError *err)
{
    if (!err)
        return true;
    if (error && !*error)
        *error = err;
    else
        g_error_free(err);
    return false;
}

/* Stops in flight: deleting a bridge waits for the kernel to unregister
 * it (an RCU barrier: 30-50 ms here, most of a stop's time), so a stop
 * hands that to a thread of its own after the caller got its answer. */
static struct {
    GMutex lock;
    GCond done;
    unsigned int pending;
} netrun_bg;

typedef struct NetRunFinish {
    char *name;
    char *bridge; /* the doomed bridge's name after the rename, NULL: none */
    int bridge_ifindex;
    DnsmasqProc dnsmasq;
    bool dnsmasq_files;
    NetRunPaths paths;
} NetRunFinish;

static void
netrun_finish_free(NetRunFinish *f)
{
    g_free(f->name);
    g_free(f->bridge);
    netrun_paths_clear(&f->paths);
    g_free(f);
}

/* Waits for dnsmasq (when the caller did not), deletes the bridge,
 * removes the files and last the status file (which says "stopping" until
 * then, so an agent that dies meanwhile finishes the job when it starts
 * again). */
static bool
netrun_finish(NetRunFinish *f, GError **error)
{
    DnsmasqPaths dp = {
        .conf_file = f->paths.conf,
        .pid_file = f->paths.pid,
        .hosts_file = f->paths.hosts,
        .addnhosts_file = f->paths.addnhosts,
    };
    bool ok = true;
    GError *err = NULL;

    if (f->dnsmasq.pid > 0) {
        dnsmasq_stop(&f->dnsmasq, &dp, NETRUN_DNSMASQ_STOP_MS, &err);
        ok &= netrun_first_error(error, err);
        err = NULL;
    }
    if (f->dnsmasq_files)
        dnsmasq_remove_files(&dp);
    if (f->bridge) {
        g_autoptr(Netlink) nl = netlink_open(&err);
        g_autoptr(LinkInfo) info = NULL;

        /* only the bridge the start created: the ifindex tells */
        if (nl && (info = netlink_link_lookup_index(nl, f->bridge_ifindex, &err)) &&
            g_strcmp0(info->kind, "bridge") == 0)
            bridge_delete(nl, info->name, &err);
        ok &= netrun_first_error(error, err);
        err = NULL;
    }
    unlink(f->paths.log);
    if (unlink(f->paths.status) < 0 && errno != ENOENT) {
        error_set_errno(&err, NET_ERROR, errno, "cannot remove '%s'", f->paths.status);
        ok &= netrun_first_error(error, err);
    }
    return ok;
}

static gpointer
netrun_finish_thread(gpointer data)
{
    NetRunFinish *f = data;
    g_autoptr(GError) err = NULL;

    if (!netrun_finish(f, &err))
        log_warn("network '%s': finishing its stop: %s", f->name, err->message);
    else
        log_debug("network '%s': bridge and dnsmasq gone", f->name);
    netrun_finish_free(f);
    g_mutex_lock(&netrun_bg.lock);
    netrun_bg.pending--;
    g_cond_broadcast(&netrun_bg.done);
    g_mutex_unlock(&netrun_bg.lock);
    return NULL;
}

/* Rewrites @run's status file for the finish: "stopping", with the
 * renamed bridge and the dnsmasq still to wait for. A failure only costs
 * the crash case (the next agent then adopts a network that is down). */
static void
netrun_mark_stopping(NetRun *run, const NetRunFinish *f)
{
    g_autoptr(GError) err = NULL;

    g_free(run->bridge);
    run->bridge = g_strdup(f->bridge);
    run->bridge_created = f->bridge != NULL;
    run->bridge_ifindex = f->bridge_ifindex;
    run->dnsmasq = f->dnsmasq;
    if (!netrun_save_status_full(run, f->paths.status, true, &err))
        log_warn("network '%s': %s", run->def->name, err->message);
}

void
netrun_wait_pending(void)
{
    g_mutex_lock(&netrun_bg.lock);
    while (netrun_bg.pending > 0)
        g_cond_wait(&netrun_bg.done, &netrun_bg.lock);
    g_mutex_unlock(&netrun_bg.lock);
}

/* Removes the bridge's IPv4 addresses (going down removed the IPv6
 * ones), so that its subnets are free the moment the stop returns. */
static bool
netrun_flush_ipv4(Netlink *nl, const NetRun *run, GError **error)
{
    g_autoptr(GPtrArray) addrs = netlink_addr_list(nl, run->bridge, error);

    for (guint i = 0; addrs && i < addrs->len; i++) {
        const AddrInfo *a = g_ptr_array_index(addrs, i);

        if (a->family == AF_INET &&
            !netlink_addr_del(nl, run->bridge, a->address, a->prefix, error))
            return false;
    }
    return addrs != NULL;
}

bool
netrun_stop(const NetRunConfig *cfg, NetRun *run, const GPtrArray *active, GError **error)
{
    g_autoptr(Netlink) nl = NULL;
    NetRunFinish *f = g_new0(NetRunFinish, 1);
    bool ok = true;
    GError *err = NULL;

    f->name = g_strdup(run->def->name);
    netrun_paths_init(cfg, run->def->name, &f->paths);
    /* dnsmasq exits while the rest is undone */
    f->dnsmasq = run->dnsmasq;
    f->dnsmasq_files = dnsmasq_conf_needed(run->def);
    dnsmasq_terminate(&run->dnsmasq);
    run->dnsmasq = (DnsmasqProc){ 0 };

    if (run->fw_backend) {
        g_autoptr(FwRuleset) rules = fw_build(run->def, run->bridge, &err);
        g_autoptr(FwBackend) be = NULL;

        if (rules && (be = cfg->fw_new(run->fw_backend, cfg->fw_data, &err)))
            fw_remove(be, rules, &err);
        if (err)
            g_prefix_error(&err,
                           "network '%s': cannot remove its firewall rules: ", run->def->name);
        ok &= netrun_first_error(error, err);
        err = NULL;
    }
    if (run->bridge_created) {
        g_autoptr(LinkInfo) info = NULL;

        if ((nl = netlink_open(&err)))
            info = netlink_link_lookup(nl, run->bridge, &err);
        if (info && info->ifindex == run->bridge_ifindex) {
            /* Down at once (no more traffic), renamed so its name is free
             * at once, deleted in the background. */
            g_autofree char *doomed = g_strdup_printf("vnrm%d", info->ifindex);

            if (netlink_link_set_down(nl, run->bridge, &err) && netrun_flush_ipv4(nl, run, &err) &&
                netlink_link_set_name(nl, run->bridge, doomed, &err)) {
                f->bridge = g_steal_pointer(&doomed);
                f->bridge_ifindex = info->ifindex;
            } else if (bridge_delete(nl, run->bridge, NULL)) {
                g_clear_error(&err); /* deleted the slow way: fine */
            }
        }
        /* else gone already, or someone else's bridge by now: not ours */
        ok &= netrun_first_error(error, err);
        err = NULL;
    }
    if (run->forward_ipv4 && !netrun_others_forward(active, run, AF_INET)) {
        netrun_forward_restore(cfg, AF_INET, &err);
        ok &= netrun_first_error(error, err);
        err = NULL;
    }
    if (run->forward_ipv6 && !netrun_others_forward(active, run, AF_INET6)) {
        netrun_forward_restore(cfg, AF_INET6, &err);
        ok &= netrun_first_error(error, err);
        err = NULL;
    }

    /* dnsmasq had the time of the above to exit (about 2 ms): wait here,
     * so that the network's files and process are gone on return */
    if (f->dnsmasq.pid > 0 || f->dnsmasq_files) {
        DnsmasqPaths dp = {
            .conf_file = f->paths.conf,
            .pid_file = f->paths.pid,
            .hosts_file = f->paths.hosts,
            .addnhosts_file = f->paths.addnhosts,
        };

        if (f->dnsmasq.pid > 0)
            dnsmasq_stop(&f->dnsmasq, &dp, NETRUN_DNSMASQ_STOP_MS, &err);
        ok &= netrun_first_error(error, err);
        err = NULL;
        if (f->dnsmasq_files)
            dnsmasq_remove_files(&dp);
        f->dnsmasq = (DnsmasqProc){ 0 };
        f->dnsmasq_files = false;
    }
    unlink(f->paths.log);

    /* only the bridge's unregistration is left to wait for */
    if (!f->bridge) {
        ok &= netrun_first_error(error, netrun_finish(f, &err) ? NULL : err);
        netrun_finish_free(f);
        return ok;
    }
    netrun_mark_stopping(run, f);
    g_mutex_lock(&netrun_bg.lock);
    netrun_bg.pending++;
    g_mutex_unlock(&netrun_bg.lock);
    g_thread_unref(g_thread_new("netrun-stop", netrun_finish_thread, f));
    return ok;
}

/* ---- adoption after an agent restart ---- */

NetRun *
netrun_adopt(const NetRunConfig *cfg, const char *name, GError **error)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autoptr(NetRun) run = NULL;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GError) err = NULL;
    const char *why = NULL;
    bool stopping = false;

    netrun_paths_init(cfg, name, &p);
    if (!(run = netrun_load_status(p.status, name, &stopping, error)))
        return NULL;
    if (stopping) {
        /* the agent died while finishing a stop: finish it */
        NetRunFinish *f = g_new0(NetRunFinish, 1);

        f->name = g_strdup(name);
        netrun_paths_init(cfg, name, &f->paths);
        f->bridge = g_strdup(run->bridge_created ? run->bridge : NULL);
        f->bridge_ifindex = run->bridge_ifindex;
        f->dnsmasq = run->dnsmasq;
        f->dnsmasq_files = dnsmasq_conf_needed(run->def);
        dnsmasq_terminate(&f->dnsmasq);
        if (!netrun_finish(f, &err))
            log_warn("network '%s': finishing its stop: %s", name, err->message);
        netrun_finish_free(f);
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s' was being stopped by the previous agent: stop finished", name);
        return NULL;
    }
    if (run->bridge_created) {
        g_autoptr(LinkInfo) info = NULL;

        if (!(nl = netlink_open(error)))
            return NULL;
        info = netlink_link_lookup(nl, run->bridge, &err);
        if (err) {
            g_propagate_error(error, g_steal_pointer(&err));
            return NULL;
        }
        if (!info || info->ifindex != run->bridge_ifindex)
            why = info ? "its bridge was replaced" : "its bridge is gone";
    }
    if (why) {
        /* what is left of it goes: rules, dnsmasq, files (a bridge that is
         * not ours is left alone by netrun_stop()) */
        if (!netrun_stop(cfg, run, NULL, &err))
            log_warn("network '%s': cleaning up: %s", name, err->message);
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s' cannot be adopted: %s; its leftovers were removed", name, why);
        return NULL;
    }
    if (!netrun_revive_dnsmasq(cfg, run, error))
        return NULL;
    return g_steal_pointer(&run);
}

void
netrun_forget_dnsmasq(const NetRunConfig *cfg, NetRun *run)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autoptr(GError) err = NULL;
    DnsmasqPaths dp;

    netrun_paths_init(cfg, run->def->name, &p);
    netrun_dnsmasq_paths(cfg, &p, run->bridge, NULL, &dp);
    dnsmasq_stop(&run->dnsmasq, &dp, 0, NULL); /* reaps it, removes the pid file */
    run->dnsmasq = (DnsmasqProc){ 0 };
    if (!netrun_save_status(run, p.status, &err))
        log_warn("network '%s': %s", run->def->name, err->message);
}

bool
netrun_revive_dnsmasq(const NetRunConfig *cfg, NetRun *run, GError **error)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autofree char *helper = NULL;
    DnsmasqPaths dp;

    if (run->dnsmasq.pid <= 0 || dnsmasq_is_alive(run->dnsmasq.pid, run->dnsmasq.start_time))
        return true;
    if (!(helper = dnsmasq_find_helper(error)))
        return false;
    log_warn("network '%s': its dnsmasq (pid %d) is gone, starting it again", run->def->name,
             (int)run->dnsmasq.pid);
    netrun_paths_init(cfg, run->def->name, &p);
    netrun_dnsmasq_paths(cfg, &p, run->bridge, helper, &dp);
    /* reaps it if it is our child, removes its stale pid file */
    dnsmasq_stop(&run->dnsmasq, &dp, 0, NULL);
    run->dnsmasq = (DnsmasqProc){ 0 };
    if (!dnsmasq_start(run->def, &dp, &run->dnsmasq, error)) {
        g_prefix_error(error, "network '%s': ", run->def->name);
        return false;
    }
    return netrun_save_status(run, p.status, error);
}

/* ---- changes while running ---- */

bool
netrun_update(const NetRunConfig *cfg, NetRun *run, const NetDef *newdef, bool restart_dnsmasq,
              GError **error)
{
    g_auto(NetRunPaths) p = { 0 };
    g_autoptr(NetDef) copy = netdef_copy(newdef);
    g_autofree char *helper = NULL;
    DnsmasqProc old_proc = run->dnsmasq;
    bool needed = copy && dnsmasq_conf_needed(copy);
    NetDef *old;
    DnsmasqPaths dp;

    if (!copy) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s': cannot copy it",
                    newdef->name);
        return false;
    }
    netrun_paths_init(cfg, run->def->name, &p);
    if ((needed || run->dnsmasq.pid > 0) && !(helper = dnsmasq_find_helper(error)))
        return false;
    netrun_dnsmasq_paths(cfg, &p, run->bridge, helper, &dp);
    if (!restart_dnsmasq && run->dnsmasq.pid > 0 && needed) {
        /* the hosts files are re-read on SIGHUP */
        if (!dnsmasq_reload(copy, &dp, &run->dnsmasq, error))
            return false;
    } else if (restart_dnsmasq || needed != (run->dnsmasq.pid > 0)) {
        /* options of the config file: a new dnsmasq (its lease database
         * keeps the guests' leases) */
        if (run->dnsmasq.pid > 0 &&
            !dnsmasq_stop(&run->dnsmasq, &dp, NETRUN_DNSMASQ_STOP_MS, error))
            return false;
        run->dnsmasq = (DnsmasqProc){ 0 };
        if (needed && !dnsmasq_start(copy, &dp, &run->dnsmasq, error)) {
            g_autoptr(GError) err = NULL;

            /* back to what ran before */
            if (old_proc.pid > 0 && !dnsmasq_start(run->def, &dp, &run->dnsmasq, &err))
                log_warn("network '%s': cannot restart dnsmasq as it was: %s", run->def->name,
                         err->message);
            return false;
        }
    }
    old = run->def;
    run->def = g_steal_pointer(&copy);
    if (!netrun_save_status(run, p.status, error)) {
        netdef_free(run->def);
        run->def = old;
        return false;
    }
    netdef_free(old);
    return true;
}

/* ---- listen addresses ---- */

char *
netrun_listen_address(const NetRun *run, int family, GError **error)
{
    const NetDef *def = run->def;
    const char *dev = NULL;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(GPtrArray) addrs = NULL;
    const NetIpDef *ip;

    if (netrun_mode_creates_bridge(def->forward_mode)) {
        if ((ip = netdef_get_ip(def, family, 0)))
            return g_strdup(ip->address);
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "network '%s' has no %s address",
                    def->name, netrun_family_name(family));
        return NULL;
    }
    dev = def->forward_mode == NET_FORWARD_BRIDGE && def->bridge ? def->bridge
                                                                 : netdef_forward_dev(def);
    if (!dev) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "network '%s' has no host device to take a %s address from", def->name,
                    netrun_family_name(family));
        return NULL;
    }
    if (!(nl = netlink_open(error)) || !(addrs = netlink_addr_list(nl, dev, error))) {
        g_prefix_error(error, "network '%s': ", def->name);
        return NULL;
    }
    for (guint i = 0; i < addrs->len; i++) {
        const AddrInfo *a = g_ptr_array_index(addrs, i);
        NetAddr na;

        /* a link-local IPv6 address needs a scope: useless for a listener */
        if (a->family != family || !netaddr_parse(a->address, &na) ||
            (family == AF_INET6 && na.bytes[0] == 0xfe && (na.bytes[1] & 0xc0) == 0x80))
            continue;
        return g_strdup(a->address);
    }
    g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                "network '%s': interface '%s' has no %s address", def->name, dev,
                netrun_family_name(family));
    return NULL;
}
