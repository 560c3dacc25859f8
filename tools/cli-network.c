/*
 * cli-network.c: network commands (virsh's "Networking" group, the subset
 * virtnode implements)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/cli.h"

#define NETWORK_OPT(help)                                                                          \
    {                                                                                              \
        "network", CLI_OPT_DATA, help                                                              \
    }
#define NETWORK_OPT_ANY NETWORK_OPT("network name or uuid")

static int
network_sorter(gconstpointer a, gconstpointer b)
{
    return g_ascii_strcasecmp(virNetworkGetName(*(virNetworkPtr *)a),
                              virNetworkGetName(*(virNetworkPtr *)b));
}

static bool
cmd_net_list(CliCtl *ctl, const CliCmd *cmd)
{
    static const struct {
        const char *opt;
        unsigned int flag;
    } filters[] = {
        { "persistent", VIR_CONNECT_LIST_NETWORKS_PERSISTENT },
        { "transient", VIR_CONNECT_LIST_NETWORKS_TRANSIENT },
        { "autostart", VIR_CONNECT_LIST_NETWORKS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART },
    };
    bool opt_uuid = cli_opt_bool(cmd, "uuid");
    bool opt_name = cli_opt_bool(cmd, "name");
    bool opt_table = cli_opt_bool(cmd, "table");
    unsigned int flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE;
    virNetworkPtr *nets = NULL;
    int n;

    if (opt_uuid + opt_name + opt_table > 1) {
        cli_error("Only one argument from --table, --name and --uuid may be specified.");
        return false;
    }
    if (cli_opt_bool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    if (cli_opt_bool(cmd, "all"))
        flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    for (size_t i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_opt_bool(cmd, filters[i].opt))
            flags |= filters[i].flag;
    }

    if ((n = virConnectListAllNetworks(ctl->conn, &nets, flags)) < 0) {
        cli_error("Failed to list networks");
        return false;
    }
    qsort(nets, (size_t)n, sizeof(*nets), (int (*)(const void *, const void *))network_sorter);

    if (opt_name || opt_uuid) {
        for (int i = 0; i < n; i++) {
            char uuid[VIR_UUID_STRING_BUFLEN] = "";

            if (opt_name) {
                cli_print(ctl, "%s\n", virNetworkGetName(nets[i]));
            } else if (virNetworkGetUUIDString(nets[i], uuid) == 0) {
                cli_print(ctl, "%s\n", uuid);
            }
        }
    } else {
        g_autoptr(CliTable) table = cli_table_new("Name", "State", "Autostart", "Persistent", NULL);

        for (int i = 0; i < n; i++) {
            int autostart, persistent = virNetworkIsPersistent(nets[i]);
            const char *autostart_str;

            if (virNetworkGetAutostart(nets[i], &autostart) < 0)
                autostart_str = "no autostart";
            else
                autostart_str = autostart ? "yes" : "no";
            cli_table_add(table, virNetworkGetName(nets[i]),
                          virNetworkIsActive(nets[i]) > 0 ? "active" : "inactive", autostart_str,
                          persistent < 0 ? "unknown"
                          : persistent   ? "yes"
                                         : "no",
                          NULL);
        }
        virResetLastError();
        cli_table_print(ctl, table);
    }

    for (int i = 0; i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
    return true;
}

static bool
cmd_net_info(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *bridge = NULL;
    int active, persistent, autostart;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, NULL)))
        return false;
    cli_print(ctl, "%-15s %s\n", "Name:", virNetworkGetName(net));
    if (virNetworkGetUUIDString(net, uuid) == 0)
        cli_print(ctl, "%-15s %s\n", "UUID:", uuid);
    if ((active = virNetworkIsActive(net)) >= 0)
        cli_print(ctl, "%-15s %s\n", "Active:", active ? "yes" : "no");
    persistent = virNetworkIsPersistent(net);
    cli_print(ctl, "%-15s %s\n", "Persistent:",
              persistent < 0 ? "unknown"
              : persistent   ? "yes"
                             : "no");
    if (virNetworkGetAutostart(net, &autostart) < 0)
        cli_print(ctl, "%-15s %s\n", "Autostart:", "no autostart");
    else
        cli_print(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    if ((bridge = virNetworkGetBridgeName(net)))
        cli_print(ctl, "%-15s %s\n", "Bridge:", bridge);
    virResetLastError();
    return true;
}

static bool
cmd_net_define(CliCtl *ctl, const CliCmd *cmd)
{
    const char *file = cli_opt_string(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(virNetwork) net = NULL;

    if (!(xml = cli_read_file(file)))
        return false;
    if (cli_opt_bool(cmd, "validate"))
        net = virNetworkDefineXMLFlags(ctl->conn, xml, VIR_NETWORK_DEFINE_VALIDATE);
    else
        net = virNetworkDefineXML(ctl->conn, xml);
    if (!net) {
        cli_error("Failed to define network from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Network %s defined from %s\n", virNetworkGetName(net), file);
    return true;
}

static bool
cmd_net_create(CliCtl *ctl, const CliCmd *cmd)
{
    const char *file = cli_opt_string(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(virNetwork) net = NULL;

    if (!(xml = cli_read_file(file)))
        return false;
    if (cli_opt_bool(cmd, "validate"))
        net = virNetworkCreateXMLFlags(ctl->conn, xml, VIR_NETWORK_CREATE_VALIDATE);
    else
        net = virNetworkCreateXML(ctl->conn, xml);
    if (!net) {
        cli_error("Failed to create network from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Network %s created from %s\n", virNetworkGetName(net), file);
    return true;
}

static bool
cmd_net_undefine(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    const char *name;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, &name)))
        return false;
    if (virNetworkUndefine(net) < 0) {
        cli_error("Failed to undefine network %s", name);
        return false;
    }
    cli_print_extra(ctl, "Network %s has been undefined\n", name);
    return true;
}

static bool
cmd_net_start(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    const char *name;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, &name)))
        return false;
    if (virNetworkCreate(net) < 0) {
        cli_error("Failed to start network %s", name);
        return false;
    }
    cli_print_extra(ctl, "Network %s started\n", name);
    return true;
}

static bool
cmd_net_destroy(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    const char *name;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, &name)))
        return false;
    if (virNetworkDestroy(net) < 0) {
        cli_error("Failed to destroy network %s", name);
        return false;
    }
    cli_print_extra(ctl, "Network %s destroyed\n", name);
    return true;
}

static bool
cmd_net_dumpxml(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags = cli_opt_bool(cmd, "inactive") ? VIR_NETWORK_XML_INACTIVE : 0;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, NULL)))
        return false;
    if (!(xml = virNetworkGetXMLDesc(net, flags)))
        return false;
    cli_print(ctl, "%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    return true;
}

static bool
cmd_net_autostart(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    const char *name;
    bool disable = cli_opt_bool(cmd, "disable");

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, &name)))
        return false;
    if (virNetworkSetAutostart(net, !disable) < 0) {
        cli_error(disable ? "failed to unmark network %s as autostarted"
                          : "failed to mark network %s as autostarted",
                  name);
        return false;
    }
    cli_print_extra(ctl,
                    disable ? "Network %s unmarked as autostarted\n"
                            : "Network %s marked as autostarted\n",
                    name);
    return true;
}

static bool
cmd_net_uuid(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_NAME, NULL)))
        return false;
    if (virNetworkGetUUIDString(net, uuid) < 0) {
        cli_error("failed to get network UUID");
        return false;
    }
    cli_print(ctl, "%s\n", uuid);
    return true;
}

static bool
cmd_net_name(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID, NULL)))
        return false;
    cli_print(ctl, "%s\n", virNetworkGetName(net));
    return true;
}

static int
lease_sorter(gconstpointer a, gconstpointer b)
{
    virNetworkDHCPLeasePtr la = *(virNetworkDHCPLeasePtr *)a;
    virNetworkDHCPLeasePtr lb = *(virNetworkDHCPLeasePtr *)b;

    return g_strcmp0(la->mac, lb->mac);
}

static bool
cmd_net_dhcp_leases(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    g_autoptr(CliTable) table = NULL;
    virNetworkDHCPLeasePtr *leases = NULL;
    const char *name;
    int n;

    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, &name)))
        return false;
    if ((n = virNetworkGetDHCPLeases(net, cli_opt_string(cmd, "mac"), &leases, 0)) < 0) {
        cli_error("Failed to get leases info for %s", name);
        return false;
    }
    qsort(leases, (size_t)n, sizeof(*leases), (int (*)(const void *, const void *))lease_sorter);

    table = cli_table_new("Expiry Time", "MAC address", "Protocol", "IP address", "Hostname",
                          "Client ID or DUID", NULL);
    for (int i = 0; i < n; i++) {
        virNetworkDHCPLeasePtr l = leases[i];
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(l->expirytime);
        g_autofree char *expiry = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : NULL;
        g_autofree char *addr = g_strdup_printf("%s/%u", l->ipaddr ? l->ipaddr : "", l->prefix);

        cli_table_add(table, expiry ? expiry : "-", l->mac ? l->mac : "-",
                      l->type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4", addr,
                      l->hostname ? l->hostname : "-", l->clientid ? l->clientid : "-", NULL);
    }
    cli_table_print(ctl, table);

    for (int i = 0; i < n; i++)
        virNetworkDHCPLeaseFree(leases[i]);
    free(leases);
    return true;
}

/* net-update: virsh's command and section names, in the API's numbering */
static const char *const net_update_commands[] = { [VIR_NETWORK_UPDATE_COMMAND_MODIFY] = "modify",
                                                   [VIR_NETWORK_UPDATE_COMMAND_DELETE] = "delete",
                                                   [VIR_NETWORK_UPDATE_COMMAND_ADD_LAST] =
                                                       "add-last",
                                                   [VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST] =
                                                       "add-first" };
static const char *const net_update_sections[] = {
    [VIR_NETWORK_SECTION_BRIDGE] = "bridge",
    [VIR_NETWORK_SECTION_DOMAIN] = "domain",
    [VIR_NETWORK_SECTION_IP] = "ip",
    [VIR_NETWORK_SECTION_IP_DHCP_HOST] = "ip-dhcp-host",
    [VIR_NETWORK_SECTION_IP_DHCP_RANGE] = "ip-dhcp-range",
    [VIR_NETWORK_SECTION_FORWARD] = "forward",
    [VIR_NETWORK_SECTION_FORWARD_INTERFACE] = "forward-interface",
    [VIR_NETWORK_SECTION_FORWARD_PF] = "forward-pf",
    [VIR_NETWORK_SECTION_PORTGROUP] = "portgroup",
    [VIR_NETWORK_SECTION_DNS_HOST] = "dns-host",
    [VIR_NETWORK_SECTION_DNS_TXT] = "dns-txt",
    [VIR_NETWORK_SECTION_DNS_SRV] = "dns-srv",
};

static int
name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 1; i < n; i++) {
        if (names[i] && g_str_equal(names[i], name))
            return (int)i;
    }
    return -1;
}

static bool
cmd_net_update(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virNetwork) net = NULL;
    g_autofree char *xml_text = NULL;
    const char *command_name = cli_opt_string(cmd, "command");
    const char *section_name = cli_opt_string(cmd, "section");
    const char *xml = cli_opt_string(cmd, "xml");
    const char *parent = cli_opt_string(cmd, "parent-index");
    bool live = cli_opt_bool(cmd, "live"), config = cli_opt_bool(cmd, "config");
    unsigned int flags = 0;
    int command, section, parent_index;
    gint64 parsed = -1;
    const char *affected;

    if (cli_opt_bool(cmd, "current") && (live || config)) {
        cli_error("Options --current and --%s are mutually exclusive", live ? "live" : "config");
        return false;
    }
    if (!(net = cli_lookup_network(ctl, cmd, "network", CLI_BY_UUID | CLI_BY_NAME, NULL)))
        return false;
    command =
        g_str_equal(command_name, "add")
            ? VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
            : name_index(net_update_commands, G_N_ELEMENTS(net_update_commands), command_name);
    if (command < 0) {
        cli_error("unrecognized command name '%s'", command_name);
        return false;
    }
    if ((section = name_index(net_update_sections, G_N_ELEMENTS(net_update_sections),
                              section_name)) < 0) {
        cli_error("unrecognized section name '%s'", section_name);
        return false;
    }
    if (parent && !g_ascii_string_to_signed(parent, 10, -1, G_MAXINT, &parsed, NULL)) {
        cli_error("Numeric value '%s' for <parent-index> option is malformed or out of range",
                  parent);
        return false;
    }
    parent_index = (int)parsed;
    /* the XML itself, or a file holding it */
    if (xml[0] != '<') {
        if (!(xml_text = cli_read_file(xml)))
            return false;
        xml = xml_text;
    }
    if (live)
        flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;
    if (config)
        flags |= VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    if (virNetworkUpdate(net, (unsigned)command, (unsigned)section, parent_index, xml, flags) < 0) {
        cli_error("Failed to update network %s", virNetworkGetName(net));
        return false;
    }
    if (config)
        affected = live ? "persistent config and live state" : "persistent config";
    else if (live || virNetworkIsActive(net) == 1)
        affected = "live state";
    else
        affected = "persistent config";
    cli_print_extra(ctl, "Updated network %s %s\n", virNetworkGetName(net), affected);
    return true;
}

/* ---- tables ------------------------------------------------------------ */

static const CliOptDef opts_network_any[] = { NETWORK_OPT_ANY, { NULL } };

static const CliOptDef opts_net_list[] = {
    { "inactive", CLI_OPT_BOOL, "list inactive networks" },
    { "all", CLI_OPT_BOOL, "list inactive & active networks" },
    { "persistent", CLI_OPT_BOOL, "list persistent networks" },
    { "transient", CLI_OPT_BOOL, "list transient networks" },
    { "autostart", CLI_OPT_BOOL, "list networks with autostart enabled" },
    { "no-autostart", CLI_OPT_BOOL, "list networks with autostart disabled" },
    { "uuid", CLI_OPT_BOOL, "list uuid's only" },
    { "name", CLI_OPT_BOOL, "list network names only" },
    { "table", CLI_OPT_BOOL, "list table (default)" },
    { NULL },
};

static const CliOptDef opts_net_file[] = {
    { "file", CLI_OPT_DATA, "file containing an XML network description" },
    { "validate", CLI_OPT_BOOL, "validate the XML against the schema" },
    { NULL },
};

static const CliOptDef opts_net_dumpxml[] = {
    NETWORK_OPT_ANY,
    { "inactive", CLI_OPT_BOOL, "show inactive defined XML" },
    { NULL },
};

static const CliOptDef opts_net_autostart[] = {
    NETWORK_OPT_ANY,
    { "disable", CLI_OPT_BOOL, "disable autostarting" },
    { NULL },
};

static const CliOptDef opts_net_uuid[] = { NETWORK_OPT("network name"), { NULL } };
static const CliOptDef opts_net_name[] = { NETWORK_OPT("network uuid"), { NULL } };

static const CliOptDef opts_net_dhcp_leases[] = {
    NETWORK_OPT_ANY,
    { "mac", CLI_OPT_STRING, "MAC address" },
    { NULL },
};

static const CliOptDef opts_net_update[] = {
    NETWORK_OPT_ANY,
    { "command", CLI_OPT_DATA, "type of update (add-first, add-last (add), delete, or modify)" },
    { "section", CLI_OPT_DATA, "which section of network configuration to update" },
    { "xml", CLI_OPT_DATA,
      "name of file containing xml (or, if it starts with '<', the complete text of the xml "
      "element) to add/modify in, or to be deleted from the network configuration" },
    { "parent-index", CLI_OPT_STRING, "which parent object to search through" },
    { "config", CLI_OPT_BOOL, "affect next network startup" },
    { "live", CLI_OPT_BOOL, "affect running network" },
    { "current", CLI_OPT_BOOL, "affect current state of network" },
    { NULL },
};

const CliCmdDef cli_network_cmds[] = {
    { "net-autostart", cmd_net_autostart, opts_net_autostart, "autostart a network",
      "Configure a network to be automatically started at boot.", 0 },
    { "net-create", cmd_net_create, opts_net_file, "create a network from an XML file",
      "Create a network.", 0 },
    { "net-define", cmd_net_define, opts_net_file,
      "define an inactive persistent virtual network or modify an existing persistent one from "
      "an XML file",
      "Define or modify a persistent virtual network.", 0 },
    { "net-destroy", cmd_net_destroy, opts_network_any, "destroy (stop) a network",
      "Forcefully stop a given network.", 0 },
    { "net-dhcp-leases", cmd_net_dhcp_leases, opts_net_dhcp_leases,
      "print lease info for a given network", "Print lease info for a given network", 0 },
    { "net-dumpxml", cmd_net_dumpxml, opts_net_dumpxml, "network information in XML",
      "Output the network information as an XML dump to stdout.", 0 },
    { "net-info", cmd_net_info, opts_network_any, "network information",
      "Returns basic information about the network", 0 },
    { "net-list", cmd_net_list, opts_net_list, "list networks", "Returns list of networks.", 0 },
    { "net-name", cmd_net_name, opts_net_name, "convert a network UUID to network name", NULL, 0 },
    { "net-start", cmd_net_start, opts_network_any, "start a (previously defined) inactive network",
      "Start a network.", 0 },
    { "net-undefine", cmd_net_undefine, opts_network_any, "undefine a persistent network",
      "Undefine the configuration for a persistent network.", 0 },
    { "net-update", cmd_net_update, opts_net_update,
      "update parts of an existing network's configuration",
      "Update part of an existing network's configuration.", 0 },
    { "net-uuid", cmd_net_uuid, opts_net_uuid, "convert a network name to network UUID", NULL, 0 },
    { NULL },
};
