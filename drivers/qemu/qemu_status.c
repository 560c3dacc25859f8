/*
 * qemu_status.c: the status record of a running domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/xmlutil.h"
#include "drivers/qemu/qemu_status.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

#define Q error_quark(VIR_FROM_QEMU)

static void
nic_free(gpointer data)
{
    QemuStatusNic *n = data;

    g_free(n->kind);
    g_free(n->ifname);
    g_free(n->network);
    g_free(n->mac);
    g_free(n->lower);
    g_free(n);
}

static void
listen_free(gpointer data)
{
    QemuStatusListen *l = data;

    g_free(l->network);
    g_free(l->address);
    g_free(l);
}

QemuStatus *
qemu_status_new(void)
{
    QemuStatus *s = g_new0(QemuStatus, 1);

    s->display_ports = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    s->nics = g_ptr_array_new_with_free_func(nic_free);
    s->listens = g_ptr_array_new_with_free_func(listen_free);
    s->id = -1;
    return s;
}

void
qemu_status_free(QemuStatus *s)
{
    if (!s)
        return;
    g_free(s->state);
    g_free(s->reason);
    g_free(s->monitor);
    g_array_unref(s->display_ports);
    g_ptr_array_unref(s->nics);
    g_ptr_array_unref(s->listens);
    domdef_free(s->def);
    g_free(s);
}

QemuStatusNic *
qemu_status_add_nic(QemuStatus *s, const char *kind, const char *ifname, const char *network,
                    const char *mac)
{
    QemuStatusNic *n = g_new0(QemuStatusNic, 1);

    n->kind = g_strdup(kind);
    n->ifname = g_strdup(ifname);
    n->network = g_strdup(network);
    n->mac = g_strdup(mac);
    g_ptr_array_add(s->nics, n);
    return n;
}

void
qemu_status_add_listen(QemuStatus *s, const char *network, const char *address)
{
    QemuStatusListen *l = g_new0(QemuStatusListen, 1);

    l->network = g_strdup(network);
    l->address = g_strdup(address);
    g_ptr_array_add(s->listens, l);
}

char *
qemu_status_format(const QemuStatus *s, GError **error)
{
    g_autoptr(Buf) out = buf_new();
    g_autofree char *domain = NULL;
    g_auto(GStrv) lines = NULL;

    if (!s->def) {
        g_set_error(error, Q, VIR_ERR_INTERNAL_ERROR, "a status record needs a definition");
        return NULL;
    }
    if (!(domain = domdef_format(s->def, s->id, DOMDEF_FORMAT_SECURE, error)))
        return NULL;
    buf_add(out, "<domstatus");
    buf_add_attr(out, "state", "%s", s->state ? s->state : "running");
    if (s->reason)
        buf_add_attr(out, "reason", "%s", s->reason);
    buf_add_attr(out, "pid", "%d", (int)s->pid);
    buf_add_attr(out, "starttime", "%llu", s->start_time);
    buf_add_attr(out, "id", "%d", s->id);
    buf_add(out, ">\n");
    buf_adjust_indent(out, 2);
    if (s->monitor) {
        buf_add(out, "<monitor");
        buf_add_attr(out, "path", "%s", s->monitor);
        buf_add(out, "/>\n");
    }
    for (guint i = 0; i < s->display_ports->len; i++)
        buf_addf(out, "<display port='%u'/>\n", g_array_index(s->display_ports, unsigned int, i));
    for (guint i = 0; i < s->nics->len; i++) {
        const QemuStatusNic *n = g_ptr_array_index(s->nics, i);

        buf_add(out, "<nic");
        buf_add_attr(out, "kind", "%s", n->kind);
        buf_add_attr(out, "ifname", "%s", n->ifname);
        if (n->network)
            buf_add_attr(out, "network", "%s", n->network);
        if (n->mac)
            buf_add_attr(out, "mac", "%s", n->mac);
        if (n->lower)
            buf_add_attr(out, "lower", "%s", n->lower);
        buf_add(out, "/>\n");
    }
    for (guint i = 0; i < s->listens->len; i++) {
        const QemuStatusListen *l = g_ptr_array_index(s->listens, i);

        buf_add(out, "<listen");
        buf_add_attr(out, "network", "%s", l->network);
        buf_add_attr(out, "address", "%s", l->address);
        buf_add(out, "/>\n");
    }
    /* the definition, indented one level */
    lines = g_strsplit(domain, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (*lines[i])
            buf_addf(out, "%s\n", lines[i]);
    }
    buf_adjust_indent(out, -2);
    buf_add(out, "</domstatus>\n");
    return buf_steal(out);
}

/* An attribute that must be there. */
static char *
required_prop(const xmlNode *node, const char *name, GError **error)
{
    char *v = xml_prop(node, name);

    if (!v)
        g_set_error(error, Q, VIR_ERR_XML_ERROR, "status record: <%s> lacks '%s'",
                    (const char *)node->name, name);
    return v;
}

QemuStatus *
qemu_status_parse(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = xml_parse_string(xml, "domain_status", "domstatus", Q, error);
    g_autoptr(QemuStatus) s = NULL;
    xmlNode *top;
    int pid = 0;

    if (!doc)
        return NULL;
    top = xmlDocGetRootElement(doc);
    s = qemu_status_new();
    if (!(s->state = required_prop(top, "state", error)) ||
        !xml_prop_int(top, "pid", &pid, NULL, Q, error) ||
        !xml_prop_ullong(top, "starttime", &s->start_time, NULL, Q, error) ||
        !xml_prop_int(top, "id", &s->id, NULL, Q, error))
        return NULL;
    s->pid = (pid_t)pid;
    s->reason = xml_prop(top, "reason");
    if (pid <= 0) {
        g_set_error(error, Q, VIR_ERR_XML_ERROR, "status record: no valid pid");
        return NULL;
    }
    for (xmlNode *n = top->children; n; n = n->next) {
        const char *name = (const char *)n->name;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "monitor") == 0) {
            g_free(s->monitor);
            if (!(s->monitor = required_prop(n, "path", error)))
                return NULL;
        } else if (strcmp(name, "display") == 0) {
            unsigned int port = 0;
            bool present = false;

            if (!xml_prop_uint(n, "port", &port, &present, Q, error))
                return NULL;
            if (!present) {
                g_set_error(error, Q, VIR_ERR_XML_ERROR, "status record: <display> lacks 'port'");
                return NULL;
            }
            g_array_append_val(s->display_ports, port);
        } else if (strcmp(name, "nic") == 0) {
            g_autofree char *kind = required_prop(n, "kind", error);
            g_autofree char *ifname = kind ? required_prop(n, "ifname", error) : NULL;
            g_autofree char *network = xml_prop(n, "network");
            g_autofree char *mac = xml_prop(n, "mac");

            if (!ifname)
                return NULL;
            qemu_status_add_nic(s, kind, ifname, network, mac)->lower = xml_prop(n, "lower");
        } else if (strcmp(name, "listen") == 0) {
            g_autofree char *network = required_prop(n, "network", error);
            g_autofree char *address = network ? required_prop(n, "address", error) : NULL;

            if (!address)
                return NULL;
            qemu_status_add_listen(s, network, address);
        } else if (strcmp(name, "domain") == 0) {
            g_autofree char *text = xml_node_to_string(n);

            domdef_free(s->def);
            if (!(s->def = domdef_parse_string(text, 0, error)))
                return NULL;
        } else {
            g_set_error(error, Q, VIR_ERR_XML_ERROR, "status record: unexpected element <%s>",
                        name);
            return NULL;
        }
    }
    if (!s->def) {
        g_set_error(error, Q, VIR_ERR_XML_ERROR, "status record: no <domain>");
        return NULL;
    }
    return g_steal_pointer(&s);
}

bool
qemu_status_save(const QemuStatus *s, const char *path, GError **error)
{
    g_autofree char *xml = qemu_status_format(s, error);

    return xml && file_write_atomic(path, xml, -1, 0600, error);
}

QemuStatus *
qemu_status_load(const char *path, GError **error)
{
    g_autofree char *xml = NULL;
    QemuStatus *s;

    if (!g_file_get_contents(path, &xml, NULL, error))
        return NULL;
    if (!(s = qemu_status_parse(xml, error)))
        g_prefix_error(error, "%s: ", path);
    return s;
}
