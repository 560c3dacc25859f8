/*
 * netrun-test.c: running networks and guest ports against the kernel
 * (privileged)
 *
 * As root the program moves into network and mount namespaces of its own
 * (tests/test-netns.h, before g_test_init) and runs networks there through
 * net/netrun: real bridges, addresses, sysctls and dnsmasq, and the record
 * firewall backend (no kernel firewall is touched). One record model lives
 * for the whole program behind a small proxy backend, because netrun makes
 * a backend per start and per stop and the model must see both. Then guest
 * ports through net/port: taps on bridges, macvtaps on a pool of veths,
 * and a guest namespace whose lease a port's unplug releases.
 *
 * Not root: every case skips, or fails when CI=true.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "net/bridge.h"
#include "net/dhcp-release.h"
#include "net/leases.h"
#include "net/netlink.h"
#include "net/netrun.h"
#include "net/port.h"
#include "net/tap.h"
#include "tests/test-netns.h"
#include "util/cmd.h"
#include "util/error.h"

#define DNSMASQ_NS "xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'"
/* dnsmasq pings an address before offering it dynamically: seconds */
#define NO_PING "<dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options>"

static bool in_netns;
static const char *netns_failure;
static char *tmp_dir;
static NetRunConfig *cfg;
static GString *fw_log;      /* what the record backend committed, all along */
static FwBackend *fw_shared; /* the one record model */
/* dnsmasq processes started here: killed from the SIGABRT handler, so a
 * failed assertion leaves none (it would keep the namespace alive) */
static volatile pid_t live_pids[16];

static void
live_add(pid_t pid)
{
    for (size_t i = 0; pid > 0 && i < G_N_ELEMENTS(live_pids); i++) {
        if (live_pids[i] == 0) {
            live_pids[i] = pid;
            return;
        }
    }
}

static void
live_remove(pid_t pid)
{
    for (size_t i = 0; pid > 0 && i < G_N_ELEMENTS(live_pids); i++)
        if (live_pids[i] == pid)
            live_pids[i] = 0;
}

static void
on_abort(int sig)
{
    for (size_t i = 0; i < G_N_ELEMENTS(live_pids); i++)
        if (live_pids[i] > 0)
            kill(live_pids[i], SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- the firewall: one record model behind per-call proxies ---- */

typedef struct ProxyBackend {
    FwBackend base;
    FwBackend *target;
} ProxyBackend;

#define TARGET(be) (((ProxyBackend *)(be))->target)

static bool
proxy_begin(FwBackend *be, int family, FwTable table, GError **error)
{
    return TARGET(be)->begin(TARGET(be), family, table, error);
}

static bool
proxy_add_chain(FwBackend *be, const FwChain *c, bool *ret_created, GError **error)
{
    return TARGET(be)->add_chain(TARGET(be), c, ret_created, error);
}

static bool
proxy_remove_chain(FwBackend *be, const FwChain *c, GError **error)
{
    return TARGET(be)->remove_chain(TARGET(be), c, error);
}

static bool
proxy_add(FwBackend *be, const FwRule *r, bool *ret_added, GError **error)
{
    return TARGET(be)->add(TARGET(be), r, ret_added, error);
}

static bool
proxy_remove(FwBackend *be, const FwRule *r, GError **error)
{
    return TARGET(be)->remove(TARGET(be), r, error);
}

static bool
proxy_commit(FwBackend *be, GError **error)
{
    return TARGET(be)->commit(TARGET(be), error);
}

static void
proxy_abort(FwBackend *be)
{
    TARGET(be)->abort(TARGET(be));
}

static void
proxy_free(FwBackend *be)
{
    g_free(be);
}

static FwBackend *
test_fw_new(const char *name, gpointer data G_GNUC_UNUSED, GError **error)
{
    ProxyBackend *p;

    if (g_strcmp0(name, "record") != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED, "test: no backend '%s'", name);
        return NULL;
    }
    p = g_new0(ProxyBackend, 1);
    p->base = (FwBackend){
        .name = "record",
        .begin = proxy_begin,
        .add_chain = proxy_add_chain,
        .remove_chain = proxy_remove_chain,
        .add = proxy_add,
        .remove = proxy_remove,
        .commit = proxy_commit,
        .abort = proxy_abort,
        .free = proxy_free,
    };
    p->target = fw_shared;
    return &p->base;
}

static char *
fw_dump(void)
{
    return fw_record_dump(fw_shared);
}

/* ---- helpers ---- */

static bool
need_netns(void)
{
    if (in_netns)
        return true;
    if (test_netns_in_ci())
        g_test_fail_printf("CI=true and %s", netns_failure);
    else
        g_test_skip(netns_failure);
    return false;
}

static NetDef *
parse_net(const char *xml)
{
    g_autoptr(GError) error = NULL;
    NetDef *def = netdef_parse_string(xml, 0, &error);

    g_assert_no_error(error);
    return def;
}

static NetRun *
start_ok(const char *xml)
{
    g_autoptr(NetDef) def = parse_net(xml);
    g_autoptr(GError) error = NULL;
    NetRun *run = netrun_start(cfg, def, NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(run);
    live_add(run->dnsmasq.pid);
    return run;
}

static void
stop_ok(NetRun *run)
{
    g_autoptr(GError) error = NULL;
    pid_t pid = run->dnsmasq.pid;

    g_assert_true(netrun_stop(cfg, run, NULL, &error));
    g_assert_no_error(error);
    /* what only waits (dnsmasq, the kernel) finishes in the background */
    netrun_wait_pending();
    live_remove(pid);
    netrun_free(run);
}

static Netlink *
nl_open(void)
{
    g_autoptr(GError) error = NULL;
    Netlink *nl = netlink_open(&error);

    g_assert_no_error(error);
    return nl;
}

static LinkInfo *
link_get(const char *name)
{
    g_autoptr(Netlink) nl = nl_open();
    g_autoptr(GError) error = NULL;
    LinkInfo *info = netlink_link_lookup(nl, name, &error);

    g_assert_no_error(error);
    return info;
}

static bool
link_exists(const char *name)
{
    g_autoptr(LinkInfo) info = link_get(name);

    return info != NULL;
}

/* for g_ptr_array_sort(), which passes pointers to the elements */
static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "addr/prefix" lines of @ifname's non-link-local addresses, sorted. */
static char *
addrs_of(const char *ifname)
{
    g_autoptr(Netlink) nl = nl_open();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) addrs = netlink_addr_list(nl, ifname, &error);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    g_assert_no_error(error);
    for (guint i = 0; i < addrs->len; i++) {
        const AddrInfo *a = g_ptr_array_index(addrs, i);

        if (!g_str_has_prefix(a->address, "fe80:"))
            g_ptr_array_add(lines, g_strdup_printf("%s/%u", a->address, a->prefix));
    }
    g_ptr_array_sort(lines, compare_strings);
    g_ptr_array_add(lines, NULL);
    return g_strjoinv(" ", (char **)lines->pdata);
}

static char *
read_sysctl(const char *path)
{
    g_autofree char *full = g_strdup_printf("/proc/sys/%s", path);
    char *text = NULL;

    g_assert_true(g_file_get_contents(full, &text, NULL, NULL));
    return g_strstrip(text);
}

/* The files left in @dir, one "name" per entry, sorted ("" if none). */
static char *
dir_entries(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *e;

    while (d && (e = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(e));
    g_ptr_array_sort(names, compare_strings);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

/* No child process (dnsmasq) of ours is left, running or not reaped. */
static void
assert_no_children(void)
{
    int wstatus;

    g_assert_cmpint(waitpid(-1, &wstatus, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}

static void
assert_status_file(const char *name, bool exists)
{
    g_auto(NetRunPaths) p = { 0 };

    netrun_paths_init(cfg, name, &p);
    g_assert_cmpint(g_file_test(p.status, G_FILE_TEST_EXISTS), ==, exists);
}

/* ---- start and stop per forward mode ---- */

typedef struct ModeCase {
    const char *name;
    const char *bridge;
    const char *xml;
    const char *addrs;    /* expected on the bridge */
    const char *fw_has;   /* a rule fragment the record must show, NULL: no rules */
    const char *fw_hasnt; /* one it must not show */
    bool forward;         /* turns net.ipv4.ip_forward on */
} ModeCase;

static const ModeCase mode_cases[] = {
    { "nat", "vntnat0",
      "<network " DNSMASQ_NS "><name>nat</name><forward mode='nat'/>"
      "<bridge name='vntnat0' stp='off' delay='0'/><mac address='52:54:00:0a:00:01'/>"
      "<ip address='10.81.0.1' prefix='24'><dhcp><range start='10.81.0.100' "
      "end='10.81.0.150'/></dhcp></ip>"
      "<ip family='ipv6' address='fd81::1' prefix='64'/>" NO_PING "</network>",
      "10.81.0.1/24 fd81::1/64", "-o vntnat0", NULL, true },
    { "route", "vntrt0",
      "<network " DNSMASQ_NS "><name>route</name><forward mode='route'/>"
      "<bridge name='vntrt0' stp='off' delay='0'/>"
      "<ip address='10.82.0.1' prefix='24'><dhcp><range start='10.82.0.100' "
      "end='10.82.0.150'/></dhcp></ip>" NO_PING "</network>",
      "10.82.0.1/24", "-i vntrt0 -j REJECT", "MASQUERADE", true },
    { "isolated", "vntiso0",
      "<network " DNSMASQ_NS "><name>isolated</name>"
      "<bridge name='vntiso0' stp='off' delay='0'/>"
      "<ip address='10.83.0.1' prefix='24'><dhcp><range start='10.83.0.100' "
      "end='10.83.0.150'/></dhcp></ip>" NO_PING "</network>",
      "10.83.0.1/24", "VNODE_FWO -i vntiso0 -j REJECT", "MASQUERADE", false },
    { "open", "vntopen0",
      "<network><name>open</name><forward mode='open'/>"
      "<bridge name='vntopen0' stp='off' delay='0'/>"
      "<ip address='10.84.0.1' prefix='24'/></network>",
      "10.84.0.1/24", NULL, NULL, true },
};

static void
test_start_stop(gconstpointer data)
{
    const ModeCase *mc = data;
    g_autofree char *fw_before = NULL, *dump = NULL, *addrs = NULL, *fwd = NULL;
    g_autoptr(LinkInfo) br = NULL;
    g_auto(NetRunPaths) p = { 0 };
    NetRun *run;
    DnsmasqProc proc;

    if (!need_netns())
        return;
    netrun_paths_init(cfg, mc->name, &p);
    fw_before = fw_dump();
    g_assert_cmpstr(fw_before, ==, "");
    g_string_truncate(fw_log, 0);

    run = start_ok(mc->xml);
    g_assert_cmpstr(run->bridge, ==, mc->bridge);
    g_assert_true(run->bridge_created);
    br = link_get(mc->bridge);
    g_assert_nonnull(br);
    g_assert_cmpstr(br->kind, ==, "bridge");
    g_assert_cmpint(br->ifindex, ==, run->bridge_ifindex);
    g_assert_true(br->flags & IFF_UP);
    g_assert_cmpint(br->bridge_stp_state, ==, 0);
    addrs = addrs_of(mc->bridge);
    g_assert_cmpstr(addrs, ==, mc->addrs);
    fwd = read_sysctl("net/ipv4/ip_forward");
    g_assert_cmpstr(fwd, ==, mc->forward ? "1" : "0");

    dump = fw_dump();
    if (mc->fw_has) {
        g_assert_cmpstr(run->fw_backend, ==, "record");
        g_assert_nonnull(strstr(dump, mc->fw_has));
        /* what the commits said is what the model holds */
        g_assert_nonnull(strstr(fw_log->str, mc->fw_has));
        g_assert_nonnull(strstr(fw_log->str, "filter COMMIT\n"));
    } else {
        g_assert_null(run->fw_backend);
        g_assert_cmpstr(dump, ==, "");
        g_assert_cmpstr(fw_log->str, ==, "");
    }
    if (mc->fw_hasnt)
        g_assert_null(strstr(dump, mc->fw_hasnt));
    assert_status_file(mc->name, true);
    if (strstr(mc->xml, "<dhcp>")) {
        g_assert_cmpint(run->dnsmasq.pid, >, 0);
        g_assert_true(dnsmasq_is_alive(run->dnsmasq.pid, run->dnsmasq.start_time));
        g_assert_true(g_file_test(p.conf, G_FILE_TEST_EXISTS));
    }
    proc = run->dnsmasq;

    stop_ok(run);
    g_assert_false(link_exists(mc->bridge));
    g_free(dump);
    dump = fw_dump();
    g_assert_cmpstr(dump, ==, "");
    if (mc->fw_has)
        g_assert_nonnull(strstr(fw_log->str, "del "));
    assert_status_file(mc->name, false);
    if (proc.pid > 0)
        g_assert_false(dnsmasq_is_alive(proc.pid, proc.start_time));
    assert_no_children();
    g_assert_false(g_file_test(p.conf, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(p.pid, G_FILE_TEST_EXISTS));
    g_free(fwd);
    fwd = read_sysctl("net/ipv4/ip_forward");
    g_assert_cmpstr(fwd, ==, "0");
    g_free(fwd);
    fwd = dir_entries(cfg->run_dir);
    g_assert_cmpstr(fwd, ==, "");
}

/* A failed start leaves the host as it was: no bridge, rules, process or
 * file (the state directory may keep only what it had). */
static void
assert_start_fails(const char *xml, const char *bridge, int code, const char *msg)
{
    g_autoptr(NetDef) def = parse_net(xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *state_before = dir_entries(cfg->state_dir);
    g_autofree char *state_after = NULL, *run_after = NULL, *dump = NULL, *fwd = NULL;
    NetRun *run = netrun_start(cfg, def, NULL, &error);

    g_assert_null(run);
    g_assert_error(error, NET_ERROR, code);
    if (!strstr(error->message, msg))
        g_error("'%s' does not say '%s'", error->message, msg);
    g_assert_nonnull(strstr(error->message, def->name));
    g_assert_false(link_exists(bridge));
    dump = fw_dump();
    g_assert_cmpstr(dump, ==, "");
    assert_no_children();
    run_after = dir_entries(cfg->run_dir);
    g_assert_cmpstr(run_after, ==, "");
    state_after = dir_entries(cfg->state_dir);
    g_assert_cmpstr(state_after, ==, state_before);
    fwd = read_sysctl("net/ipv4/ip_forward");
    g_assert_cmpstr(fwd, ==, "0");
}

static void
test_fail_firewall(void)
{
    if (!need_netns())
        return;
    /* the second commit (IPv4 nat, after IPv4 filter went in) */
    fw_record_fail_commit(fw_shared, 2);
    assert_start_fails(mode_cases[0].xml, "vntnat0", VIR_ERR_SYSTEM_ERROR, "injected failure");
    fw_record_fail_commit(fw_shared, 0);
    g_assert_nonnull(strstr(fw_log->str, "del "));
}

static void
test_fail_dnsmasq(void)
{
    if (!need_netns())
        return;
    assert_start_fails("<network " DNSMASQ_NS "><name>bad</name><forward mode='nat'/>"
                       "<bridge name='vntbad0'/><ip address='10.85.0.1' prefix='24'>"
                       "<dhcp><range start='10.85.0.10' end='10.85.0.20'/></dhcp></ip>"
                       "<dnsmasq:options><dnsmasq:option value='no-such-dnsmasq-option'/>"
                       "</dnsmasq:options></network>",
                       "vntbad0", VIR_ERR_OPERATION_FAILED, "bad option");
}

/* ---- adoption after an agent restart ---- */

static void
test_adopt(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *status_before = NULL, *status_after = NULL, *dump_before = NULL;
    g_autofree char *dump = NULL;
    g_auto(NetRunPaths) p = { 0 };
    NetRun *run, *again;
    DnsmasqProc old;
    gsize log_len;
    int wstatus;

    if (!need_netns())
        return;
    netrun_paths_init(cfg, "nat", &p);
    run = start_ok(mode_cases[0].xml);
    old = run->dnsmasq;
    /* the agent goes away: only the status file knows */
    netrun_free(run);
    g_assert_true(g_file_get_contents(p.status, &status_before, NULL, NULL));
    dump_before = fw_dump();
    log_len = fw_log->len;

    again = netrun_adopt(cfg, "nat", &error);
    g_assert_no_error(error);
    g_assert_nonnull(again);
    g_assert_cmpint(again->dnsmasq.pid, ==, old.pid);
    g_assert_cmpuint(again->dnsmasq.start_time, ==, old.start_time);
    g_assert_cmpstr(again->bridge, ==, "vntnat0");
    g_assert_cmpstr(again->def->name, ==, "nat");
    /* zero churn: no firewall transaction, status untouched */
    g_assert_cmpuint(fw_log->len, ==, log_len);
    dump = fw_dump();
    g_assert_cmpstr(dump, ==, dump_before);
    g_assert_true(g_file_get_contents(p.status, &status_after, NULL, NULL));
    g_assert_cmpstr(status_after, ==, status_before);
    netrun_free(again);

    /* dnsmasq died meanwhile: started again, recorded */
    g_assert_cmpint(kill(old.pid, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(old.pid, &wstatus, 0), ==, old.pid);
    again = netrun_adopt(cfg, "nat", &error);
    g_assert_no_error(error);
    g_assert_nonnull(again);
    g_assert_cmpint(again->dnsmasq.pid, >, 0);
    g_assert_cmpint(again->dnsmasq.pid, !=, old.pid);
    g_assert_true(dnsmasq_is_alive(again->dnsmasq.pid, again->dnsmasq.start_time));
    live_add(again->dnsmasq.pid);
    g_assert_cmpuint(fw_log->len, ==, log_len);
    old = again->dnsmasq;
    netrun_free(again);
    g_clear_pointer(&status_after, g_free);
    g_assert_true(g_file_get_contents(p.status, &status_after, NULL, NULL));
    g_assert_cmpstr(status_after, !=, status_before);

    /* the bridge went away: not adoptable, the rest is cleaned up */
    {
        g_autoptr(Netlink) nl = nl_open();

        g_assert_true(bridge_delete(nl, "vntnat0", &error));
        g_assert_no_error(error);
    }
    again = netrun_adopt(cfg, "nat", &error);
    netrun_wait_pending();
    g_assert_null(again);
    g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "network 'nat' cannot be adopted"));
    g_assert_false(dnsmasq_is_alive(old.pid, old.start_time));
    assert_no_children();
    g_free(dump);
    dump = fw_dump();
    g_assert_cmpstr(dump, ==, "");
    assert_status_file("nat", false);
    g_free(dump);
    dump = read_sysctl("net/ipv4/ip_forward");
    g_assert_cmpstr(dump, ==, "0");
}

/* ---- listen addresses ---- */

static void
assert_listen(const NetRun *run, int family, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *addr = netrun_listen_address(run, family, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(addr, ==, expected);
}

static void
assert_listen_fails(const NetRun *run, int family, const char *msg)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *addr = netrun_listen_address(run, family, &error);

    g_assert_null(addr);
    g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    if (!strstr(error->message, msg))
        g_error("'%s' does not say '%s'", error->message, msg);
}

static void
test_listen(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Netlink) nl = NULL;
    NetRun *run;

    if (!need_netns())
        return;
    nl = nl_open();

    run = start_ok(mode_cases[0].xml); /* nat, IPv4 and IPv6 */
    assert_listen(run, AF_INET, "10.81.0.1");
    assert_listen(run, AF_INET6, "fd81::1");
    stop_ok(run);
    run = start_ok(mode_cases[1].xml); /* route */
    assert_listen(run, AF_INET, "10.82.0.1");
    assert_listen_fails(run, AF_INET6, "network 'route' has no IPv6 address");
    stop_ok(run);
    run = start_ok(mode_cases[2].xml); /* isolated */
    assert_listen(run, AF_INET, "10.83.0.1");
    assert_listen_fails(run, AF_INET6, "network 'isolated' has no IPv6 address");
    stop_ok(run);

    /* a host bridge the administrator made, with addresses of its own */
    g_assert_true(bridge_create(nl, "vnthost0", NULL, 0, false, 0, &error));
    g_assert_true(netlink_addr_add(nl, "vnthost0", "10.90.0.1", 24, false, &error));
    g_assert_true(netlink_addr_add(nl, "vnthost0", "fd90::1", 64, true, &error));
    g_assert_true(netlink_link_set_up(nl, "vnthost0", &error));
    g_assert_no_error(error);
    run = start_ok("<network><name>hostbr</name><forward mode='bridge'/>"
                   "<bridge name='vnthost0'/></network>");
    g_assert_false(run->bridge_created);
    assert_listen(run, AF_INET, "10.90.0.1");
    assert_listen(run, AF_INET6, "fd90::1");
    stop_ok(run);
    g_assert_true(link_exists("vnthost0"));
    g_assert_true(bridge_delete(nl, "vnthost0", &error));

    /* direct mode: the forward device's address; one without any */
    g_assert_true(veth_create(nl, "vntd0", "vntd0p", -1, &error));
    g_assert_true(veth_create(nl, "vntd1", "vntd1p", -1, &error));
    g_assert_true(netlink_addr_add(nl, "vntd0", "10.91.0.1", 24, false, &error));
    g_assert_no_error(error);
    run = start_ok("<network><name>direct</name><forward mode='bridge' dev='vntd0'>"
                   "<interface dev='vntd0'/></forward></network>");
    g_assert_null(run->bridge);
    assert_listen(run, AF_INET, "10.91.0.1");
    assert_listen_fails(run, AF_INET6, "network 'direct': interface 'vntd0' has no IPv6 address");
    stop_ok(run);
    run = start_ok("<network><name>direct2</name><forward mode='vepa' dev='vntd1'>"
                   "<interface dev='vntd1'/></forward></network>");
    assert_listen_fails(run, AF_INET, "network 'direct2': interface 'vntd1' has no IPv4 address");
    stop_ok(run);
    g_assert_true(netlink_link_delete(nl, "vntd0", &error));
    g_assert_true(netlink_link_delete(nl, "vntd1", &error));
    g_assert_no_error(error);
}

/* ---- ports ---- */

static void
mac_ok(const char *text, MacAddr *mac)
{
    g_assert_true(mac_parse(text, mac));
}

static void
assert_fd_open(int fd)
{
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD), >=, 0);
    g_assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static NetPort *
plug_ok(const NetRun *run, const char *mac_text, const char *ifname, unsigned mtu)
{
    g_autoptr(GError) error = NULL;
    MacAddr mac;
    NetPort *port;

    mac_ok(mac_text, &mac);
    port = netport_plug(run, &mac, ifname, mtu, &error);
    g_assert_no_error(error);
    g_assert_nonnull(port);
    g_assert_true(mac_equal(&port->mac, &mac));
    g_assert_cmpstr(port->network, ==, run->def->name);
    assert_fd_open(port->fd);
    return port;
}

static void
unplug_ok(const NetRun *run, NetPort *port)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *name = g_strdup(port->ifname);

    g_assert_true(netport_unplug(cfg, run, port, &error));
    g_assert_no_error(error);
    g_assert_cmpint(port->fd, ==, -1);
    g_assert_false(link_exists(name));
    netport_free(port);
}

static void
plug_fails(const NetRun *run, const char *mac_text, int code, const char *msg)
{
    g_autoptr(GError) error = NULL;
    MacAddr mac;

    mac_ok(mac_text, &mac);
    g_assert_null(netport_plug(run, &mac, NULL, 0, &error));
    g_assert_error(error, NET_ERROR, code);
    if (!strstr(error->message, msg))
        g_error("'%s' does not say '%s'", error->message, msg);
}

static void
assert_tap(const NetPort *port, const char *bridge, const char *mac_text, unsigned mtu)
{
    g_autoptr(LinkInfo) l = link_get(port->ifname);
    g_autoptr(LinkInfo) br = link_get(bridge);
    MacAddr mac;

    g_assert_cmpint(port->kind, ==, NET_PORT_TAP);
    g_assert_null(port->lower);
    g_assert_nonnull(l);
    g_assert_nonnull(br);
    g_assert_cmpstr(l->kind, ==, "tun");
    g_assert_cmpint(l->master, ==, br->ifindex);
    g_assert_true(l->flags & IFF_UP);
    mac_ok(mac_text, &mac);
    g_assert_true(l->has_mac);
    g_assert_true(mac_equal(&l->mac, &mac));
    if (mtu)
        g_assert_cmpuint(l->mtu, ==, mtu);
}

static void
test_port_tap(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Netlink) nl = NULL;
    NetRun *run, *hostrun;
    NetPort *a, *b, *c;

    if (!need_netns())
        return;
    nl = nl_open();
    run = start_ok(mode_cases[0].xml); /* nat on vntnat0 */
    a = plug_ok(run, "52:54:00:aa:00:01", NULL, 0);
    g_assert_true(g_str_has_prefix(a->ifname, "vnet"));
    assert_tap(a, "vntnat0", "fe:54:00:aa:00:01", 0);
    b = plug_ok(run, "52:54:00:aa:00:02", "vnt-web1", 1400);
    g_assert_cmpstr(b->ifname, ==, "vnt-web1");
    assert_tap(b, "vntnat0", "fe:54:00:aa:00:02", 1400);
    g_assert_cmpstr(netport_kind_to_string(a->kind), ==, "tap");

    /* an explicit name that is taken */
    {
        MacAddr mac;

        mac_ok("52:54:00:aa:00:03", &mac);
        g_assert_null(netport_plug(run, &mac, "vnt-web1", 0, &error));
        g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED);
        g_assert_nonnull(strstr(error->message, "network 'nat': tap 'vnt-web1' already exists"));
        g_clear_error(&error);
    }

    unplug_ok(run, a);
    unplug_ok(run, b);

    /* a tap whose descriptor went (qemu exited) is gone already: fine */
    c = plug_ok(run, "52:54:00:aa:00:04", NULL, 0);
    close(c->fd);
    c->fd = -1;
    unplug_ok(run, c);
    stop_ok(run);

    /* the network's bridge vanished under it */
    run = start_ok(mode_cases[0].xml);
    g_assert_true(bridge_delete(nl, "vntnat0", &error));
    plug_fails(run, "52:54:00:aa:00:05", VIR_ERR_OPERATION_FAILED,
               "network 'nat': its bridge 'vntnat0' does not exist");
    g_clear_error(&error);
    stop_ok(run);

    /* forward mode bridge: a host bridge's port */
    g_assert_true(bridge_create(nl, "vnthost1", NULL, 0, false, 0, &error));
    g_assert_no_error(error);
    hostrun = start_ok("<network><name>hostbr</name><forward mode='bridge'/>"
                       "<bridge name='vnthost1'/></network>");
    a = plug_ok(hostrun, "52:54:00:aa:00:06", NULL, 0);
    assert_tap(a, "vnthost1", "fe:54:00:aa:00:06", 0);
    unplug_ok(hostrun, a);
    stop_ok(hostrun);
    g_assert_true(bridge_delete(nl, "vnthost1", &error));
    g_assert_no_error(error);
}

static void
assert_macvtap(const NetPort *port, const char *lower, int kernel_mode, const char *mac_text)
{
    g_autoptr(LinkInfo) l = link_get(port->ifname);
    g_autoptr(LinkInfo) low = link_get(lower);
    MacAddr mac;

    g_assert_cmpint(port->kind, ==, NET_PORT_MACVTAP);
    g_assert_cmpstr(port->lower, ==, lower);
    g_assert_nonnull(l);
    g_assert_nonnull(low);
    g_assert_cmpstr(l->kind, ==, "macvtap");
    g_assert_cmpint(l->link, ==, low->ifindex);
    g_assert_cmpint(l->macvlan_mode, ==, kernel_mode);
    mac_ok(mac_text, &mac);
    g_assert_true(mac_equal(&l->mac, &mac));
}

static void
test_port_macvtap(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Netlink) nl = NULL;
    g_autoptr(LinkInfo) p0_before = NULL, p0_during = NULL, p0_after = NULL;
    NetRun *priv, *pt;
    NetPort *a, *b, *c, *x, *y;

    if (!need_netns())
        return;
    nl = nl_open();
    g_assert_true(veth_create(nl, "vntp0", "vntp0p", -1, &error));
    g_assert_true(veth_create(nl, "vntp1", "vntp1p", -1, &error));
    g_assert_true(netlink_link_set_up(nl, "vntp0", &error));
    g_assert_true(netlink_link_set_up(nl, "vntp1", &error));
    g_assert_no_error(error);
    p0_before = link_get("vntp0");

    priv = start_ok("<network><name>priv</name><forward mode='private'>"
                    "<interface dev='vntp0'/><interface dev='vntp1'/></forward></network>");
    pt = start_ok("<network><name>pt</name><forward mode='passthrough'>"
                  "<interface dev='vntp0'/><interface dev='vntp1'/></forward></network>");

    /* the fewest macvtaps first, pool order on a tie */
    a = plug_ok(priv, "52:54:00:bb:00:01", NULL, 0);
    assert_macvtap(a, "vntp0", MACVLAN_MODE_PRIVATE, "52:54:00:bb:00:01");
    g_assert_true(g_str_has_prefix(a->ifname, "macvtap"));
    g_assert_cmpstr(netport_kind_to_string(a->kind), ==, "macvtap");
    b = plug_ok(priv, "52:54:00:bb:00:02", "vnt-mv1", 0);
    g_assert_cmpstr(b->ifname, ==, "vnt-mv1");
    assert_macvtap(b, "vntp1", MACVLAN_MODE_PRIVATE, "52:54:00:bb:00:02");
    c = plug_ok(priv, "52:54:00:bb:00:03", NULL, 0);
    assert_macvtap(c, "vntp0", MACVLAN_MODE_PRIVATE, "52:54:00:bb:00:03");

    /* passthrough needs a device of its own: none is free now */
    plug_fails(pt, "52:54:00:cc:00:01", VIR_ERR_OPERATION_FAILED,
               "network 'pt': no device of its interface pool ('vntp0', 'vntp1') is free");
    unplug_ok(priv, b);
    x = plug_ok(pt, "52:54:00:cc:00:01", NULL, 0);
    /* the device takes the guest's MAC while the port is there */
    assert_macvtap(x, "vntp1", MACVLAN_MODE_PASSTHRU, "52:54:00:cc:00:01");
    {
        g_autoptr(LinkInfo) p1 = link_get("vntp1");
        MacAddr mac;

        mac_ok("52:54:00:cc:00:01", &mac);
        g_assert_true(mac_equal(&p1->mac, &mac));
    }
    /* ... and nobody else does: not a passthrough, nor another mode */
    plug_fails(pt, "52:54:00:cc:00:02", VIR_ERR_OPERATION_FAILED, "network 'pt': no device");
    unplug_ok(priv, a);
    unplug_ok(priv, c);
    b = plug_ok(priv, "52:54:00:bb:00:04", NULL, 0);
    assert_macvtap(b, "vntp0", MACVLAN_MODE_PRIVATE, "52:54:00:bb:00:04");
    unplug_ok(priv, b);

    y = plug_ok(pt, "52:54:00:cc:00:02", NULL, 0);
    assert_macvtap(y, "vntp0", MACVLAN_MODE_PASSTHRU, "52:54:00:cc:00:02");
    p0_during = link_get("vntp0");
    g_assert_false(mac_equal(&p0_during->mac, &p0_before->mac));
    plug_fails(priv, "52:54:00:bb:00:05", VIR_ERR_OPERATION_FAILED,
               "network 'priv': no device of its interface pool ('vntp0', 'vntp1') is free for a "
               "private port");
    unplug_ok(pt, y);
    unplug_ok(pt, x);
    /* the kernel gave the device its own MAC back */
    p0_after = link_get("vntp0");
    g_assert_true(mac_equal(&p0_after->mac, &p0_before->mac));

    /* a pool device that went away is skipped; all gone is an error */
    g_assert_true(netlink_link_delete(nl, "vntp0", &error));
    a = plug_ok(priv, "52:54:00:bb:00:06", NULL, 0);
    g_assert_cmpstr(a->lower, ==, "vntp1");
    unplug_ok(priv, a);
    g_assert_true(netlink_link_delete(nl, "vntp1", &error));
    g_assert_no_error(error);
    plug_fails(priv, "52:54:00:bb:00:07", VIR_ERR_OPERATION_FAILED, "network 'priv': no device");
    stop_ok(priv);
    stop_ok(pt);
}

static void
test_port_hostdev(void)
{
    g_autoptr(NetDef) def = NULL;
    NetRun run = { 0 };

    if (!need_netns())
        return;
    def = parse_net("<network><name>hd</name><forward mode='hostdev' managed='yes'>"
                    "<address type='pci' domain='0' bus='4' slot='0' function='1'/>"
                    "</forward></network>");
    run.def = def;
    plug_fails(&run, "52:54:00:dd:00:01", VIR_ERR_CONFIG_UNSUPPORTED, "network 'hd'");
    plug_fails(NULL, "52:54:00:dd:00:01", VIR_ERR_OPERATION_INVALID, "network is not active");
}

/* ---- DHCP release on unplug ---- */

/* A guest: a namespace on a veth attached to @bridge, with @mac. */
static void
guest_add(int n, const char *bridge, const char *mac)
{
    g_autofree char *c1 = g_strdup_printf("ip netns add vntguest%d", n);
    g_autofree char *c2 =
        g_strdup_printf("ip link add vntg%dh type veth peer name eth0 netns vntguest%d", n, n);
    g_autofree char *c3 = g_strdup_printf("ip link set vntg%dh master %s up", n, bridge);
    g_autofree char *c4 = g_strdup_printf("ip -n vntguest%d link set eth0 address %s up", n, mac);

    g_free(test_sh(c1));
    g_free(test_sh(c2));
    g_free(test_sh(c3));
    g_free(test_sh(c4));
}

static void
guest_del(int n)
{
    g_autofree char *c = g_strdup_printf("ip netns del vntguest%d", n);

    g_free(test_sh(c));
}

/* busybox udhcpc in guest @n; returns the address it was given. */
static char *
guest_dhcp(int n)
{
    g_autofree char *script = g_strdup_printf("%s/udhcpc%d.sh", tmp_dir, n);
    g_autofree char *out = g_strdup_printf("%s/udhcpc%d.out", tmp_dir, n);
    g_autofree char *text =
        g_strdup_printf("#!/bin/sh\n[ \"$1\" = bound ] && echo \"$ip\" > %s\nexit 0\n", out);
    g_autofree char *cmdline = g_strdup_printf(
        "ip netns exec vntguest%d busybox udhcpc -i eth0 -f -q -n -t 10 -T 1 -s %s", n, script);
    char *result = NULL;

    g_assert_true(g_file_set_contents(script, text, -1, NULL));
    g_assert_cmpint(chmod(script, 0755), ==, 0);
    g_free(test_sh(cmdline));
    g_assert_true(g_file_get_contents(out, &result, NULL, NULL));
    return g_strstrip(result);
}

static bool
store_has(const char *path, const char *mac)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) leases = leases_load(path, &error);

    g_assert_no_error(error);
    for (guint i = 0; i < leases->len; i++) {
        const Lease *l = leases->pdata[i];

        if (g_strcmp0(l->mac, mac) == 0)
            return true;
    }
    return false;
}

static bool
leasedb_has(const char *path, const char *mac)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    return strstr(text, mac) != NULL;
}

/* Waits up to @ms for the lease of @mac to be in (@present) or out of
 * both the store and dnsmasq's database. */
static bool
wait_lease(const NetRunPaths *p, const char *mac, bool present, unsigned ms)
{
    for (unsigned waited = 0;; waited += 10) {
        if (store_has(p->leases, mac) == present && leasedb_has(p->leasedb, mac) == present)
            return true;
        if (waited >= ms)
            return false;
        g_usleep(10 * 1000);
    }
}

static void
test_dhcp_release(void)
{
    g_autoptr(GError) error = NULL;
    g_auto(NetRunPaths) p = { 0 };
    g_autofree char *ip1 = NULL, *ip2 = NULL;
    g_autoptr(NetPort) port = NULL;
    unsigned removed = 0;
    gint64 t0;
    MacAddr mac1;
    NetRun *run;

    if (!need_netns())
        return;
    netrun_paths_init(cfg, "nat", &p);
    run = start_ok(mode_cases[0].xml);
    guest_add(1, "vntnat0", "52:54:00:ee:00:01");
    guest_add(2, "vntnat0", "52:54:00:ee:00:02");
    ip1 = guest_dhcp(1);
    ip2 = guest_dhcp(2);
    g_assert_true(g_str_has_prefix(ip1, "10.81.0."));
    g_assert_true(g_str_has_prefix(ip2, "10.81.0."));
    g_assert_true(wait_lease(&p, "52:54:00:ee:00:01", true, 5000));
    g_assert_true(wait_lease(&p, "52:54:00:ee:00:02", true, 5000));

    /* guest 1: the release alone */
    mac_ok("52:54:00:ee:00:01", &mac1);
    t0 = g_get_monotonic_time();
    g_assert_true(netport_release_leases(cfg, "nat", run, &mac1, &removed, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(removed, ==, 1);
    g_assert_false(store_has(p.leases, "52:54:00:ee:00:01"));
    /* dnsmasq forgot it too: only the DHCPRELEASE can have told it */
    g_assert_true(wait_lease(&p, "52:54:00:ee:00:01", false, 1000));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
    /* and its "del" did not bring anything back; guest 2 is untouched */
    g_usleep(200 * 1000);
    g_assert_false(store_has(p.leases, "52:54:00:ee:00:01"));
    g_assert_true(store_has(p.leases, "52:54:00:ee:00:02"));
    g_assert_true(leasedb_has(p.leasedb, "52:54:00:ee:00:02"));

    /* guest 2: through an unplug of a port whose link is the guest's veth
     * (not a tap: left alone), as the QEMU driver does at shutdown */
    port = g_new0(NetPort, 1);
    port->kind = NET_PORT_TAP;
    port->fd = -1;
    port->ifname = g_strdup("vntg2h");
    port->network = g_strdup("nat");
    mac_ok("52:54:00:ee:00:02", &port->mac);
    t0 = g_get_monotonic_time();
    g_assert_true(netport_unplug(cfg, run, port, &error));
    g_assert_no_error(error);
    g_assert_true(link_exists("vntg2h"));
    g_assert_true(wait_lease(&p, "52:54:00:ee:00:02", false, 1000));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);

    /* with the network stopped, only our store is left to clean */
    guest_del(1);
    guest_del(2);
    stop_ok(run);
    {
        g_autoptr(Lease) l = lease_new();

        l->type = VIR_IP_ADDR_TYPE_IPV4;
        l->ip = g_strdup("10.81.0.140");
        l->mac = g_strdup("52:54:00:ee:00:03");
        g_assert_true(leases_add(p.leases, l, 0, &error));
        g_assert_no_error(error);
    }
    mac_ok("52:54:00:ee:00:03", &mac1);
    g_assert_true(netport_release_leases(cfg, "nat", NULL, &mac1, &removed, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(removed, ==, 1);
    g_assert_false(store_has(p.leases, "52:54:00:ee:00:03"));
}

/* The packet itself (no privileges needed): RFC 2131's layout. */
static void
test_release_packet(void)
{
    g_autoptr(GError) error = NULL;
    unsigned char pkt[DHCP_RELEASE_PACKET_LEN];
    static const unsigned char head[] = { 1, 1, 6, 0, 0x12, 0x34, 0x56, 0x78 };
    static const char opts[] = "\x35\x01\x07"                         /* 53: DHCPRELEASE */
                               "\x36\x04\x0a\x51\x00\x01"             /* 54: server id */
                               "\x3d\x07\x01\x52\x54\x00\xee\x00\x0a" /* 61: client id */
                               "\xff";                                /* end */
    static const unsigned char zero[64] = { 0 };
    MacAddr mac;

    mac_ok("52:54:00:ee:00:0a", &mac);
    g_assert_true(dhcp_release_build(&mac, "10.81.0.123", "10.81.0.1", "01:52:54:00:ee:00:0a",
                                     0x12345678, pkt, &error));
    g_assert_no_error(error);
    g_assert_cmpmem(pkt, sizeof(head), head, sizeof(head));
    g_assert_cmpmem(pkt + 8, 4, zero, 4);                /* secs, flags */
    g_assert_cmpmem(pkt + 12, 4, "\x0a\x51\x00\x7b", 4); /* ciaddr */
    g_assert_cmpmem(pkt + 16, 12, zero, 12);             /* yiaddr, siaddr, giaddr */
    g_assert_cmpmem(pkt + 28, 6, mac.addr, 6);           /* chaddr */
    g_assert_cmpmem(pkt + 34, 10, zero, 10);
    g_assert_cmpmem(pkt + 236, 4, "\x63\x82\x53\x63", 4); /* magic cookie */
    g_assert_cmpmem(pkt + 240, sizeof(opts) - 1, opts, sizeof(opts) - 1);
    for (size_t i = 240 + sizeof(opts) - 1; i < sizeof(pkt); i++)
        g_assert_cmpuint(pkt[i], ==, 0);

    /* no client id: no option 61 */
    g_assert_true(dhcp_release_build(&mac, "10.81.0.123", "10.81.0.1", NULL, 1, pkt, &error));
    g_assert_cmpmem(pkt + 240, 9, opts, 9);
    g_assert_cmpuint(pkt[249], ==, 255);

    g_assert_false(dhcp_release_build(&mac, "10.81.0.123", "10.81.0.1", "01:zz", 1, pkt, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&error);
    g_assert_false(dhcp_release_build(&mac, "10.81.0.123", "10.81.0.1", "01:", 1, pkt, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INVALID_ARG);
    g_clear_error(&error);
    g_assert_false(dhcp_release_build(&mac, "fd81::5", "10.81.0.1", NULL, 1, pkt, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INVALID_ARG);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *state = NULL, *run = NULL;
    int rc;

    /* before any thread exists: unshare(CLONE_NEWNS) needs that */
    in_netns = test_netns_enter(&netns_failure);
    signal(SIGABRT, on_abort);
    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("netrun-test-XXXXXX", &error);
    g_assert_no_error(error);
    /* dnsmasq runs as "nobody" and re-reads its files as such */
    g_assert_cmpint(chmod(tmp_dir, 0755), ==, 0);
    state = g_build_filename(tmp_dir, "state", NULL);
    run = g_build_filename(tmp_dir, "run", NULL);
    cfg = netrun_config_new(state, run, "record");
    cfg->fw_new = test_fw_new;
    fw_log = g_string_new(NULL);
    fw_shared = fw_record_new(fw_log);

    for (size_t i = 0; i < G_N_ELEMENTS(mode_cases); i++) {
        g_autofree char *path = g_strdup_printf("/netrun/start-stop/%s", mode_cases[i].name);

        g_test_add_data_func(path, &mode_cases[i], test_start_stop);
    }
    g_test_add_func("/netrun/fail/firewall", test_fail_firewall);
    g_test_add_func("/netrun/fail/dnsmasq", test_fail_dnsmasq);
    g_test_add_func("/netrun/adopt", test_adopt);
    g_test_add_func("/netrun/listen-address", test_listen);
    g_test_add_func("/port/tap", test_port_tap);
    g_test_add_func("/port/macvtap", test_port_macvtap);
    g_test_add_func("/port/hostdev", test_port_hostdev);
    g_test_add_func("/port/dhcp-release", test_dhcp_release);
    g_test_add_func("/port/release-packet", test_release_packet);
    rc = g_test_run();

    {
        g_autoptr(Cmd) rm = cmd_new("rm");

        cmd_add_args(rm, "-rf", tmp_dir, NULL);
        cmd_run(rm, NULL, NULL);
    }
    fw_backend_free(fw_shared);
    g_string_free(fw_log, TRUE);
    netrun_config_free(cfg);
    g_free(tmp_dir);
    return rc;
}
