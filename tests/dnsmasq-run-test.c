/*
 * dnsmasq-run-test.c: a real dnsmasq through net/dnsmasq (privileged)
 *
 * As root the program moves into a network and mount namespace of its own
 * (before g_test_init), builds a bridge there with `ip` (test setup only),
 * starts dnsmasq through dnsmasq_start(), and puts "guests" (network
 * namespaces on veths attached to the bridge) through busybox udhcpc. It
 * checks the addresses they get, the leases virtnode-leaseshelper records,
 * DNS answers for static, client-supplied and reloaded names, and that
 * dnsmasq_stop() leaves no process. Everything lives in the namespaces and
 * a temporary directory, and goes with them.
 *
 * Not root: the privileged cases skip, or fail when CI=true. The process
 * cases (pid + start time, stop of children and non-children) run as any
 * user.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/dnsmasq.h"
#include "net/leases.h"
#include "util/cmd.h"
#include "util/error.h"
#include "util/file.h"
#include "tests/test-netns.h"

#define BRIDGE "vntbr0"
#define BRIDGE_IP "10.77.0.1"
#define GUEST_NS "vntest-guest"

static const char *netns_failure; /* NULL: in namespaces of our own */
static char *tmp_dir;
/* killed from the SIGABRT handler, so a failed assertion leaves no dnsmasq */
static volatile pid_t live_pid;

static const char net_xml[] =
    "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n"
    "  <name>runtest</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='" BRIDGE "'/>\n"
    "  <domain name='lab.test'/>\n"
    "  <dns>\n"
    "    <host ip='10.77.0.50'><hostname>printer</hostname></host>\n"
    "  </dns>\n"
    "  <ip address='" BRIDGE_IP "' prefix='24'>\n"
    "    <dhcp>\n"
    "      <range start='10.77.0.100' end='10.77.0.120'/>\n"
    "      <host mac='52:54:00:5a:00:01' name='db' ip='10.77.0.11'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    /* dnsmasq pings an address before offering it dynamically: seconds */
    "  <dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options>\n"
    "</network>\n";

static void
on_abort(int sig)
{
    if (live_pid > 0)
        kill(live_pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static bool
write_text(const char *path, const char *text)
{
    return g_file_set_contents(path, text, -1, NULL);
}

typedef struct Paths {
    char *conf, *pid, *hosts, *addn, *leases, *status, *log, *helper;
    DnsmasqPaths dp;
} Paths;

static void
paths_init(Paths *p, const char *dir)
{
    g_autoptr(GError) error = NULL;

    p->conf = g_build_filename(dir, "net.conf", NULL);
    p->pid = g_build_filename(dir, "net.pid", NULL);
    p->hosts = g_build_filename(dir, "net.hostsfile", NULL);
    p->addn = g_build_filename(dir, "net.addnhosts", NULL);
    p->leases = g_build_filename(dir, "net.leases", NULL);
    p->status = g_build_filename(dir, "net.status.json", NULL);
    p->log = g_build_filename(dir, "dnsmasq.log", NULL);
    p->helper = dnsmasq_find_helper(&error);
    g_assert_no_error(error);
    /* the test program runs from the build tree: so does the helper */
    g_assert_cmpstr(p->helper, ==, ABS_TOP_BUILDDIR "/net/virtnode-leaseshelper");
    p->dp = (DnsmasqPaths){
        .conf_file = p->conf,
        .pid_file = p->pid,
        .hosts_file = p->hosts,
        .addnhosts_file = p->addn,
        .lease_file = p->leases,
        .helper = p->helper,
        .status_file = p->status,
        .log_file = p->log,
    };
}

static void
paths_clear(Paths *p)
{
    g_free(p->conf);
    g_free(p->pid);
    g_free(p->hosts);
    g_free(p->addn);
    g_free(p->leases);
    g_free(p->status);
    g_free(p->log);
    g_free(p->helper);
}

/* The IPv4 address of @name from the DNS server at @server ("" if the
 * answer has none, NULL on timeout). A minimal RFC 1035 client. */
static char *
dns_query_a(const char *server, const char *name)
{
    unsigned char q[512], r[512];
    size_t len = 0;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
    struct timeval tv = { .tv_sec = 1 };
    int fd autoclose = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    g_auto(GStrv) labels = g_strsplit(name, ".", -1);
    guint16 id = (guint16)g_random_int();

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(inet_pton(AF_INET, server, &sa.sin_addr), ==, 1);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    memset(q, 0, 12);
    q[0] = id >> 8;
    q[1] = id & 0xff;
    q[2] = 0x01; /* recursion desired */
    q[5] = 1;    /* one question */
    len = 12;
    for (size_t i = 0; labels[i]; i++) {
        size_t l = strlen(labels[i]);

        q[len++] = (unsigned char)l;
        memcpy(q + len, labels[i], l);
        len += l;
    }
    q[len++] = 0;
    q[len++] = 0, q[len++] = 1; /* A */
    q[len++] = 0, q[len++] = 1; /* IN */

    for (int attempt = 0; attempt < 3; attempt++) {
        ssize_t n;
        size_t pos;
        unsigned ancount;

        if (sendto(fd, q, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            continue;
        n = recv(fd, r, sizeof(r), 0);
        if (n < 12 || r[0] != q[0] || r[1] != q[1])
            continue;
        ancount = (unsigned)r[6] << 8 | r[7];
        /* skip the question */
        for (pos = 12; pos < (size_t)n && r[pos] != 0; pos += r[pos] + 1)
            ;
        pos += 5;
        for (unsigned a = 0; a < ancount && pos + 12 <= (size_t)n; a++) {
            unsigned type, rdlen;

            if ((r[pos] & 0xc0) == 0xc0) {
                pos += 2;
            } else {
                while (pos < (size_t)n && r[pos] != 0)
                    pos += r[pos] + 1;
                pos++;
            }
            if (pos + 10 > (size_t)n)
                break;
            type = (unsigned)r[pos] << 8 | r[pos + 1];
            rdlen = (unsigned)r[pos + 8] << 8 | r[pos + 9];
            pos += 10;
            if (type == 1 && rdlen == 4 && pos + 4 <= (size_t)n) {
                char text[INET_ADDRSTRLEN];

                inet_ntop(AF_INET, r + pos, text, sizeof(text));
                return g_strdup(text);
            }
            pos += rdlen;
        }
        return g_strdup("");
    }
    return NULL;
}

static void
assert_resolves(const char *name, const char *expected)
{
    g_autofree char *got = dns_query_a(BRIDGE_IP, name);

    if (g_strcmp0(got, expected) != 0)
        g_error("DNS %s: expected %s, got %s", name, expected, got ? got : "(timeout)");
}

/* A guest: a namespace on a veth attached to the bridge, with @mac. */
static void
guest_add(int n, const char *mac)
{
    g_autofree char *ns = g_strdup_printf(GUEST_NS "%d", n);
    g_autofree char *c1 = g_strdup_printf("ip netns add %s", ns);
    g_autofree char *c2 =
        g_strdup_printf("ip link add vnth%d type veth peer name eth0 netns %s", n, ns);
    g_autofree char *c3 = g_strdup_printf("ip link set vnth%d master " BRIDGE " up", n);
    g_autofree char *c4 = g_strdup_printf("ip -n %s link set eth0 address %s up", ns, mac);
    g_autofree char *c5 = g_strdup_printf("ip -n %s link set lo up", ns);

    g_free(test_sh(c1));
    g_free(test_sh(c2));
    g_free(test_sh(c3));
    g_free(test_sh(c4));
    g_free(test_sh(c5));
}

static void
guest_del(int n)
{
    g_autofree char *c = g_strdup_printf("ip netns del " GUEST_NS "%d", n);

    g_free(test_sh(c));
}

/* busybox udhcpc in guest @n; returns the address it was given. */
static char *
guest_dhcp(int n, const char *hostname)
{
    g_autofree char *script = g_strdup_printf("%s/udhcpc%d.sh", tmp_dir, n);
    g_autofree char *out = g_strdup_printf("%s/udhcpc%d.out", tmp_dir, n);
    g_autofree char *text = g_strdup_printf("#!/bin/sh\n"
                                            "[ \"$1\" = bound ] && echo \"$ip $mask $router "
                                            "$domain\" > %s\nexit 0\n",
                                            out);
    g_autofree char *cmdline = g_strdup_printf(
        "ip netns exec " GUEST_NS "%d busybox udhcpc -i eth0 -f -q -n -t 10 -T 1 -s %s%s%s", n,
        script, hostname ? " -x hostname:" : "", hostname ? hostname : "");
    g_autofree char *result = NULL;
    g_auto(GStrv) fields = NULL;

    g_assert_true(write_text(script, text));
    g_assert_cmpint(chmod(script, 0755), ==, 0);
    g_free(test_sh(cmdline));
    g_assert_true(g_file_get_contents(out, &result, NULL, NULL));
    fields = g_strsplit(g_strstrip(result), " ", -1);
    g_assert_cmpuint(g_strv_length(fields), ==, 4);
    /* mask (as a prefix length), router and domain from our config */
    g_assert_cmpstr(fields[1], ==, "24");
    g_assert_cmpstr(fields[2], ==, BRIDGE_IP);
    g_assert_cmpstr(fields[3], ==, "lab.test");
    return g_strdup(fields[0]);
}

/* The helper runs after the DHCP ACK: wait for its record of @ip. */
static Lease *
wait_lease(const char *status, const char *ip)
{
    for (int i = 0; i < 500; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) leases = leases_load(status, &error);

        g_assert_no_error(error);
        for (guint k = 0; k < leases->len; k++) {
            const Lease *l = leases->pdata[k];

            if (strcmp(l->ip, ip) == 0)
                return lease_copy(l);
        }
        g_usleep(10 * 1000);
    }
    g_error("no lease for %s in %s", ip, status);
}

static NetDef *
parse_net(const char *xml)
{
    g_autoptr(GError) error = NULL;
    NetDef *def = netdef_parse_string(xml, 0, &error);

    g_assert_no_error(error);
    return def;
}

static void
test_dhcp_dns(void)
{
    g_autoptr(NetDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(Lease) l1 = NULL, l2 = NULL;
    g_autofree char *ip1 = NULL, *ip2 = NULL, *hosts = NULL;
    NetDnsHost *late;
    DnsmasqProc proc = { 0 };
    Paths p;
    struct stat st;
    int wstatus;

    if (!test_netns_usable(netns_failure))
        return;
    paths_init(&p, tmp_dir);
    g_free(test_sh("ip link set lo up"));
    g_free(test_sh("ip link add " BRIDGE " type bridge"));
    g_free(test_sh("ip link set " BRIDGE " type bridge stp_state 0 forward_delay 0"));
    g_free(test_sh("ip addr add " BRIDGE_IP "/24 dev " BRIDGE));
    g_free(test_sh("ip link set " BRIDGE " up"));
    guest_add(1, "52:54:00:5a:00:01");
    guest_add(2, "52:54:00:5a:00:02");

    def = parse_net(net_xml);
    g_assert_true(dnsmasq_start(def, &p.dp, &proc, &error));
    g_assert_no_error(error);
    live_pid = proc.pid;
    g_assert_cmpint(proc.pid, >, 0);
    g_assert_true(dnsmasq_is_alive(proc.pid, proc.start_time));
    g_assert_false(dnsmasq_is_alive(proc.pid, proc.start_time + 1));
    /* dnsmasq re-reads the hosts files as "nobody" */
    g_assert_cmpint(stat(p.hosts, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0644);
    g_assert_cmpint(stat(p.addn, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0644);

    /* the static host gets its fixed address, the other one from the range */
    ip1 = guest_dhcp(1, NULL);
    g_assert_cmpstr(ip1, ==, "10.77.0.11");
    ip2 = guest_dhcp(2, "dyn2");
    g_assert_true(g_str_has_prefix(ip2, "10.77.0.1"));
    g_assert_cmpint(dnsmasq_range_size("10.77.0.100", ip2), >=, 1);
    g_assert_cmpint(dnsmasq_range_size(ip2, "10.77.0.120"), >=, 1);

    /* ... and virtnode-leaseshelper recorded both */
    l1 = wait_lease(p.status, ip1);
    g_assert_cmpstr(l1->mac, ==, "52:54:00:5a:00:01");
    g_assert_cmpstr(l1->hostname, ==, "db");
    g_assert_cmpstr(l1->iface, ==, BRIDGE);
    g_assert_cmpuint(l1->prefix, ==, 24);
    g_assert_cmpint(l1->expiry, >, g_get_real_time() / G_USEC_PER_SEC);
    g_assert_nonnull(l1->client_id);
    l2 = wait_lease(p.status, ip2);
    g_assert_cmpstr(l2->mac, ==, "52:54:00:5a:00:02");
    g_assert_cmpstr(l2->hostname, ==, "dyn2");

    /* static, client-supplied and <dns><host> names, with the domain */
    assert_resolves("db", "10.77.0.11");
    assert_resolves("db.lab.test", "10.77.0.11");
    assert_resolves("dyn2.lab.test", ip2);
    assert_resolves("printer", "10.77.0.50");
    assert_resolves("nonexistent", "");

    /* a host added at runtime: hosts files rewritten, SIGHUP */
    late = g_new0(NetDnsHost, 1);
    late->ip = g_strdup("10.77.0.77");
    late->names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(late->names, g_strdup("late"));
    g_ptr_array_add(def->dns.hosts, late);
    g_assert_true(dnsmasq_reload(def, &p.dp, &proc, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(p.addn, &hosts, NULL, NULL));
    g_assert_nonnull(strstr(hosts, "10.77.0.77\tlate\n"));
    for (int i = 0; i < 100; i++) {
        g_autofree char *got = dns_query_a(BRIDGE_IP, "late");

        if (g_strcmp0(got, "10.77.0.77") == 0)
            break;
        g_assert_cmpint(i, <, 99);
        g_usleep(20 * 1000);
    }
    g_assert_true(dnsmasq_is_alive(proc.pid, proc.start_time));

    /* stop: reaped, nothing left */
    g_assert_true(dnsmasq_stop(&proc, &p.dp, 5000, &error));
    g_assert_no_error(error);
    live_pid = 0;
    g_assert_false(dnsmasq_is_alive(proc.pid, proc.start_time));
    g_assert_cmpint(waitpid(proc.pid, &wstatus, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
    g_assert_cmpint(kill(proc.pid, 0), ==, -1);
    g_assert_false(g_file_test(p.pid, G_FILE_TEST_EXISTS));
    /* stopping again is fine */
    g_assert_true(dnsmasq_stop(&proc, &p.dp, 5000, &error));
    /* a reload now tells the network is not running */
    g_assert_false(dnsmasq_reload(def, &p.dp, &proc, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID);

    dnsmasq_remove_files(&p.dp);
    g_assert_false(g_file_test(p.conf, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(p.hosts, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(p.status, G_FILE_TEST_EXISTS));
    guest_del(1);
    guest_del(2);
    g_free(test_sh("ip link del " BRIDGE));
    paths_clear(&p);
}

/* dnsmasq refusing its config: a clear error quoting it, nothing left. */
static void
test_start_failure(void)
{
    g_autoptr(NetDef) def = NULL;
    g_autoptr(GError) error = NULL;
    DnsmasqProc proc = { 1, 1 };
    Paths p;
    int wstatus;

    if (!test_netns_usable(netns_failure))
        return;
    paths_init(&p, tmp_dir);
    def = parse_net("<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
                    "<name>broken</name><bridge name='vntbr9'/>"
                    "<ip address='10.78.0.1' prefix='24'/>"
                    "<dnsmasq:options><dnsmasq:option value='no-such-dnsmasq-option'/>"
                    "</dnsmasq:options></network>");
    g_assert_false(dnsmasq_start(def, &p.dp, &proc, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "dnsmasq for network 'broken' exited with status"));
    /* dnsmasq's own words, from its output */
    g_assert_nonnull(strstr(error->message, "bad option at line"));
    g_assert_nonnull(strstr(error->message, p.conf));
    g_assert_cmpint(proc.pid, ==, 0);
    /* reaped: no child of ours is left */
    g_assert_cmpint(waitpid(-1, &wstatus, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
    paths_clear(&p);
}

/* A missing program is named, before anything is written or run. */
static void
test_missing_binary(void)
{
    g_autoptr(NetDef) def = parse_net(net_xml);
    g_autoptr(GError) error = NULL;
    g_autofree char *conf = g_build_filename(tmp_dir, "never.conf", NULL);
    g_autofree char *pid = g_build_filename(tmp_dir, "never.pid", NULL);
    DnsmasqPaths dp = { .conf_file = conf, .pid_file = pid, .binary = "/nonexistent/dnsmasq" };
    DnsmasqProc proc;
    g_autofree char *found = NULL;

    g_assert_false(dnsmasq_start(def, &dp, &proc, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(error->message, "cannot run dnsmasq '/nonexistent/dnsmasq'"));
    g_assert_false(g_file_test(conf, G_FILE_TEST_EXISTS));
    g_clear_error(&error);

    /* the lookup itself, on this host */
    found = dnsmasq_find_binary(&error);
    if (found)
        g_assert_true(g_str_has_suffix(found, "/dnsmasq"));
    else
        g_assert_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED);
}

static GPid
spawn_sh(const char *script)
{
    g_autoptr(Cmd) cmd = cmd_new("/bin/sh");
    g_autoptr(GError) error = NULL;
    GPid pid;

    cmd_add_args(cmd, "-c", script, NULL);
    g_assert_true(cmd_spawn(cmd, &pid, &error));
    g_assert_no_error(error);
    return pid;
}

/* pid + start time: a stale record is never signalled; a live child is
 * stopped and reaped, by SIGKILL if it ignores SIGTERM. */
static void
test_proc_child(void)
{
    g_autoptr(GError) error = NULL;
    DnsmasqProc proc, stale;
    GPid pid = spawn_sh("exec sleep 30");
    int wstatus;

    g_assert_true(dnsmasq_proc_start_time(pid, &proc.start_time));
    proc.pid = pid;
    g_assert_true(dnsmasq_is_alive(pid, proc.start_time));
    stale = (DnsmasqProc){ pid, proc.start_time - 1 };
    g_assert_true(dnsmasq_stop(&stale, NULL, 100, &error));
    g_assert_true(dnsmasq_is_alive(pid, proc.start_time)); /* untouched */
    g_assert_true(dnsmasq_stop(&proc, NULL, 2000, &error));
    g_assert_no_error(error);
    g_assert_false(dnsmasq_is_alive(pid, proc.start_time));
    g_assert_cmpint(waitpid(pid, &wstatus, WNOHANG), ==, -1);

    pid = spawn_sh("trap '' TERM; while :; do sleep 0.05; done");
    g_assert_true(dnsmasq_proc_start_time(pid, &proc.start_time));
    proc.pid = pid;
    g_usleep(100 * 1000); /* let the shell install its trap */
    g_assert_true(dnsmasq_stop(&proc, NULL, 200, &error));
    g_assert_no_error(error);
    g_assert_false(dnsmasq_is_alive(pid, proc.start_time));
    g_assert_false(dnsmasq_proc_start_time(pid, &proc.start_time));
}

/* After an agent restart dnsmasq is no child of ours: still stopped. */
static void
test_proc_not_child(void)
{
    g_autoptr(Cmd) cmd = cmd_new("/bin/sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    DnsmasqProc proc = { 0 };

    cmd_add_args(cmd, "-c", "sleep 30 >/dev/null 2>&1 & echo $!", NULL);
    cmd_capture_output(cmd, &out, NULL);
    g_assert_true(cmd_run(cmd, NULL, &error));
    proc.pid = (pid_t)g_ascii_strtoll(out, NULL, 10);
    g_assert_cmpint(proc.pid, >, 0);
    g_assert_true(dnsmasq_proc_start_time(proc.pid, &proc.start_time));
    g_assert_true(dnsmasq_is_alive(proc.pid, proc.start_time));
    g_assert_true(dnsmasq_stop(&proc, NULL, 2000, &error));
    g_assert_no_error(error);
    g_assert_false(dnsmasq_is_alive(proc.pid, proc.start_time));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    int rc;

    /* before any thread exists: a new mount namespace needs that */
    if (test_netns_enter(&netns_failure))
        netns_failure = NULL;
    signal(SIGABRT, on_abort);
    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("dnsmasq-run-test-XXXXXX", &error);
    g_assert_no_error(error);
    /* dnsmasq reads its hosts files as "nobody" on SIGHUP */
    g_assert_cmpint(chmod(tmp_dir, 0755), ==, 0);

    g_test_add_func("/dnsmasq/proc/child", test_proc_child);
    g_test_add_func("/dnsmasq/proc/not-child", test_proc_not_child);
    g_test_add_func("/dnsmasq/missing-binary", test_missing_binary);
    g_test_add_func("/dnsmasq/run/dhcp-dns", test_dhcp_dns);
    g_test_add_func("/dnsmasq/run/start-failure", test_start_failure);
    rc = g_test_run();

    {
        g_autoptr(Cmd) rm = cmd_new("rm");

        cmd_add_args(rm, "-rf", tmp_dir, NULL);
        cmd_run(rm, NULL, NULL);
    }
    g_free(tmp_dir);
    return rc;
}
