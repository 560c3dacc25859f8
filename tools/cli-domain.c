/*
 * cli-domain.c: domain commands (virsh's "Domain Management" and "Domain
 * Monitoring" groups, the subset virtnode implements)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "tools/cli.h"

#define DOMAIN_OPT(help)                                                                           \
    {                                                                                              \
        "domain", CLI_OPT_DATA, help                                                               \
    }
#define DOMAIN_OPT_ANY DOMAIN_OPT("domain name, id or uuid")

static const char *
state_to_string(int state)
{
    switch ((virDomainState)state) {
    case VIR_DOMAIN_RUNNING:
        return "running";
    case VIR_DOMAIN_BLOCKED:
        return "idle";
    case VIR_DOMAIN_PAUSED:
        return "paused";
    case VIR_DOMAIN_SHUTDOWN:
        return "in shutdown";
    case VIR_DOMAIN_SHUTOFF:
        return "shut off";
    case VIR_DOMAIN_CRASHED:
        return "crashed";
    case VIR_DOMAIN_PMSUSPENDED:
        return "pmsuspended";
    case VIR_DOMAIN_NOSTATE:
        break;
    }
    return "no state";
}

static const char *
reason_to_string(int state, int reason)
{
    static const char *const running[] = {
        "unknown",       "booted",   "migrated",           "restored",
        "from snapshot", "unpaused", "migration canceled", "save canceled",
        "event wakeup",  "crashed",  "post-copy",          "post-copy failed",
    };
    static const char *const paused[] = {
        "unknown",   "user",        "migrating",     "saving",           "dumping",
        "I/O error", "watchdog",    "from snapshot", "shutting down",    "creating snapshot",
        "crashed",   "starting up", "post-copy",     "post-copy failed",
    };
    static const char *const shutdown[] = { "unknown", "user" };
    static const char *const shutoff[] = {
        "unknown", "shutdown", "destroyed",     "crashed", "migrated",
        "saved",   "failed",   "from snapshot", "daemon",
    };
    static const char *const crashed[] = { "unknown", "panicked" };
    const char *const *names = NULL;
    size_t n = 0;

#define USE(a)                                                                                     \
    do {                                                                                           \
        names = a;                                                                                 \
        n = G_N_ELEMENTS(a);                                                                       \
    } while (0)
    switch ((virDomainState)state) {
    case VIR_DOMAIN_RUNNING:
        USE(running);
        break;
    case VIR_DOMAIN_PAUSED:
        USE(paused);
        break;
    case VIR_DOMAIN_SHUTDOWN:
        USE(shutdown);
        break;
    case VIR_DOMAIN_SHUTOFF:
        USE(shutoff);
        break;
    case VIR_DOMAIN_CRASHED:
        USE(crashed);
        break;
    case VIR_DOMAIN_NOSTATE:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_PMSUSPENDED:
        break;
    }
#undef USE
    if (names && reason >= 0 && (size_t)reason < n)
        return names[reason];
    return "unknown";
}

/* ---- list -------------------------------------------------------------- */

static int
domain_sorter(gconstpointer a, gconstpointer b)
{
    virDomainPtr da = *(virDomainPtr *)a, db = *(virDomainPtr *)b;
    unsigned int ia = virDomainGetID(da), ib = virDomainGetID(db);

    /* running domains first by ID, then the others by name */
    if (ia != (unsigned int)-1 && ib != (unsigned int)-1)
        return ia < ib ? -1 : ia > ib;
    if (ia != (unsigned int)-1)
        return -1;
    if (ib != (unsigned int)-1)
        return 1;
    return g_ascii_strcasecmp(virDomainGetName(da), virDomainGetName(db));
}

static bool
exclusive(const CliCmd *cmd, const char *a, const char *b)
{
    if (cli_opt_bool(cmd, a) && cli_opt_bool(cmd, b)) {
        cli_error("Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

static bool
cmd_list(CliCtl *ctl, const CliCmd *cmd)
{
    static const struct {
        const char *opt;
        unsigned int flag;
    } filters[] = {
        { "persistent", VIR_CONNECT_LIST_DOMAINS_PERSISTENT },
        { "transient", VIR_CONNECT_LIST_DOMAINS_TRANSIENT },
        { "autostart", VIR_CONNECT_LIST_DOMAINS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART },
        { "state-running", VIR_CONNECT_LIST_DOMAINS_RUNNING },
        { "state-paused", VIR_CONNECT_LIST_DOMAINS_PAUSED },
        { "state-shutoff", VIR_CONNECT_LIST_DOMAINS_SHUTOFF },
        { "state-other", VIR_CONNECT_LIST_DOMAINS_OTHER },
    };
    bool opt_uuid = cli_opt_bool(cmd, "uuid");
    bool opt_name = cli_opt_bool(cmd, "name");
    bool opt_id = cli_opt_bool(cmd, "id");
    unsigned int flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    virDomainPtr *doms = NULL;
    int n;

    if (!exclusive(cmd, "table", "name") || !exclusive(cmd, "table", "uuid") ||
        !exclusive(cmd, "table", "id"))
        return false;
    if (cli_opt_bool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    if (cli_opt_bool(cmd, "all"))
        flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    for (size_t i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_opt_bool(cmd, filters[i].opt))
            flags |= filters[i].flag;
    }

    if ((n = virConnectListAllDomains(ctl->conn, &doms, flags)) < 0) {
        cli_error("Failed to list domains");
        return false;
    }
    qsort(doms, (size_t)n, sizeof(*doms), (int (*)(const void *, const void *))domain_sorter);

    if (opt_uuid || opt_name || opt_id) {
        for (int i = 0; i < n; i++) {
            unsigned int id = virDomainGetID(doms[i]);
            g_autoptr(GString) line = g_string_new(NULL);

            if (opt_id && !opt_name && !opt_uuid && id == (unsigned int)-1)
                continue; /* IDs alone: only running domains have one */
            if (opt_uuid) {
                char uuid[VIR_UUID_STRING_BUFLEN] = "";

                virDomainGetUUIDString(doms[i], uuid);
                g_string_append(line, uuid);
            }
            if (opt_id) {
                if (line->len)
                    g_string_append_c(line, ' ');
                if (id == (unsigned int)-1)
                    g_string_append_c(line, '-');
                else
                    g_string_append_printf(line, "%u", id);
            }
            if (opt_name) {
                if (line->len)
                    g_string_append_c(line, ' ');
                g_string_append(line, virDomainGetName(doms[i]));
            }
            cli_print(ctl, "%s\n", line->str);
        }
    } else {
        g_autoptr(CliTable) table = cli_table_new("Id", "Name", "State", NULL);

        for (int i = 0; i < n; i++) {
            unsigned int id = virDomainGetID(doms[i]);
            g_autofree char *id_str =
                id == (unsigned int)-1 ? g_strdup("-") : g_strdup_printf("%u", id);
            int state, reason;
            const char *state_str = "-";

            if (virDomainGetState(doms[i], &state, &reason, 0) == 0)
                state_str = state_to_string(state);
            else
                virResetLastError();
            cli_table_add(table, id_str, virDomainGetName(doms[i]), state_str, NULL);
        }
        cli_table_print(ctl, table);
    }

    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return true;
}

/* ---- queries ----------------------------------------------------------- */

static bool
cmd_dominfo(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    virDomainInfo info;
    unsigned int id;
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *ostype = NULL;
    int persistent, autostart, managed;
    virSecurityModel secmodel;
    virSecurityLabel seclabel;
    bool ok = true;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, NULL)))
        return false;

    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        cli_print(ctl, "%-15s %s\n", "Id:", "-");
    else
        cli_print(ctl, "%-15s %u\n", "Id:", id);
    cli_print(ctl, "%-15s %s\n", "Name:", virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        cli_print(ctl, "%-15s %s\n", "UUID:", uuid);
    if ((ostype = virDomainGetOSType(dom)))
        cli_print(ctl, "%-15s %s\n", "OS Type:", ostype);

    if (virDomainGetInfo(dom, &info) == 0) {
        cli_print(ctl, "%-15s %s\n", "State:", state_to_string(info.state));
        cli_print(ctl, "%-15s %d\n", "CPU(s):", info.nrVirtCpu);
        if (info.cpuTime != 0)
            cli_print(ctl, "%-15s %.1lfs\n", "CPU time:", (double)info.cpuTime / 1000000000.0);
        if (info.maxMem != UINT_MAX)
            cli_print(ctl, "%-15s %lu KiB\n", "Max memory:", info.maxMem);
        else
            cli_print(ctl, "%-15s %s\n", "Max memory:", "no limit");
        cli_print(ctl, "%-15s %lu KiB\n", "Used memory:", info.memory);
    } else {
        cli_save_error();
        ok = false;
    }

    persistent = virDomainIsPersistent(dom);
    cli_print(ctl, "%-15s %s\n", "Persistent:",
              persistent < 0 ? "unknown"
              : persistent   ? "yes"
                             : "no");
    if (virDomainGetAutostart(dom, &autostart) == 0)
        cli_print(ctl, "%-15s %s\n", "Autostart:", autostart ? "enable" : "disable");
    managed = virDomainHasManagedSaveImage(dom, 0);
    cli_print(ctl, "%-15s %s\n", "Managed save:", managed < 0 ? "unknown" : managed ? "yes" : "no");
    /* As virsh: the security lines only when the host has a model, the label
     * only when the domain has one; failures here do not fail dominfo. */
    if (virNodeGetSecurityModel(ctl->conn, &secmodel) == 0 && secmodel.model[0]) {
        cli_print(ctl, "%-15s %s\n", "Security model:", secmodel.model);
        cli_print(ctl, "%-15s %s\n", "Security DOI:", secmodel.doi);
        if (virDomainGetSecurityLabel(dom, &seclabel) == 0 && seclabel.label[0])
            cli_print(ctl, "%-15s %s (%s)\n", "Security label:", seclabel.label,
                      seclabel.enforcing ? "enforcing" : "permissive");
    }
    if (ok)
        virResetLastError();
    return ok;
}

static bool
cmd_domstate(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    int state, reason;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, NULL)))
        return false;
    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return false;
    if (cli_opt_bool(cmd, "reason"))
        cli_print(ctl, "%s (%s)\n", state_to_string(state), reason_to_string(state, reason));
    else
        cli_print(ctl, "%s\n", state_to_string(state));
    return true;
}

static bool
cmd_domid(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned int id;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_NAME | CLI_BY_UUID, NULL)))
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        cli_print(ctl, "%s\n", "-");
    else
        cli_print(ctl, "%u\n", id);
    return true;
}

static bool
cmd_domname(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ID | CLI_BY_UUID, NULL)))
        return false;
    cli_print(ctl, "%s\n", virDomainGetName(dom));
    return true;
}

static bool
cmd_domuuid(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ID | CLI_BY_NAME, NULL)))
        return false;
    if (virDomainGetUUIDString(dom, uuid) < 0) {
        cli_error("failed to get domain UUID");
        return false;
    }
    cli_print(ctl, "%s\n", uuid);
    return true;
}

static bool
cmd_dumpxml(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags = 0;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, NULL)))
        return false;
    if (cli_opt_bool(cmd, "inactive"))
        flags |= VIR_DOMAIN_XML_INACTIVE;
    if (cli_opt_bool(cmd, "security-info"))
        flags |= VIR_DOMAIN_XML_SECURE;
    if (cli_opt_bool(cmd, "update-cpu"))
        flags |= VIR_DOMAIN_XML_UPDATE_CPU;
    if (cli_opt_bool(cmd, "migratable"))
        flags |= VIR_DOMAIN_XML_MIGRATABLE;
    if (!(xml = virDomainGetXMLDesc(dom, flags)))
        return false;
    cli_print(ctl, "%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    return true;
}

/* The string value of an XPath expression, NULL if empty. */
static char *
xpath_string(xmlXPathContextPtr xctx, const char *expr)
{
    xmlXPathObjectPtr obj = xmlXPathEval((const xmlChar *)expr, xctx);
    char *ret = NULL;

    if (obj && obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
        ret = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    return ret;
}

static bool
cmd_vncdisplay(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *port = NULL;
    g_autofree char *listen = NULL;
    xmlDocPtr doc;
    xmlXPathContextPtr xctx;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, NULL)))
        return false;
    if (virDomainIsActive(dom) != 1) {
        virResetLastError();
        cli_error("Domain is not running");
        return false;
    }
    if (!(xml = virDomainGetXMLDesc(dom, ctl->readonly ? 0 : VIR_DOMAIN_XML_SECURE)))
        return false;
    if (!(doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING))) {
        cli_error("Failed to parse domain XML");
        return false;
    }
    xctx = xmlXPathNewContext(doc);
    port = xpath_string(xctx, "string(/domain/devices/graphics[@type='vnc']/@port)");
    listen = xpath_string(xctx, "string(/domain/devices/graphics[@type='vnc']/@listen)");
    if (!listen)
        listen = xpath_string(
            xctx, "string(/domain/devices/graphics[@type='vnc']/listen[@address]/@address)");
    xmlXPathFreeContext(xctx);
    xmlFreeDoc(doc);

    if (!port) {
        cli_error("Failed to get VNC port. Is this domain using VNC?");
        return false;
    }
    if (!listen || strcmp(listen, "0.0.0.0") == 0)
        cli_print(ctl, ":%d\n", atoi(port) - 5900);
    else
        cli_print(ctl, "%s:%d\n", listen, atoi(port) - 5900);
    return true;
}

/* ---- definition and lifecycle ------------------------------------------ */

static bool
cmd_define(CliCtl *ctl, const CliCmd *cmd)
{
    const char *file = cli_opt_string(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(virDomain) dom = NULL;

    if (!(xml = cli_read_file(file)))
        return false;
    if (cli_opt_bool(cmd, "validate"))
        dom = virDomainDefineXMLFlags(ctl->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
    else
        dom = virDomainDefineXML(ctl->conn, xml);
    if (!dom) {
        cli_error("Failed to define domain from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' defined from %s\n", virDomainGetName(dom), file);
    return true;
}

static bool
cmd_create(CliCtl *ctl, const CliCmd *cmd)
{
    const char *file = cli_opt_string(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags = 0;

    if (cli_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (cli_opt_bool(cmd, "autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (cli_opt_bool(cmd, "validate"))
        flags |= VIR_DOMAIN_START_VALIDATE;
    if (!(xml = cli_read_file(file)))
        return false;
    if (!(dom = virDomainCreateXML(ctl->conn, xml, flags))) {
        cli_error("Failed to create domain from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' created from %s\n", virDomainGetName(dom), file);
    return true;
}

static bool
cmd_undefine(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainUndefineFlags(dom, 0) < 0) {
        cli_error("Failed to undefine domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' has been undefined\n", name);
    return true;
}

static bool
cmd_start(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags = 0;
    int r;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_NAME | CLI_BY_UUID, NULL)))
        return false;
    if (virDomainGetID(dom) != (unsigned int)-1) {
        cli_error("Domain is already active");
        return false;
    }
    if (cli_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (cli_opt_bool(cmd, "autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (cli_opt_bool(cmd, "bypass-cache"))
        flags |= VIR_DOMAIN_START_BYPASS_CACHE;
    if (cli_opt_bool(cmd, "force-boot"))
        flags |= VIR_DOMAIN_START_FORCE_BOOT;
    r = flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom);
    if (r < 0) {
        cli_save_error(); /* virDomainGetName() resets it */
        cli_error("Failed to start domain '%s'", virDomainGetName(dom));
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' started\n", virDomainGetName(dom));
    return true;
}

static bool
cmd_destroy(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;
    unsigned int flags = 0;
    int r;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (cli_opt_bool(cmd, "graceful"))
        flags |= VIR_DOMAIN_DESTROY_GRACEFUL;
    if (cli_opt_bool(cmd, "remove-logs"))
        flags |= VIR_DOMAIN_DESTROY_REMOVE_LOGS;
    r = flags ? virDomainDestroyFlags(dom, flags) : virDomainDestroy(dom);
    if (r < 0) {
        cli_error("Failed to destroy domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' destroyed\n", name);
    return true;
}

/* --mode for shutdown/reboot: a comma separated list; the shutdown and
 * reboot flag values are the same. */
static bool
parse_mode(const CliCmd *cmd, unsigned int *ret_flags)
{
    const char *mode = cli_opt_string(cmd, "mode");
    g_auto(GStrv) modes = NULL;

    *ret_flags = 0;
    if (!mode)
        return true;
    modes = g_strsplit(mode, ",", -1);
    for (char **m = modes; *m; m++) {
        if (strcmp(*m, "acpi") == 0) {
            *ret_flags |= VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN;
        } else if (strcmp(*m, "agent") == 0) {
            *ret_flags |= VIR_DOMAIN_SHUTDOWN_GUEST_AGENT;
        } else if (strcmp(*m, "initctl") == 0) {
            *ret_flags |= VIR_DOMAIN_SHUTDOWN_INITCTL;
        } else if (strcmp(*m, "signal") == 0) {
            *ret_flags |= VIR_DOMAIN_SHUTDOWN_SIGNAL;
        } else if (strcmp(*m, "paravirt") == 0) {
            *ret_flags |= VIR_DOMAIN_SHUTDOWN_PARAVIRT;
        } else {
            cli_error("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', 'signal', or "
                      "'paravirt'",
                      *m);
            return false;
        }
    }
    return true;
}

static bool
cmd_shutdown(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;
    unsigned int flags;
    int r;

    if (!parse_mode(cmd, &flags))
        return false;
    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    r = flags ? virDomainShutdownFlags(dom, flags) : virDomainShutdown(dom);
    if (r < 0) {
        cli_error("Failed to shutdown domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' is being shutdown\n", name);
    return true;
}

static bool
cmd_reboot(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;
    unsigned int flags;

    if (!parse_mode(cmd, &flags))
        return false;
    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainReboot(dom, flags) < 0) {
        cli_error("Failed to reboot domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' is being rebooted\n", name);
    return true;
}

static bool
cmd_reset(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainReset(dom, 0) < 0) {
        cli_error("Failed to reset domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' was reset\n", name);
    return true;
}

static bool
cmd_suspend(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainSuspend(dom) < 0) {
        cli_error("Failed to suspend domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' suspended\n", name);
    return true;
}

static bool
cmd_resume(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainResume(dom) < 0) {
        cli_error("Failed to resume domain '%s'", name);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' resumed\n", name);
    return true;
}

static bool
cmd_autostart(CliCtl *ctl, const CliCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    const char *name;
    bool disable = cli_opt_bool(cmd, "disable");

    if (!(dom = cli_lookup_domain(ctl, cmd, "domain", CLI_BY_ALL, &name)))
        return false;
    if (virDomainSetAutostart(dom, !disable) < 0) {
        cli_error(disable ? "Failed to unmark domain '%s' as autostarted"
                          : "Failed to mark domain '%s' as autostarted",
                  name);
        return false;
    }
    cli_print_extra(ctl,
                    disable ? "Domain '%s' unmarked as autostarted\n"
                            : "Domain '%s' marked as autostarted\n",
                    name);
    return true;
}

/* ---- tables ------------------------------------------------------------ */

static const CliOptDef opts_domain_any[] = { DOMAIN_OPT_ANY, { NULL } };

static const CliOptDef opts_list[] = {
    { "inactive", CLI_OPT_BOOL, "list inactive domains" },
    { "all", CLI_OPT_BOOL, "list inactive & active domains" },
    { "transient", CLI_OPT_BOOL, "list transient domains" },
    { "persistent", CLI_OPT_BOOL, "list persistent domains" },
    { "state-running", CLI_OPT_BOOL, "list domains in running state" },
    { "state-paused", CLI_OPT_BOOL, "list domains in paused state" },
    { "state-shutoff", CLI_OPT_BOOL, "list domains in shutoff state" },
    { "state-other", CLI_OPT_BOOL, "list domains in other states" },
    { "autostart", CLI_OPT_BOOL, "list domains with autostart enabled" },
    { "no-autostart", CLI_OPT_BOOL, "list domains with autostart disabled" },
    { "uuid", CLI_OPT_BOOL, "list uuid's only" },
    { "name", CLI_OPT_BOOL, "list domain names only" },
    { "id", CLI_OPT_BOOL, "list domain IDs only" },
    { "table", CLI_OPT_BOOL, "list table (default)" },
    { NULL },
};

static const CliOptDef opts_domstate[] = {
    DOMAIN_OPT_ANY,
    { "reason", CLI_OPT_BOOL, "also print reason for the state" },
    { NULL },
};

static const CliOptDef opts_domid[] = { DOMAIN_OPT("domain name or uuid"), { NULL } };
static const CliOptDef opts_domname[] = { DOMAIN_OPT("domain id or uuid"), { NULL } };
static const CliOptDef opts_domuuid[] = { DOMAIN_OPT("domain id or name"), { NULL } };

static const CliOptDef opts_dumpxml[] = {
    DOMAIN_OPT_ANY,
    { "inactive", CLI_OPT_BOOL, "show inactive defined XML" },
    { "security-info", CLI_OPT_BOOL, "include security sensitive information in XML dump" },
    { "update-cpu", CLI_OPT_BOOL, "update guest CPU according to host CPU" },
    { "migratable", CLI_OPT_BOOL, "provide XML suitable for migrations" },
    { NULL },
};

static const CliOptDef opts_define[] = {
    { "file", CLI_OPT_DATA, "file containing an XML domain description" },
    { "validate", CLI_OPT_BOOL, "validate the XML against the schema" },
    { NULL },
};

static const CliOptDef opts_create[] = {
    { "file", CLI_OPT_DATA, "file containing an XML domain description" },
    { "paused", CLI_OPT_BOOL, "leave the guest paused after creation" },
    { "autodestroy", CLI_OPT_BOOL, "automatically destroy the guest when virtnode disconnects" },
    { "validate", CLI_OPT_BOOL, "validate the XML against the schema" },
    { NULL },
};

static const CliOptDef opts_start[] = {
    DOMAIN_OPT("name of the inactive domain"),
    { "paused", CLI_OPT_BOOL, "leave the guest paused after creation" },
    { "autodestroy", CLI_OPT_BOOL, "automatically destroy the guest when virtnode disconnects" },
    { "bypass-cache", CLI_OPT_BOOL, "avoid file system cache when loading" },
    { "force-boot", CLI_OPT_BOOL, "force fresh boot by discarding any managed save" },
    { NULL },
};

static const CliOptDef opts_destroy[] = {
    DOMAIN_OPT_ANY,
    { "graceful", CLI_OPT_BOOL, "terminate gracefully" },
    { "remove-logs", CLI_OPT_BOOL, "remove domain logs" },
    { NULL },
};

static const CliOptDef opts_shutdown[] = {
    DOMAIN_OPT_ANY,
    { "mode", CLI_OPT_STRING, "shutdown mode: acpi|agent|initctl|signal|paravirt" },
    { NULL },
};

static const CliOptDef opts_autostart[] = {
    DOMAIN_OPT_ANY,
    { "disable", CLI_OPT_BOOL, "disable autostarting" },
    { NULL },
};

const CliCmdDef cli_domain_cmds[] = {
    { "autostart", cmd_autostart, opts_autostart, "autostart a domain",
      "Configure a domain to be automatically started at boot.", 0 },
    { "create", cmd_create, opts_create, "create a domain from an XML file", "Create a domain.",
      0 },
    { "define", cmd_define, opts_define, "define (but don't start) a domain from an XML file",
      "Define a domain.", 0 },
    { "destroy", cmd_destroy, opts_destroy, "destroy (stop) a domain",
      "Forcefully stop a given domain, but leave its resources intact.", 0 },
    { "domid", cmd_domid, opts_domid, "convert a domain name or UUID to domain id", NULL, 0 },
    { "domname", cmd_domname, opts_domname, "convert a domain id or UUID to domain name", NULL, 0 },
    { "domuuid", cmd_domuuid, opts_domuuid, "convert a domain name or id to domain UUID", NULL, 0 },
    { "dumpxml", cmd_dumpxml, opts_dumpxml, "domain information in XML",
      "Output the domain information as an XML dump to stdout.", 0 },
    { "reboot", cmd_reboot, opts_shutdown, "reboot a domain",
      "Run a reboot command in the target domain.", 0 },
    { "reset", cmd_reset, opts_domain_any, "reset a domain",
      "Reset the target domain as if by power button", 0 },
    { "resume", cmd_resume, opts_domain_any, "resume a domain",
      "Resume a previously suspended domain.", 0 },
    { "shutdown", cmd_shutdown, opts_shutdown, "gracefully shutdown a domain",
      "Run shutdown in the target domain.", 0 },
    { "start", cmd_start, opts_start, "start a (previously defined) inactive domain",
      "Start a domain, either from the last managedsave state, or via a fresh boot if no "
      "managedsave state is present.",
      0 },
    { "suspend", cmd_suspend, opts_domain_any, "suspend a domain", "Suspend a running domain.", 0 },
    { "undefine", cmd_undefine, opts_domain_any, "undefine a domain",
      "Undefine an inactive domain, or convert persistent to transient.", 0 },
    { "vncdisplay", cmd_vncdisplay, opts_domain_any, "vnc display",
      "Output the IP address and port number for the VNC display.", 0 },
    { NULL },
};

const CliCmdDef cli_monitor_cmds[] = {
    { "dominfo", cmd_dominfo, opts_domain_any, "domain information",
      "Returns basic information about the domain.", 0 },
    { "domstate", cmd_domstate, opts_domstate, "domain state", "Returns state about a domain.", 0 },
    { "list", cmd_list, opts_list, "list domains", "Returns list of domains.", 0 },
    { NULL },
};
