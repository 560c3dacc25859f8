/*
 * cli.h: the pieces of the virtnode command-line client (a virsh work-alike)
 *
 * The client only uses libvirt's public API. Commands are described by
 * tables (CliCmdDef) grouped as virsh groups them; a parsed command line
 * becomes a list of CliCmd, each run against the shared CliCtl.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

typedef struct CliCtl {
    char *uri;      /* -c/--connect or "connect NAME"; NULL: the library's default */
    bool readonly;  /* -r, or "connect --readonly" */
    bool quiet;     /* -q: no table headers, no "Domain ... started" messages */
    bool imode;     /* interactive shell */
    bool want_quit; /* quit/exit ran */
    virConnectPtr conn;
} CliCtl;

typedef enum {
    CLI_OPT_BOOL,   /* --flag */
    CLI_OPT_DATA,   /* required value, may be given positionally: [--domain] <string> */
    CLI_OPT_STRING, /* optional value: --mac <string> (virsh also fills it positionally) */
    CLI_OPT_ARGV,   /* all remaining words: [<string>]... */
} CliOptType;

typedef struct CliOptDef {
    const char *name;
    CliOptType type;
    const char *help;
} CliOptDef;

typedef enum {
    CLI_CMD_NOCONNECT = 1 << 0, /* runs without a hypervisor connection */
} CliCmdFlags;

typedef struct CliCmd CliCmd;
typedef bool (*CliHandler)(CliCtl *ctl, const CliCmd *cmd);

typedef struct CliCmdDef {
    const char *name;
    CliHandler handler;
    const CliOptDef *opts; /* terminated by { NULL } */
    const char *summary;
    const char *description; /* NULL: no DESCRIPTION section in help */
    unsigned int flags;      /* CliCmdFlags */
} CliCmdDef;

typedef struct CliGroup {
    const char *name;      /* "Domain Management" */
    const char *keyword;   /* "domain" */
    const CliCmdDef *cmds; /* terminated by { NULL } */
} CliGroup;

/* One parsed command: its definition and the values of its options. */
struct CliCmd {
    const CliCmdDef *def;
    char **values;   /* per option of def->opts: value (bools: "" when set), NULL if absent */
    GPtrArray *argv; /* CLI_OPT_ARGV words */
};

/* Command tables (cli-domain.c, cli-network.c, cli-host.c, cli-shell.c). */
extern const CliCmdDef cli_domain_cmds[];
extern const CliCmdDef cli_monitor_cmds[];
extern const CliCmdDef cli_host_cmds[];
extern const CliCmdDef cli_network_cmds[];
extern const CliCmdDef cli_shell_cmds[];
/* All groups in help order, terminated by { NULL }. */
extern const CliGroup cli_groups[];

/* cli-parse.c */

/* Finds a command by name (or NULL). */
const CliCmdDef *cli_cmd_lookup(const char *name);

/* Frees a parsed command; accepts NULL. */
void cli_cmd_free(CliCmd *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliCmd, cli_cmd_free)

/* Splits a command string (virsh syntax: quotes, backslashes, ';' and
 * newlines between commands, '#' comments) and parses every command in it.
 * Returns an array of CliCmd (possibly empty) or NULL after printing the
 * parse error. */
GPtrArray *cli_parse_line(const char *line);

/* Parses one command given as separate words (one-shot mode with several
 * arguments: no re-splitting). Returns NULL after printing the error. */
CliCmd *cli_parse_words(char **words, gsize nwords);

/* Whether boolean option @name was given. */
bool cli_opt_bool(const CliCmd *cmd, const char *name);

/* The value of option @name, NULL if absent. */
const char *cli_opt_string(const CliCmd *cmd, const char *name);

/* cli-output.c */

/* Prints to stdout. */
void cli_print(CliCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prints to stdout unless -q. */
void cli_print_extra(CliCtl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prints "error: MESSAGE" to stderr (after flushing stdout). */
void cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Keeps a copy of the library's last error, if any and none is kept yet:
 * later API calls (even virDomainFree) reset the library's own. */
void cli_save_error(void);
/* Prints the kept or pending libvirt error, if any, as "error: MESSAGE" and
 * forgets it. */
void cli_report_libvirt_error(void);
/* Forgets the kept and the pending libvirt error. */
void cli_reset_error(void);

typedef struct CliTable CliTable;
/* A table laid out as virsh does: columns as wide as their widest cell,
 * three spaces apart, a dashed rule under the header. */
CliTable *cli_table_new(const char *first_header, ...) G_GNUC_NULL_TERMINATED;
/* Appends one row; as many cells as headers. */
void cli_table_add(CliTable *table, const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
/* Prints the table (header and rule omitted under -q). */
void cli_table_print(CliCtl *ctl, const CliTable *table);
void cli_table_free(CliTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliTable, cli_table_free)

/* virtnode.c */

/* Opens the connection if none is open. Prints the error and returns false on
 * failure. */
bool cli_connect(CliCtl *ctl);

/* (Re)connects to @uri (NULL: the library default); on failure the previous
 * connection stays. Prints the error and returns false on failure. */
bool cli_reconnect(CliCtl *ctl, const char *uri, bool readonly);

/* cli-lookup.c */

/* Lookup methods for cli_lookup_domain(). */
typedef enum {
    CLI_BY_ID = 1 << 0,
    CLI_BY_UUID = 1 << 1,
    CLI_BY_NAME = 1 << 2,
    CLI_BY_ALL = CLI_BY_ID | CLI_BY_UUID | CLI_BY_NAME,
} CliLookupFlags;

/* Whether @str is a UUID as libvirt accepts it (32 hex digits, dashes anywhere). */
bool cli_is_uuid(const char *str);

/* The domain named by option @optname: an ID when a non-negative integer,
 * then a UUID, then a name. *ret_name gets the argument as typed. Prints
 * "failed to get domain" and returns NULL when none matches. */
virDomainPtr cli_lookup_domain(CliCtl *ctl, const CliCmd *cmd, const char *optname,
                               unsigned int flags, const char **ret_name);

/* The network named by option @optname: UUID then name (as @flags allow).
 * Prints "failed to get network" (the library's error stays pending) and
 * returns NULL when none matches. */
virNetworkPtr cli_lookup_network(CliCtl *ctl, const CliCmd *cmd, const char *optname,
                                 unsigned int flags, const char **ret_name);

/* Reads a whole XML file for define/create; prints the error on failure. */
char *cli_read_file(const char *path);

/* Handle cleanups that keep the error a failed call left behind. */
void cli_domain_free(virDomainPtr dom);
void cli_network_free(virNetworkPtr net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, cli_domain_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, cli_network_free)
