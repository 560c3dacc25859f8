/*
 * cli-host.c: host and hypervisor commands (virsh's "Host and Hypervisor"
 * group, the subset virtnode implements)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>

#include "tools/cli.h"

static bool
cmd_uri(CliCtl *ctl, const CliCmd *cmd)
{
    g_autofree char *uri = virConnectGetURI(ctl->conn);

    if (!uri) {
        cli_error("failed to get URI");
        return false;
    }
    cli_print(ctl, "%s\n", uri);
    return true;
}

static bool
cmd_hostname(CliCtl *ctl, const CliCmd *cmd)
{
    g_autofree char *hostname = virConnectGetHostname(ctl->conn);

    if (!hostname) {
        cli_error("failed to get hostname");
        return false;
    }
    cli_print(ctl, "%s\n", hostname);
    return true;
}

static bool
cmd_capabilities(CliCtl *ctl, const CliCmd *cmd)
{
    g_autofree char *caps = virConnectGetCapabilities(ctl->conn);

    if (!caps) {
        cli_error("failed to get capabilities");
        return false;
    }
    cli_print(ctl, "%s\n", caps);
    return true;
}

static bool
cmd_nodeinfo(CliCtl *ctl, const CliCmd *cmd)
{
    virNodeInfo info;

    if (virNodeGetInfo(ctl->conn, &info) < 0) {
        cli_error("failed to get node information");
        return false;
    }
    cli_print(ctl, "%-20s %s\n", "CPU model:", info.model);
    cli_print(ctl, "%-20s %u\n", "CPU(s):", info.cpus);
    cli_print(ctl, "%-20s %u MHz\n", "CPU frequency:", info.mhz);
    cli_print(ctl, "%-20s %u\n", "CPU socket(s):", info.sockets);
    cli_print(ctl, "%-20s %u\n", "Core(s) per socket:", info.cores);
    cli_print(ctl, "%-20s %u\n", "Thread(s) per core:", info.threads);
    cli_print(ctl, "%-20s %u\n", "NUMA cell(s):", info.nodes);
    cli_print(ctl, "%-20s %lu KiB\n", "Memory size:", info.memory);
    return true;
}

static void
print_version(CliCtl *ctl, const char *label, const char *prefix, unsigned long v)
{
    cli_print(ctl, "%s%s%s%lu.%lu.%lu\n", label, prefix ? prefix : "", prefix ? " " : "",
              v / 1000000, (v / 1000) % 1000, v % 1000);
}

static bool
cmd_version(CliCtl *ctl, const CliCmd *cmd)
{
    const char *hvtype;
    unsigned long lib_version, api_version, hv_version, daemon_version;

    if (!(hvtype = virConnectGetType(ctl->conn))) {
        cli_error("failed to get hypervisor type");
        return false;
    }
    print_version(ctl, "Compiled against library: ", "libvirt", LIBVIR_VERSION_NUMBER);
    if (virGetVersion(&lib_version, NULL, NULL) < 0) {
        cli_error("failed to get the library version");
        return false;
    }
    print_version(ctl, "Using library: ", "libvirt", lib_version);
    if (virGetVersion(&lib_version, hvtype, &api_version) < 0) {
        cli_error("failed to get the library version");
        return false;
    }
    print_version(ctl, "Using API: ", hvtype, api_version);
    if (virConnectGetVersion(ctl->conn, &hv_version) < 0) {
        cli_error("failed to get the hypervisor version");
        return false;
    }
    if (hv_version == 0)
        cli_print(ctl, "Cannot extract running %s hypervisor version\n", hvtype);
    else
        print_version(ctl, "Running hypervisor: ", hvtype, hv_version);

    if (cli_opt_bool(cmd, "daemon")) {
        if (virConnectGetLibVersion(ctl->conn, &daemon_version) < 0) {
            cli_error("failed to get the daemon version");
            return false;
        }
        print_version(ctl, "Running against daemon: ", NULL, daemon_version);
    }
    return true;
}

static const CliOptDef opts_none[] = { { NULL } };

static const CliOptDef opts_version[] = {
    { "daemon", CLI_OPT_BOOL, "report daemon version too" },
    { NULL },
};

const CliCmdDef cli_host_cmds[] = {
    { "capabilities", cmd_capabilities, opts_none, "capabilities",
      "Returns capabilities of hypervisor/driver.", 0 },
    { "hostname", cmd_hostname, opts_none, "print the hypervisor hostname", NULL, 0 },
    { "nodeinfo", cmd_nodeinfo, opts_none, "node information",
      "Returns basic information about the node.", 0 },
    { "uri", cmd_uri, opts_none, "print the hypervisor canonical URI", NULL, 0 },
    { "version", cmd_version, opts_version, "show version",
      "Display the system version information.", 0 },
    { NULL },
};
