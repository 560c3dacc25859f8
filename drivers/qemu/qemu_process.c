/*
 * qemu_process.c: one running guest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qmp.h"
#include "net/netlink.h"
#include "net/network_driver.h"
#include "net/tap.h"
#include "util/cmd.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/procstat.h"
#include "util/reaper.h"

#define Q error_quark(VIR_FROM_QEMU)
/* qemu gets this long to create its monitor socket */
#define QEMU_MONITOR_WAIT_MS 10000
/* and this long to exit on SIGTERM before SIGKILL */
#define QEMU_STOP_GRACE_MS 5000
/* a memory dump writes the guest's RAM: minutes for large guests */
#define QEMU_DUMP_TIMEOUT_MS (10 * 60 * 1000)
/* the first descriptor number NICs get in the child */
#define QEMU_FIRST_NIC_FD 3

/* A guest NIC's host side: a port of a network, a macvtap of its own, or
 * a tap on a host bridge. */
typedef struct GuestPort {
    NetPort *port; /* type network; type direct (a port without network) */
    char *tap;     /* type bridge: the tap we made */
    int fd;        /* ours until qemu has it */
} GuestPort;

struct QemuProcess {
    char *name;
    QemuStatus *status;
    QmpConn *mon;
    GPtrArray *ports; /* GuestPort* */
    char *status_path;
    char *log_path;
    QemuProcessEventFunc event_cb;
    gpointer event_data;
};

static void
guest_port_free(gpointer data)
{
    GuestPort *p = data;

    if (p->fd >= 0)
        close(p->fd);
    netport_free(p->port);
    g_free(p->tap);
    g_free(p);
}

static void
process_free(QemuProcess *proc)
{
    if (!proc)
        return;
    if (proc->mon)
        qmp_close(proc->mon);
    g_ptr_array_unref(proc->ports);
    qemu_status_free(proc->status);
    g_free(proc->name);
    g_free(proc->status_path);
    g_free(proc->log_path);
    g_free(proc);
}

const QemuStatus *
qemu_process_status(const QemuProcess *proc)
{
    return proc->status;
}

/* ---- events: from the monitor's thread to the main loop ---- */

typedef struct EventCall {
    QemuProcessEventFunc cb;
    gpointer data;
    char *name;
    GPid pid;
    QemuProcessEvent event;
} EventCall;

static gboolean
event_call_run(gpointer data)
{
    EventCall *c = data;

    c->cb(c->name, c->pid, c->event, c->data);
    return G_SOURCE_REMOVE;
}

static void
event_call_free(gpointer data)
{
    EventCall *c = data;

    g_free(c->name);
    g_free(c);
}

static void
monitor_event(QmpConn *conn G_GNUC_UNUSED, const char *event, json_object *data G_GNUC_UNUSED,
              gint64 timestamp_us G_GNUC_UNUSED, gpointer user_data)
{
    QemuProcess *proc = user_data;
    static const struct {
        const char *name;
        QemuProcessEvent event;
    } map[] = {
        { QMP_EVENT_SHUTDOWN, QEMU_PROCESS_EVENT_SHUTDOWN },
        { "RESET", QEMU_PROCESS_EVENT_RESET },
        { "STOP", QEMU_PROCESS_EVENT_STOP },
        { "RESUME", QEMU_PROCESS_EVENT_RESUME },
        { "GUEST_PANICKED", QEMU_PROCESS_EVENT_CRASHED },
        { QMP_EVENT_EOF, QEMU_PROCESS_EVENT_GONE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(map); i++) {
        EventCall *c;
        json_object *reason = NULL, *guest = NULL;

        if (strcmp(event, map[i].name) != 0 || !proc->event_cb)
            continue;
        c = g_new0(EventCall, 1);
        c->cb = proc->event_cb;
        c->data = proc->event_data;
        c->name = g_strdup(proc->name);
        c->pid = proc->status->pid;
        c->event = map[i].event;
        /* with -no-reboot a guest's reboot ends in SHUTDOWN too */
        if (c->event == QEMU_PROCESS_EVENT_SHUTDOWN && data &&
            json_object_object_get_ex(data, "reason", &reason) &&
            g_strcmp0(json_object_get_string(reason), "guest-reset") == 0)
            c->event = QEMU_PROCESS_EVENT_REBOOT;
        else if (c->event == QEMU_PROCESS_EVENT_SHUTDOWN && data &&
                 json_object_object_get_ex(data, "guest", &guest) &&
                 !json_object_get_boolean(guest))
            c->event = QEMU_PROCESS_EVENT_SHUTDOWN_HOST;
        g_idle_add_full(G_PRIORITY_DEFAULT, event_call_run, c, event_call_free);
        return;
    }
}

/* ---- start ---- */

/* The last lines qemu wrote to its log, for an error message. */
static char *
log_tail(const char *path, gsize from)
{
    g_autofree char *text = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, NULL) || from >= len)
        return g_strdup("");
    return g_strstrip(g_strdup(text + from));
}

static bool
prepare_domain(const QemuProcessConfig *cfg, QemuProcess *proc, QemuPrepared *prep, GError **error)
{
    DomDef *def = proc->status->def;
    g_autoptr(QemuCaps) caps = NULL;
    const char *machine;

    prep->emulator = def->emulator ? g_strdup(def->emulator)
                                   : qemu_caps_pick_emulator(def->os_arch ? def->os_arch : "x86_64",
                                                             def->virt_type, error);
    if (!prep->emulator || !(caps = qemu_caps_get(prep->emulator, error)))
        return false;
    if (g_strcmp0(def->virt_type, "kvm") == 0 && !qemu_caps_kvm_usable()) {
        g_set_error(error, Q, VIR_ERR_CONFIG_UNSUPPORTED,
                    "domain '%s': KVM is not available on this host", def->name);
        return false;
    }
    machine = def->os_machine ? qemu_caps_resolve_machine(caps, def->os_machine)
                              : qemu_caps_default_machine(caps);
    if (!machine) {
        g_set_error(error, Q, VIR_ERR_CONFIG_UNSUPPORTED,
                    "domain '%s': machine type '%s' is not supported by '%s'", def->name,
                    def->os_machine ? def->os_machine : "(default)", prep->emulator);
        return false;
    }
    prep->machine = g_strdup(machine);
    prep->accel = g_strdup(g_strcmp0(def->virt_type, "kvm") == 0 ? "kvm" : "tcg");
    prep->spice_supported = qemu_caps_has_spice(caps);
    if (!def->emulator)
        def->emulator = g_strdup(prep->emulator);

    for (guint i = 0; def->graphics && i < def->graphics->len; i++) {
        DomGraphics *g = g_ptr_array_index(def->graphics, i);
        QemuPrepGraphics *pg = qemu_prepared_graphics(prep, i);

        if (g->autoport) {
            unsigned int port;

            if (!port_range_acquire(cfg->display_ports, &port, error)) {
                g_prefix_error(error, "domain '%s': ", def->name);
                return false;
            }
            g_array_append_val(proc->status->display_ports, port);
            g->port = (int)port;
            pg->port = (int)port;
        }
        for (guint j = 0; g->listens && j < g->listens->len; j++) {
            DomGraphicsListen *l = g_ptr_array_index(g->listens, j);
            g_autofree char *address = NULL;

            if (l->type != DOM_LISTEN_NETWORK)
                continue;
            if (!(address = network_driver_listen_address(l->network, AF_INET, error))) {
                g_prefix_error(error, "domain '%s': graphics listen: ", def->name);
                return false;
            }
            /* the live XML shows it (the inactive one keeps the network) */
            g_free(l->address);
            l->address = g_strdup(address);
            qemu_status_add_listen(proc->status, l->network, address);
            if (j == 0)
                pg->address = g_steal_pointer(&address);
        }
    }
    return true;
}

static bool
prepare_host(const QemuProcessConfig *cfg, QemuProcess *proc, QemuPrepared *prep, GError **error)
{
    DomDef *def = proc->status->def;

    for (guint i = 0; def->nets && i < def->nets->len; i++) {
        DomNet *n = g_ptr_array_index(def->nets, i);
        GuestPort *gp = g_new0(GuestPort, 1);
        QemuStatusNic *rec;
        char mac[MAC_STRING_LEN];

        gp->fd = -1;
        g_ptr_array_add(proc->ports, gp);
        mac_format(&n->mac, mac);
        if (n->type == DOM_NET_TYPE_NETWORK) {
            if (!(gp->port = network_driver_port_plug(n->network, &n->mac, n->ifname, 0, error))) {
                g_prefix_error(error, "domain '%s': interface %s: ", def->name, mac);
                return false;
            }
            gp->fd = gp->port->fd;
            gp->port->fd = -1; /* ours to pass and close */
            rec = qemu_status_add_nic(proc->status, netport_kind_to_string(gp->port->kind),
                                      gp->port->ifname, n->network, mac);
            rec->lower = g_strdup(gp->port->lower);
        } else if (n->type == DOM_NET_TYPE_DIRECT) {
            int mode = macvtap_mode_from_string(n->direct_mode ? n->direct_mode : "vepa");

            if (mode < 0) {
                g_set_error(error, Q, VIR_ERR_CONFIG_UNSUPPORTED,
                            "domain '%s': interface %s: unknown macvtap mode '%s'", def->name, mac,
                            n->direct_mode);
                return false;
            }
            if (!(gp->port =
                      netport_plug_direct(n->dev, (MacvtapMode)mode, &n->mac, n->ifname, error))) {
                g_prefix_error(error, "domain '%s': interface %s: ", def->name, mac);
                return false;
            }
            gp->fd = gp->port->fd;
            gp->port->fd = -1;
            rec = qemu_status_add_nic(proc->status, "macvtap", gp->port->ifname, NULL, mac);
            rec->lower = g_strdup(n->dev);
        } else if (n->type == DOM_NET_TYPE_BRIDGE) {
            g_autoptr(Netlink) nl = netlink_open(error);

            if (!nl ||
                !tap_create(nl, n->ifname, &n->mac, 0, n->bridge, &gp->tap, &gp->fd, error)) {
                g_prefix_error(error, "domain '%s': interface %s on bridge '%s': ", def->name, mac,
                               n->bridge);
                return false;
            }
            qemu_status_add_nic(proc->status, "tap", gp->tap, NULL, mac);
        } else if (n->type != DOM_NET_TYPE_USER) {
            g_set_error(error, Q, VIR_ERR_CONFIG_UNSUPPORTED,
                        "domain '%s': interface %s: this type of interface is not supported yet",
                        def->name, mac);
            return false;
        }
        if (gp->fd >= 0)
            qemu_prepared_net(prep, i)->fd = QEMU_FIRST_NIC_FD + (int)i;
        /* the live XML names the host side, as libvirt's does (the
         * inactive one drops generated names: vnet*, macvtap*) */
        if (gp->port || gp->tap) {
            g_free(n->ifname);
            n->ifname = g_strdup(gp->port ? gp->port->ifname : gp->tap);
        }
    }
    proc->status->monitor = g_strdup_printf("%s/%s.monitor", cfg->run_dir, def->name);
    prep->monitor_path = g_strdup(proc->status->monitor);
    unlink(prep->monitor_path);
    proc->log_path = g_strdup_printf("%s/%s.log", cfg->log_dir, def->name);
    return true;
}

/* Spawns qemu and connects its monitor. */
static bool
launch(QemuProcess *proc, QemuPrepared *prep, GError **error)
{
    const DomDef *def = proc->status->def;
    g_autoptr(GPtrArray) argv = qemu_command_build(def, prep, error);
    g_autoptr(Cmd) cmd = NULL;
    int log_fd autoclose = -1;
    gsize log_start;
    GStatBuf st;
    ProcStat pstat;
    GPid pid;
    gint64 deadline;

    if (!argv)
        return false;
    if ((log_fd = open(proc->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
        error_set_errno(error, Q, errno, "cannot open '%s'", proc->log_path);
        return false;
    }
    log_start = g_stat(proc->log_path, &st) == 0 ? (gsize)st.st_size : 0;
    cmd = cmd_new(g_ptr_array_index(argv, 0));
    for (guint i = 1; i < argv->len; i++)
        cmd_add_arg(cmd, g_ptr_array_index(argv, i));
    cmd_set_stdout_fd(cmd, log_fd);
    cmd_set_stderr_fd(cmd, log_fd);
    for (guint i = 0; i < proc->ports->len; i++) {
        const GuestPort *gp = g_ptr_array_index(proc->ports, i);

        if (gp->fd >= 0)
            cmd_pass_fd(cmd, gp->fd, QEMU_FIRST_NIC_FD + (int)i);
    }
    if (!cmd_spawn(cmd, &pid, error)) {
        g_prefix_error(error, "domain '%s': ", def->name);
        return false;
    }
    proc->status->pid = pid;
    if (proc_stat_read(pid, &pstat))
        proc->status->start_time = pstat.start_time;
    /* the taps are qemu's now: ours would keep them up after it exits */
    for (guint i = 0; i < proc->ports->len; i++) {
        GuestPort *gp = g_ptr_array_index(proc->ports, i);

        if (gp->fd >= 0)
            close(gp->fd);
        gp->fd = -1;
    }

    deadline = g_get_monotonic_time() + QEMU_MONITOR_WAIT_MS * 1000;
    while (!proc->mon) {
        g_autoptr(GError) err = NULL;
        int wstatus = 0;

        if (waitpid(pid, &wstatus, WNOHANG) == pid) {
            g_autofree char *said = log_tail(proc->log_path, log_start);

            reaper_forget(pid);
            proc->status->pid = 0;
            g_set_error(error, Q, VIR_ERR_OPERATION_FAILED,
                        "domain '%s': qemu exited with status %d%s%s", def->name,
                        WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus),
                        *said ? ": " : "", said);
            return false;
        }
        if ((proc->mon = qmp_connect(proc->status->monitor, 200, monitor_event, proc, &err)))
            break;
        if (g_get_monotonic_time() > deadline) {
            g_set_error(error, Q, VIR_ERR_OPERATION_TIMEOUT,
                        "domain '%s': qemu's monitor did not answer within %d s: %s", def->name,
                        QEMU_MONITOR_WAIT_MS / 1000, err->message);
            return false;
        }
    }
    return qmp_cont(proc->mon, error);
}

/* SIGTERM, @grace_ms, SIGKILL; reaped. */
static void
kill_qemu(QemuProcess *proc, unsigned int grace_ms)
{
    pid_t pid = proc->status->pid;
    int pidfd;

    if (pid <= 0)
        return;
    if (proc->mon) {
        qmp_close(proc->mon);
        proc->mon = NULL;
    }
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    kill(pid, SIGTERM);
    if (pidfd >= 0) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

        if (poll(&pfd, 1, (int)grace_ms) <= 0)
            kill(pid, SIGKILL);
        close(pidfd);
    } else {
        g_usleep(grace_ms * 1000);
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    reaper_forget(pid);
    proc->status->pid = 0;
}

/* Unplugs the ports, frees the display ports, removes the files. */
static void
undo_host(const QemuProcessConfig *cfg, QemuProcess *proc)
{
    for (guint i = 0; i < proc->ports->len; i++) {
        GuestPort *gp = g_ptr_array_index(proc->ports, i);
        g_autoptr(GError) err = NULL;

        if (gp->port && gp->port->network) {
            if (!network_driver_port_unplug(g_steal_pointer(&gp->port), &err))
                log_warn("domain '%s': %s", proc->name, err->message);
        } else if (gp->port) {
            /* type direct: a macvtap outside any network */
            if (!netport_unplug_direct(gp->port, &err))
                log_warn("domain '%s': %s", proc->name, err->message);
            g_clear_pointer(&gp->port, netport_free);
        } else if (gp->tap) {
            g_autoptr(Netlink) nl = netlink_open(NULL);
            bool exists = false;

            /* a tap goes with its last descriptor; one still there is ours */
            if (nl && netlink_link_exists(nl, gp->tap, &exists, NULL) && exists &&
                !tap_delete(nl, gp->tap, &err))
                log_warn("domain '%s': %s", proc->name, err->message);
        }
    }
    g_ptr_array_set_size(proc->ports, 0);
    for (guint i = 0; i < proc->status->display_ports->len; i++)
        port_range_release(cfg->display_ports,
                           g_array_index(proc->status->display_ports, unsigned int, i));
    g_array_set_size(proc->status->display_ports, 0);
    if (proc->status->monitor)
        unlink(proc->status->monitor);
    if (proc->status_path)
        unlink(proc->status_path);
}

QemuProcess *
qemu_process_start(const QemuProcessConfig *cfg, const DomDef *def, int id, GError **error)
{
    QemuProcess *proc = g_new0(QemuProcess, 1);
    g_autoptr(QemuPrepared) prep = qemu_prepared_new();

    proc->name = g_strdup(def->name);
    proc->ports = g_ptr_array_new_with_free_func(guest_port_free);
    proc->status = qemu_status_new();
    proc->status->def = domdef_copy(def);
    proc->status->id = id;
    proc->status->state = g_strdup("running");
    proc->status->reason = g_strdup("booted");
    proc->event_cb = cfg->event_cb;
    proc->event_data = cfg->event_data;
    prep->id = id;
    if (!proc->status->def) {
        g_set_error(error, Q, VIR_ERR_INTERNAL_ERROR, "domain '%s': cannot copy it", def->name);
        goto fail;
    }
    if (!file_mkdir_p(cfg->run_dir, 0755, error) || !file_mkdir_p(cfg->log_dir, 0700, error))
        goto fail;
    proc->status_path = g_strdup_printf("%s/%s.xml", cfg->run_dir, def->name);
    if (!prepare_domain(cfg, proc, prep, error) || !prepare_host(cfg, proc, prep, error) ||
        !launch(proc, prep, error) || !qemu_status_save(proc->status, proc->status_path, error))
        goto fail;
    log_info("domain '%s' started: qemu pid %d, id %d", def->name, (int)proc->status->pid, id);
    return proc;

fail:
    kill_qemu(proc, 0);
    undo_host(cfg, proc);
    process_free(proc);
    return NULL;
}

bool
qemu_process_stop(const QemuProcessConfig *cfg, QemuProcess *proc, GError **error G_GNUC_UNUSED)
{
    kill_qemu(proc, QEMU_STOP_GRACE_MS);
    undo_host(cfg, proc);
    log_info("domain '%s' stopped", proc->name);
    process_free(proc);
    return true;
}

/* ---- after an agent restart ---- */

static bool need_monitor(QemuProcess *proc, GError **error);

QemuProcess *
qemu_process_adopt(const QemuProcessConfig *cfg, const char *name, bool *ret_cleaned,
                   GError **error)
{
    QemuProcess *proc = g_new0(QemuProcess, 1);
    ProcStat now = { 0 };
    bool same;
    g_autoptr(GError) err = NULL;

    *ret_cleaned = false;
    proc->name = g_strdup(name);
    proc->ports = g_ptr_array_new_with_free_func(guest_port_free);
    proc->event_cb = cfg->event_cb;
    proc->event_data = cfg->event_data;
    proc->status_path = g_strdup_printf("%s/%s.xml", cfg->run_dir, name);
    if (!(proc->status = qemu_status_load(proc->status_path, error))) {
        process_free(proc);
        return NULL;
    }
    /* what the start set up, so a stop can undo it */
    for (guint i = 0; i < proc->status->nics->len; i++) {
        const QemuStatusNic *n = g_ptr_array_index(proc->status->nics, i);
        GuestPort *gp = g_new0(GuestPort, 1);

        gp->fd = -1;
        /* network ports, and the macvtaps of type direct (no network) */
        if (n->network || g_strcmp0(n->kind, "macvtap") == 0) {
            gp->port = g_new0(NetPort, 1);
            gp->port->kind = g_strcmp0(n->kind, "macvtap") == 0 ? NET_PORT_MACVTAP : NET_PORT_TAP;
            gp->port->ifname = g_strdup(n->ifname);
            gp->port->network = g_strdup(n->network);
            gp->port->lower = g_strdup(n->lower);
            gp->port->fd = -1;
            if (n->mac)
                mac_parse(n->mac, &gp->port->mac);
        } else {
            gp->tap = g_strdup(n->ifname);
        }
        g_ptr_array_add(proc->ports, gp);
    }
    for (guint i = 0; i < proc->status->display_ports->len; i++)
        port_range_reserve(cfg->display_ports,
                           g_array_index(proc->status->display_ports, unsigned int, i));
    proc->log_path = g_strdup_printf("%s/%s.log", cfg->log_dir, name);

    /* the same qemu (a recycled pid has another start time)? */
    same = proc_stat_read(proc->status->pid, &now) && now.start_time == proc->status->start_time;
    if (!same ||
        !(proc->mon = qmp_connect(proc->status->monitor, 2000, monitor_event, proc, &err))) {
        log_warn("domain '%s': its qemu (pid %d) is gone%s%s: cleaning up", name,
                 (int)proc->status->pid, err ? ": " : "", err ? err->message : "");
        if (same)
            kill_qemu(proc, QEMU_STOP_GRACE_MS); /* alive but deaf: not ours to trust */
        proc->status->pid = 0;
        undo_host(cfg, proc);
        process_free(proc);
        *ret_cleaned = true;
        g_set_error(error, Q, VIR_ERR_OPERATION_FAILED,
                    "domain '%s' is no longer running: its qemu is gone", name);
        return NULL;
    }
    log_info("domain '%s' is running: re-attached to qemu pid %d", name, (int)proc->status->pid);
    return proc;
}

bool
qemu_process_query_running(QemuProcess *proc, bool *ret_running, GError **error)
{
    g_autofree char *status = NULL;

    return need_monitor(proc, error) && qmp_query_status(proc->mon, ret_running, &status, error);
}

/* ---- operations ---- */

static bool
need_monitor(QemuProcess *proc, GError **error)
{
    if (proc->mon && !qmp_is_closed(proc->mon))
        return true;
    g_set_error(error, Q, VIR_ERR_OPERATION_FAILED, "domain '%s': qemu's monitor is gone",
                proc->name);
    return false;
}

bool
qemu_process_powerdown(QemuProcess *proc, GError **error)
{
    return need_monitor(proc, error) && qmp_system_powerdown(proc->mon, error);
}

bool
qemu_process_reset(QemuProcess *proc, GError **error)
{
    return need_monitor(proc, error) && qmp_system_reset(proc->mon, error);
}

bool
qemu_process_dump(QemuProcess *proc, const char *path, GError **error)
{
    int fd;

    /* the file exists before qemu opens it: only root may read the dump */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        error_set_errno(error, Q, errno, "cannot create the memory dump '%s'", path);
        return false;
    }
    close(fd);
    if (!need_monitor(proc, error) ||
        !qmp_dump_guest_memory(proc->mon, path, QEMU_DUMP_TIMEOUT_MS, error)) {
        unlink(path);
        return false;
    }
    return true;
}

bool
qemu_process_pause(QemuProcess *proc, GError **error)
{
    return need_monitor(proc, error) && qmp_stop(proc->mon, error);
}

bool
qemu_process_resume(QemuProcess *proc, GError **error)
{
    return need_monitor(proc, error) && qmp_cont(proc->mon, error);
}

unsigned long long
qemu_process_cpu_time(const QemuProcess *proc)
{
    ProcStat st;

    if (proc->status->pid <= 0 || !proc_stat_read(proc->status->pid, &st))
        return 0;
    return (st.utime + st.stime) * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}
