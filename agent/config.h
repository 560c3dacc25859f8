/*
 * config.h: the agent's configuration file (agent.conf)
 *
 * libvirt-style "key = value" lines, as in libvirtd.conf: integers, strings
 * in double or single quotes, "#" comments. Unknown keys, bad values and
 * repeated keys are errors naming FILE:LINE; the agent then refuses to start
 * (or, on SIGHUP, keeps its previous configuration). The reference is
 * docs/agent.conf.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/log.h"

typedef enum {
    AGENT_FIREWALL_IPTABLES,
    AGENT_FIREWALL_NFTABLES,
    AGENT_FIREWALL_LAST
} AgentFirewallBackend;

/* "iptables", "nftables"; NULL out of range. */
const char *agent_firewall_backend_to_string(AgentFirewallBackend backend);
/* -1 for unknown names. */
int agent_firewall_backend_from_string(const char *name);

typedef struct AgentConfig {
    int max_clients;         /* connections beyond this are closed at once */
    int max_client_requests; /* calls in flight per client before reading pauses */
    int min_workers;         /* idle worker threads kept */
    int max_workers;         /* worker threads running calls */
    int keepalive_interval;  /* seconds of silence before a ping; -1 disables */
    int keepalive_count;     /* unanswered pings before the client is dropped */
    LogLevel log_level;
    char *log_outputs;     /* NULL: stderr, or the log file with --daemon */
    char *unix_sock_group; /* NULL: the agent's own group */
    unsigned unix_sock_ro_perms;
    unsigned unix_sock_rw_perms;
    AgentFirewallBackend firewall_backend;
    bool firewall_conflict_fail; /* a foreign firewall that would drop a network's
                                    traffic fails its start (else: a warning) */
    int remote_display_port_min; /* VNC/SPICE autoport range, as libvirt's qemu.conf */
    int remote_display_port_max;
} AgentConfig;

/* The configuration used when no file exists. */
AgentConfig *agent_config_new(void);
void agent_config_free(AgentConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AgentConfig, agent_config_free)

/* Parses @text (@len bytes, or -1 for a NUL-terminated string); @filename
 * only names the source in error messages ("FILE:LINE: ..."). Keys not
 * given keep their defaults. */
AgentConfig *agent_config_parse(const char *text, gssize len, const char *filename, GError **error);

/* Reads @path; a missing file gives the defaults unless @must_exist. */
AgentConfig *agent_config_load(const char *path, bool must_exist, GError **error);
