/*
 * netrun.h: running virtual networks on the host
 *
 * netrun_start() turns a network definition into a running network in the
 * agent's network namespace, in this order: checks against the host (no
 * host change yet), bridge (libnl, NLM_F_EXCL, MAC, MTU, STP and delay),
 * per-bridge IPv6 sysctls, addresses, link up, static routes, forwarding
 * sysctls, firewall (one commit per table), dnsmasq, status file. Each step
 * that changed the host is undone, in reverse, when a later one fails, so a
 * failed start leaves the host as it found it. netrun_stop() removes
 * exactly what the start added, as recorded in the status file.
 *
 * The status file (RUN/network/NAME.json) is what survives an agent
 * restart: netrun_adopt() reads it back and checks the bridge and dnsmasq
 * are still the ones the start made, changing nothing when they are (no
 * rule reapplied, same dnsmasq pid).
 *
 * Forwarding sysctls are namespace-wide: the first network that needs
 * one and finds it off saves the old value (RUN/network/NAME.saved, one
 * per sysctl), the last one to stop restores it.
 *
 * Not thread-safe by itself: the network driver serialises starts and
 * stops (it knows which networks are active; netrun_stop() asks it).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/netdef.h"
#include "net/dnsmasq.h"
#include "net/fw.h"

/* Creates the firewall backend named @name ("iptables", "nftables", or a
 * test's own); unknown or unavailable: VIR_ERR_CONFIG_UNSUPPORTED. */
typedef FwBackend *(*NetRunFwFactory)(const char *name, gpointer data, GError **error);

typedef struct NetRunConfig {
    char *state_dir;  /* STATE/network: dnsmasq config, hosts files, lease stores */
    char *run_dir;    /* RUN/network: status files, dnsmasq pid files and output */
    char *fw_backend; /* the backend new starts use ("iptables") */
    NetRunFwFactory fw_new;
    gpointer fw_data;
    char *dnsmasq_binary; /* NULL: looked up in PATH */
    /* Foreign firewall settings that would drop a network's traffic
     * (net/fw-conflict.h): checked before the rules go in (unless
     * !fw_check_conflicts, for test backends); logged, or with
     * fw_conflict_fail the start fails naming them. */
    bool fw_check_conflicts;
    bool fw_conflict_fail;
} NetRunConfig;

/* A config for @state_dir and @run_dir with backend @fw_backend created by
 * netrun_fw_new_default() (iptables; nftables when built with it). */
NetRunConfig *netrun_config_new(const char *state_dir, const char *run_dir, const char *fw_backend);
void netrun_config_free(NetRunConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetRunConfig, netrun_config_free)

/* The production factory: "iptables" is libiptc (legacy tables),
 * "nftables" libnftables (an owned table per family). */
FwBackend *netrun_fw_new_default(const char *name, gpointer data, GError **error);

/* What a running network is made of (also its status file). */
typedef struct NetRun {
    NetDef *def;         /* the definition it runs with (the live XML) */
    char *bridge;        /* the bridge guests attach to; NULL for direct modes */
    bool bridge_created; /* ours: deleted at stop */
    int bridge_ifindex;  /* of the bridge we created (tells a re-created one apart) */
    char *fw_backend;    /* the backend holding its rules; NULL: no rules */
    bool forward_ipv4;   /* needs net.ipv4.ip_forward */
    bool forward_ipv6;   /* needs net.ipv6.conf.all.forwarding */
    DnsmasqProc dnsmasq; /* pid 0: none */
} NetRun;

void netrun_free(NetRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetRun, netrun_free)

/* Where network @name keeps its files (caller frees the strings with
 * netrun_paths_clear()). */
typedef struct NetRunPaths {
    char *status;    /* RUN/network/NAME.json */
    char *pid;       /* RUN/network/NAME.pid */
    char *log;       /* RUN/network/NAME.log: dnsmasq's own output */
    char *conf;      /* STATE/network/NAME.conf */
    char *hosts;     /* STATE/network/NAME.hostsfile */
    char *addnhosts; /* STATE/network/NAME.addnhosts */
    char *leasedb;   /* STATE/network/NAME.leases: dnsmasq's lease database */
    char *leases;    /* STATE/network/NAME.status: our lease store (net/leases.h) */
} NetRunPaths;

void netrun_paths_init(const NetRunConfig *cfg, const char *name, NetRunPaths *paths);
void netrun_paths_clear(NetRunPaths *paths);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(NetRunPaths, netrun_paths_clear)

/* Starts @def. @active lists the other running networks (const NetRun *;
 * may be NULL): their bridges and subnets count as taken. Errors name the
 * network and the problem: VIR_ERR_OPERATION_FAILED for a conflict with
 * the host (bridge name taken, subnet overlapping an address or route or
 * another network, forward device missing), or a failed dnsmasq; the
 * kernel's or firewall's errors otherwise. Nothing is left behind on
 * failure. */
NetRun *netrun_start(const NetRunConfig *cfg, const NetDef *def, const GPtrArray *active,
                     GError **error);

/* Stops @run and removes what its start added (dnsmasq and its files,
 * rules, bridge with its addresses and routes, status file); a forwarding
 * sysctl goes back to its saved value when no network of @active (the
 * others still running) needs it. Goes on past errors; *error holds the
 * first.
 *
 * On return the network is stopped: its rules, dnsmasq and dnsmasq's
 * files are gone, the bridge is down without addresses and renamed
 * "vnrmIFINDEX" (its name and subnets are free). Its deletion, which waits
 * 30-50 ms for the kernel to unregister it, finishes in a thread of its
 * own; the status file says "stopping" until then, and netrun_adopt()
 * finishes such a stop. */
bool netrun_stop(const NetRunConfig *cfg, NetRun *run, const GPtrArray *active, GError **error);

/* Waits until the background part of every netrun_stop() of this process
 * is done (netrun_start() does so itself; call it before exiting). */
void netrun_wait_pending(void);

/* The names of the networks with a status file (sorted). */
GPtrArray *netrun_list_status(const NetRunConfig *cfg);

/* Reads network @name's status file back. When its bridge is the one the
 * start created and its dnsmasq runs, nothing is changed. A dnsmasq that
 * died is started again (logged). When the bridge is gone (or another
 * one has its name) the network cannot be adopted: what is left of it is
 * removed (rules, dnsmasq, files) and NULL is returned with
 * VIR_ERR_OPERATION_FAILED saying why. */
NetRun *netrun_adopt(const NetRunConfig *cfg, const char *name, GError **error);

/* When @run's dnsmasq is gone (it crashed, someone killed it), reaps it
 * and starts a new one (logged); nothing when it runs or @run has none.
 * On failure @run records no dnsmasq any more. */
bool netrun_revive_dnsmasq(const NetRunConfig *cfg, NetRun *run, GError **error);

/* Reaps @run's exited dnsmasq and records that it has none any more. */
void netrun_forget_dnsmasq(const NetRunConfig *cfg, NetRun *run);

/* Makes running @run use @newdef (same network, other DHCP hosts or
 * ranges, DNS entries...; bridge, addresses and forward mode unchanged):
 * dnsmasq re-reads its hosts files (SIGHUP), or with @restart_dnsmasq
 * (options of its config file changed) is replaced by a new one, as it is
 * when @newdef starts or stops needing one. @run then runs with a copy of
 * @newdef (status file rewritten). On failure @run is unchanged (a
 * replaced dnsmasq is started again with the old definition). */
bool netrun_update(const NetRunConfig *cfg, NetRun *run, const NetDef *newdef, bool restart_dnsmasq,
                   GError **error);

/* The address (text) a guest's VNC/SPICE server of a domain on @run should
 * listen on: the network's first address of @family (AF_INET or AF_INET6),
 * or for bridge and direct modes the first address of that family on the
 * host bridge or forward device, read through netlink. No such address:
 * VIR_ERR_OPERATION_FAILED naming the network and the family. */
char *netrun_listen_address(const NetRun *run, int family, GError **error);
