/*
 * config.c: the agent's configuration file (agent.conf)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "agent/config.h"
#include "util/error.h"

#define AGENT_CONFIG_ERROR error_quark(VIR_FROM_CONF)

static const char *const agent_firewall_backend_names[AGENT_FIREWALL_LAST] = {
    [AGENT_FIREWALL_IPTABLES] = "iptables",
    [AGENT_FIREWALL_NFTABLES] = "nftables",
};

const char *
agent_firewall_backend_to_string(AgentFirewallBackend backend)
{
    if ((int)backend < 0 || backend >= AGENT_FIREWALL_LAST)
        return NULL;
    return agent_firewall_backend_names[backend];
}

int
agent_firewall_backend_from_string(const char *name)
{
    for (int i = 0; i < AGENT_FIREWALL_LAST; i++) {
        if (name && g_str_equal(name, agent_firewall_backend_names[i]))
            return i;
    }
    return -1;
}

AgentConfig *
agent_config_new(void)
{
    AgentConfig *cfg = g_new0(AgentConfig, 1);

    cfg->max_clients = 5000;
    cfg->max_client_requests = 5;
    cfg->min_workers = 5;
    cfg->max_workers = 20;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->log_level = LOG_LEVEL_INFO;
    cfg->unix_sock_ro_perms = 0666;
    cfg->unix_sock_rw_perms = 0600;
    cfg->firewall_backend = AGENT_FIREWALL_IPTABLES;
    cfg->remote_display_port_min = 5900;
    cfg->remote_display_port_max = 65535;
    return cfg;
}

void
agent_config_free(AgentConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->log_outputs);
    g_free(cfg->unix_sock_group);
    g_free(cfg);
}

typedef enum {
    CONF_VALUE_INT,
    CONF_VALUE_STRING,
} ConfValueType;

typedef struct ConfValue {
    ConfValueType type;
    long long num;
    char *str;
} ConfValue;

typedef struct ConfKey {
    const char *name;
    ConfValueType type;
    size_t offset;      /* of the int field, for CONF_VALUE_INT */
    long long min, max; /* for CONF_VALUE_INT */
} ConfKey;

#define CONF_INT(name, lo, hi)                                                                     \
    {                                                                                              \
#name, CONF_VALUE_INT, offsetof(AgentConfig, name), lo, hi                                 \
    }
#define CONF_STR(name)                                                                             \
    {                                                                                              \
#name, CONF_VALUE_STRING, 0, 0, 0                                                          \
    }

static const ConfKey conf_keys[] = {
    CONF_INT(max_clients, 1, 1000000),
    CONF_INT(max_client_requests, 1, 10000),
    CONF_INT(min_workers, 1, 1000),
    CONF_INT(max_workers, 1, 1000),
    CONF_INT(keepalive_interval, -1, 86400),
    CONF_INT(keepalive_count, 0, 1000),
    CONF_INT(log_level, LOG_LEVEL_DEBUG, LOG_LEVEL_ERROR),
    CONF_STR(log_outputs),
    CONF_STR(unix_sock_group),
    CONF_STR(unix_sock_ro_perms),
    CONF_STR(unix_sock_rw_perms),
    CONF_STR(firewall_backend),
    CONF_STR(firewall_conflict),
    /* below 5900 a display port would not match its VNC display number */
    CONF_INT(remote_display_port_min, 5900, 65535),
    CONF_INT(remote_display_port_max, 5900, 65535),
};

static const ConfKey *
conf_key_lookup(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(conf_keys); i++) {
        if (g_str_equal(conf_keys[i].name, name))
            return &conf_keys[i];
    }
    return NULL;
}

/* "0660" -> 0660; permission bits only. */
static bool
conf_parse_perms(const char *text, unsigned *ret_mode)
{
    char *end = NULL;
    unsigned long long v;

    if (!*text || !g_ascii_isdigit(*text))
        return false;
    errno = 0;
    v = g_ascii_strtoull(text, &end, 8);
    if (errno || *end || v > 0777)
        return false;
    *ret_mode = (unsigned)v;
    return true;
}

/* Applies one parsed value; the message is completed by the caller's prefix. */
static bool
conf_apply(AgentConfig *cfg, const ConfKey *key, ConfValue *value, GError **error)
{
    if (key->type != value->type) {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "'%s' expects %s", key->name,
                    key->type == CONF_VALUE_INT ? "a number" : "a quoted string");
        return false;
    }
    if (key->type == CONF_VALUE_INT) {
        if (value->num < key->min || value->num > key->max) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "'%s' = %lld is out of range (%lld to %lld)", key->name, value->num,
                        key->min, key->max);
            return false;
        }
        *(int *)(void *)((char *)cfg + key->offset) = (int)value->num;
        return true;
    }

    if (g_str_equal(key->name, "log_outputs")) {
        if (!log_outputs_validate(value->str, error)) {
            g_prefix_error(error, "'log_outputs': ");
            return false;
        }
        g_free(cfg->log_outputs);
        cfg->log_outputs = g_steal_pointer(&value->str);
    } else if (g_str_equal(key->name, "unix_sock_group")) {
        if (!*value->str) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "'unix_sock_group' must not be empty");
            return false;
        }
        g_free(cfg->unix_sock_group);
        cfg->unix_sock_group = g_steal_pointer(&value->str);
    } else if (g_str_equal(key->name, "unix_sock_ro_perms") ||
               g_str_equal(key->name, "unix_sock_rw_perms")) {
        unsigned mode;

        if (!conf_parse_perms(value->str, &mode)) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "'%s' = \"%s\": expected octal permissions such as \"0660\"", key->name,
                        value->str);
            return false;
        }
        if (g_str_equal(key->name, "unix_sock_ro_perms"))
            cfg->unix_sock_ro_perms = mode;
        else
            cfg->unix_sock_rw_perms = mode;
    } else if (g_str_equal(key->name, "firewall_backend")) {
        int backend = agent_firewall_backend_from_string(value->str);

        if (backend < 0) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "'firewall_backend' = \"%s\": expected \"iptables\" or \"nftables\"",
                        value->str);
            return false;
        }
        cfg->firewall_backend = (AgentFirewallBackend)backend;
    } else if (g_str_equal(key->name, "firewall_conflict")) {
        if (!g_str_equal(value->str, "warn") && !g_str_equal(value->str, "fail")) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "'firewall_conflict' = \"%s\": expected \"warn\" or \"fail\"", value->str);
            return false;
        }
        cfg->firewall_conflict_fail = g_str_equal(value->str, "fail");
    } else {
        g_assert_not_reached();
    }
    return true;
}

static const char *
conf_skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

/* Parses "key = value [# comment]" from one line (without its newline).
 * Returns the key name (NULL for blank/comment lines, with *error unset). */
static char *
conf_parse_line(const char *line, ConfValue *value, GError **error)
{
    const char *p = conf_skip_space(line);
    const char *start;
    g_autofree char *key = NULL;

    if (!*p || *p == '#')
        return NULL;
    start = p;
    if (!(g_ascii_isalpha(*p) || *p == '_')) {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "expected a key name");
        return NULL;
    }
    while (g_ascii_isalnum(*p) || *p == '_')
        p++;
    key = g_strndup(start, (gsize)(p - start));
    p = conf_skip_space(p);
    if (*p != '=') {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "expected '=' after '%s'", key);
        return NULL;
    }
    p = conf_skip_space(p + 1);

    if (*p == '"' || *p == '\'') {
        char quote = *p++;
        const char *end = strchr(p, quote);

        if (!end) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "unterminated string for '%s'", key);
            return NULL;
        }
        value->type = CONF_VALUE_STRING;
        value->str = g_strndup(p, (gsize)(end - p));
        p = end + 1;
    } else if (*p == '-' || g_ascii_isdigit(*p)) {
        char *end = NULL;

        errno = 0;
        value->type = CONF_VALUE_INT;
        value->num = g_ascii_strtoll(p, &end, 10);
        if (errno == ERANGE) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "number out of range for '%s'", key);
            return NULL;
        }
        if (errno || end == p || (*p == '-' && end == p + 1)) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "invalid number for '%s'",
                        key);
            return NULL;
        }
        p = end;
    } else if (*p == '[') {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                    "'%s': lists are not supported here", key);
        return NULL;
    } else {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                    "expected a number or a quoted string after '%s ='", key);
        return NULL;
    }

    p = conf_skip_space(p);
    if (*p && *p != '#') {
        g_free(value->str);
        value->str = NULL;
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                    "unexpected text after the value of '%s'", key);
        return NULL;
    }
    return g_steal_pointer(&key);
}

AgentConfig *
agent_config_parse(const char *text, gssize len, const char *filename, GError **error)
{
    g_autoptr(AgentConfig) cfg = agent_config_new();
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *copy = len < 0 ? g_strdup(text) : g_strndup(text, (gsize)len);
    g_auto(GStrv) lines = NULL;

    if ((len < 0 ? strlen(copy) : (size_t)len) != strlen(copy)) {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "%s: contains a NUL byte",
                    filename);
        return NULL;
    }
    lines = g_strsplit(copy, "\n", -1);
    for (guint n = 0; lines[n]; n++) {
        g_autoptr(GError) err = NULL;
        ConfValue value = { CONF_VALUE_INT, 0, NULL };
        g_autofree char *key = conf_parse_line(lines[n], &value, &err);
        const ConfKey *ck;
        gpointer first;
        bool ok;

        if (!key) {
            if (!err)
                continue;
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "%s:%u: %s", filename,
                        n + 1, err->message);
            return NULL;
        }
        if (!(ck = conf_key_lookup(key))) {
            g_free(value.str);
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "%s:%u: unknown key '%s'",
                        filename, n + 1, key);
            return NULL;
        }
        if (g_hash_table_lookup_extended(seen, key, NULL, &first)) {
            g_free(value.str);
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                        "%s:%u: '%s' is set twice (first on line %u)", filename, n + 1, key,
                        GPOINTER_TO_UINT(first));
            return NULL;
        }
        g_hash_table_insert(seen, g_strdup(key), GUINT_TO_POINTER(n + 1));
        ok = conf_apply(cfg, ck, &value, &err);
        g_free(value.str);
        if (!ok) {
            g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "%s:%u: %s", filename,
                        n + 1, err->message);
            return NULL;
        }
    }
    if (cfg->min_workers > cfg->max_workers) {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                    "%s: min_workers (%d) is larger than max_workers (%d)", filename,
                    cfg->min_workers, cfg->max_workers);
        return NULL;
    }
    if (cfg->remote_display_port_min > cfg->remote_display_port_max) {
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX,
                    "%s: remote_display_port_min (%d) is larger than remote_display_port_max (%d)",
                    filename, cfg->remote_display_port_min, cfg->remote_display_port_max);
        return NULL;
    }
    return g_steal_pointer(&cfg);
}

AgentConfig *
agent_config_load(const char *path, bool must_exist, GError **error)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, &len, &err)) {
        if (!must_exist && g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return agent_config_new();
        g_set_error(error, AGENT_CONFIG_ERROR, VIR_ERR_CONF_SYNTAX, "cannot read config file: %s",
                    err->message);
        return NULL;
    }
    return agent_config_parse(text, (gssize)len, path, error);
}
