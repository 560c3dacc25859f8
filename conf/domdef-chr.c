/*
 * domdef-chr.c: character devices (<serial>, <parallel>, <console>,
 * <channel>) and their host side (<source>, also used by <rng> backends)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef-priv.h"

static const char *const chr_type_names[] = {
    [DOM_CHR_NULL] = "null",         [DOM_CHR_VC] = "vc",
    [DOM_CHR_PTY] = "pty",           [DOM_CHR_DEV] = "dev",
    [DOM_CHR_FILE] = "file",         [DOM_CHR_PIPE] = "pipe",
    [DOM_CHR_STDIO] = "stdio",       [DOM_CHR_UDP] = "udp",
    [DOM_CHR_TCP] = "tcp",           [DOM_CHR_UNIX] = "unix",
    [DOM_CHR_SPICEVMC] = "spicevmc", [DOM_CHR_SPICEPORT] = "spiceport",
    [DOM_CHR_NMDM] = "nmdm",         [DOM_CHR_QEMU_VDAGENT] = "qemu-vdagent",
    [DOM_CHR_DBUS] = "dbus",         [DOM_CHR_LAST] = NULL,
};

static const char *const chr_dev_names[] = {
    [DOM_CHR_DEV_SERIAL] = "serial",   [DOM_CHR_DEV_PARALLEL] = "parallel",
    [DOM_CHR_DEV_CONSOLE] = "console", [DOM_CHR_DEV_CHANNEL] = "channel",
    [DOM_CHR_DEV_LAST] = NULL,
};

static const char *const chr_protocols[] = { "raw", "telnet", "telnets", "tls", NULL };

void
domdef_chr_source_clear(DomChrSource *src)
{
    g_free(src->path);
    g_free(src->slave);
    g_free(src->host);
    g_free(src->service);
    g_free(src->bind_host);
    g_free(src->bind_service);
    g_free(src->channel);
    domx_free(src->extra);
    memset(src, 0, sizeof(*src));
}

void
domdef_chr_free(DomChr *chr)
{
    if (!chr)
        return;
    domdef_chr_source_clear(&chr->src);
    g_free(chr->target_type);
    g_free(chr->target_name);
    g_free(chr->target_state);
    domx_free(chr->target);
    domx_free(chr->extra);
    domdef_info_clear(&chr->info);
    g_free(chr);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomChr, domdef_chr_free)

DomChr *
domdef_chr_copy(const DomChr *chr)
{
    g_autoptr(Buf) buf = buf_new();
    g_autoptr(DomXNode) node = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    /* Through XML, so no field can be forgotten. */
    domdef_chr_format(buf, chr, DOMDEF_FORMAT_SECURE);
    doc = xmlReadMemory(buf_peek(buf), (int)strlen(buf_peek(buf)), "chr", NULL, XML_PARSE_NONET);
    g_assert(doc);
    node = domx_from_xml(xmlDocGetRootElement(doc));
    return domdef_chr_parse(node, chr->devtype, 0, NULL);
}

static bool
chr_parse_mode(DomXNode *src, bool *ret_listen, GError **error)
{
    g_autofree char *mode = domx_take_attr(src, "mode");

    if (!mode || strcmp(mode, "connect") == 0) {
        *ret_listen = false;
    } else if (strcmp(mode, "bind") == 0) {
        *ret_listen = true;
    } else {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Unknown source mode '%s' for char device", mode);
        return false;
    }
    return true;
}

static bool
chr_parse_reconnect(DomXNode *src, DomChrSource *out, GError **error)
{
    g_autoptr(DomXNode) rc = domx_take_one(src, "reconnect");
    g_autofree char *enabled = NULL, *timeout = NULL;

    if (!rc)
        return true;
    enabled = domx_take_attr(rc, "enabled");
    timeout = domx_take_attr(rc, "timeout");
    if (!enabled || (strcmp(enabled, "yes") != 0 && strcmp(enabled, "no") != 0)) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Invalid value for attribute 'enabled' in element 'reconnect': '%s'.",
                    enabled ? enabled : "");
        return false;
    }
    out->reconnect = enabled[0] == 'y' ? XML_TRISTATE_YES : XML_TRISTATE_NO;
    if (out->reconnect == XML_TRISTATE_YES) {
        guint64 n;

        if (!timeout || !g_ascii_string_to_unsigned(timeout, 10, 0, G_MAXUINT, &n, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "chardev reconnect source timeout '%s' is invalid", timeout ? timeout : "");
            return false;
        }
        out->reconnect_timeout = (unsigned int)n;
    }
    return true;
}

/* Parses the <source> children (and <protocol>) of @node into @src, whose
 * type the caller has set. */
bool
domdef_chr_source_parse(DomXNode *node, DomChrSource *src, DomChrDeviceType devtype, GError **error)
{
    unsigned int nsrc = domx_count_children(node, "source");
    g_autoptr(DomXNode) proto = domx_take_one(node, "protocol");
    DomXNode *s;

    src->extra = domx_new("source");
    if (src->type == DOM_CHR_UDP ? nsrc > 2 : nsrc > 1) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    src->type == DOM_CHR_UDP
                        ? "only two source elements are allowed for character device"
                        : "only one source element is allowed for character device");
        return false;
    }
    while ((s = domx_take_child(node, "source"))) {
        g_autoptr(DomXNode) owned G_GNUC_UNUSED = s; /* frees s on every exit */

        switch (src->type) {
        case DOM_CHR_PTY:
        case DOM_CHR_DEV:
        case DOM_CHR_FILE:
        case DOM_CHR_PIPE: {
            g_autofree char *append = domx_take_attr(s, "append");

            src->path = domx_take_attr(s, "path");
            if (append && src->type == DOM_CHR_FILE) {
                if (strcmp(append, "on") == 0)
                    src->append = XML_TRISTATE_YES;
                else if (strcmp(append, "off") == 0)
                    src->append = XML_TRISTATE_NO;
                else {
                    g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                                "Invalid append attribute value '%s'", append);
                    return false;
                }
            }
            break;
        }
        case DOM_CHR_UNIX:
            if (!chr_parse_mode(s, &src->listen, error) || !chr_parse_reconnect(s, src, error))
                return false;
            src->path = domx_take_attr(s, "path");
            break;
        case DOM_CHR_TCP: {
            g_autofree char *tls = domx_take_attr(s, "tls");

            if (!chr_parse_mode(s, &src->listen, error) || !chr_parse_reconnect(s, src, error))
                return false;
            src->host = domx_take_attr(s, "host");
            src->service = domx_take_attr(s, "service");
            if (tls) {
                if (strcmp(tls, "yes") == 0)
                    src->tls = XML_TRISTATE_YES;
                else if (strcmp(tls, "no") == 0)
                    src->tls = XML_TRISTATE_NO;
                else {
                    g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                                "Invalid value for attribute 'tls' in element 'source': '%s'.",
                                tls);
                    return false;
                }
            }
            break;
        }
        case DOM_CHR_UDP: {
            bool bind = false;

            if (!chr_parse_mode(s, &bind, error))
                return false;
            if (bind) {
                g_free(src->bind_host);
                g_free(src->bind_service);
                src->bind_host = domx_take_attr(s, "host");
                src->bind_service = domx_take_attr(s, "service");
            } else {
                g_free(src->host);
                g_free(src->service);
                src->host = domx_take_attr(s, "host");
                src->service = domx_take_attr(s, "service");
            }
            break;
        }
        case DOM_CHR_SPICEPORT:
            src->channel = domx_take_attr(s, "channel");
            break;
        case DOM_CHR_NMDM:
            src->path = domx_take_attr(s, "master");
            src->slave = domx_take_attr(s, "slave");
            break;
        case DOM_CHR_NULL:
        case DOM_CHR_VC:
        case DOM_CHR_STDIO:
        case DOM_CHR_SPICEVMC:
        case DOM_CHR_QEMU_VDAGENT:
        case DOM_CHR_DBUS:
        case DOM_CHR_LAST:
            break;
        }
        /* Whatever is left (seclabel, other attributes) is kept. */
        for (guint i = 0; i < s->attrs->len; i++) {
            const DomXAttr *a = s->attrs->pdata[i];

            domx_set_attr(src->extra, a->name, a->value);
        }
        while (s->children->len)
            domx_add_child(src->extra, g_ptr_array_steal_index(s->children, 0));
    }
    if (proto && src->type == DOM_CHR_TCP) {
        g_autofree char *t = domx_take_attr(proto, "type");

        src->protocol = t ? domdef_enum_lookup(chr_protocols, t) : 0;
        if (src->protocol < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "Unknown protocol '%s'", t);
            return false;
        }
    }
    (void)devtype;
    return true;
}

static void
chr_format_reconnect(Buf *buf, const DomChrSource *src)
{
    if (src->reconnect == XML_TRISTATE_YES)
        buf_addf(buf, "<reconnect enabled='yes' timeout='%u'/>\n", src->reconnect_timeout);
    else if (src->reconnect == XML_TRISTATE_NO)
        buf_add(buf, "<reconnect enabled='no'/>\n");
}

static void
chr_format_source_element(Buf *buf, Buf *attrs, const DomChrSource *src, bool with_reconnect)
{
    g_autoptr(Buf) children = buf_new_child(buf);

    domx_format_attrs(attrs, src->extra);
    if (with_reconnect)
        chr_format_reconnect(children, src);
    domx_format_children(children, src->extra);
    if (!buf_is_empty(attrs) || !buf_is_empty(children))
        buf_add_element(buf, "source", attrs, children);
}

void
domdef_chr_source_format(Buf *buf, const DomChrSource *src, unsigned int flags)
{
    g_autoptr(Buf) attrs = buf_new();

    switch (src->type) {
    case DOM_CHR_PTY:
    case DOM_CHR_DEV:
    case DOM_CHR_FILE:
    case DOM_CHR_PIPE:
        /* A pty's path is only known while the domain runs. */
        if (src->path && !(src->type == DOM_CHR_PTY && (flags & DOMDEF_FORMAT_INACTIVE)))
            buf_add_attr(attrs, "path", "%s", src->path);
        if (src->append != XML_TRISTATE_ABSENT)
            buf_add_attr(attrs, "append", "%s", xml_tristate_onoff(src->append));
        chr_format_source_element(buf, attrs, src, false);
        break;
    case DOM_CHR_UNIX:
        buf_add_attr(attrs, "mode", "%s", src->listen ? "bind" : "connect");
        if (src->path)
            buf_add_attr(attrs, "path", "%s", src->path);
        chr_format_source_element(buf, attrs, src, true);
        break;
    case DOM_CHR_TCP:
        buf_add_attr(attrs, "mode", "%s", src->listen ? "bind" : "connect");
        if (src->host)
            buf_add_attr(attrs, "host", "%s", src->host);
        if (src->service)
            buf_add_attr(attrs, "service", "%s", src->service);
        if (src->tls != XML_TRISTATE_ABSENT)
            buf_add_attr(attrs, "tls", "%s", xml_tristate_yesno(src->tls));
        chr_format_source_element(buf, attrs, src, true);
        buf_addf(buf, "<protocol type='%s'/>\n", chr_protocols[src->protocol]);
        break;
    case DOM_CHR_UDP:
        if (src->bind_host || src->bind_service) {
            buf_add(buf, "<source mode='bind'");
            if (src->bind_host)
                buf_add_attr(buf, "host", "%s", src->bind_host);
            if (src->bind_service)
                buf_add_attr(buf, "service", "%s", src->bind_service);
            buf_add(buf, "/>\n");
        }
        if (src->host || src->service) {
            buf_add(buf, "<source mode='connect'");
            if (src->host)
                buf_add_attr(buf, "host", "%s", src->host);
            if (src->service)
                buf_add_attr(buf, "service", "%s", src->service);
            buf_add(buf, "/>\n");
        }
        break;
    case DOM_CHR_SPICEPORT:
        if (src->channel)
            buf_add_attr(attrs, "channel", "%s", src->channel);
        chr_format_source_element(buf, attrs, src, false);
        break;
    case DOM_CHR_NMDM:
        if (src->path)
            buf_add_attr(attrs, "master", "%s", src->path);
        if (src->slave)
            buf_add_attr(attrs, "slave", "%s", src->slave);
        chr_format_source_element(buf, attrs, src, false);
        break;
    case DOM_CHR_NULL:
    case DOM_CHR_VC:
    case DOM_CHR_STDIO:
    case DOM_CHR_SPICEVMC:
    case DOM_CHR_QEMU_VDAGENT:
    case DOM_CHR_DBUS:
    case DOM_CHR_LAST:
        chr_format_source_element(buf, attrs, src, false);
        break;
    }
}

/* libvirt's virDomainChrSourceDefValidate. @chr is NULL for <rng> backends. */
bool
domdef_chr_source_validate(const DomChrSource *src, const DomChr *chr, GError **error)
{
    const char *msg = NULL;

    switch (src->type) {
    case DOM_CHR_DEV:
    case DOM_CHR_FILE:
    case DOM_CHR_PIPE:
        if (!src->path)
            msg = "Missing source path attribute for char device";
        break;
    case DOM_CHR_TCP:
        if (!src->host)
            msg = "Missing source host attribute for char device";
        else if (!src->service)
            msg = "Missing source service attribute for char device";
        else if (src->reconnect == XML_TRISTATE_YES && src->listen)
            msg = "chardev reconnect is possible only for connect mode";
        break;
    case DOM_CHR_UDP:
        if (!src->service)
            msg = "Missing source service attribute for char device";
        break;
    case DOM_CHR_UNIX:
        /* Channels get a path made up by the hypervisor driver. */
        if (!src->path &&
            !(chr && chr->devtype == DOM_CHR_DEV_CHANNEL && chr->target_type &&
              (strcmp(chr->target_type, "virtio") == 0 || strcmp(chr->target_type, "xen") == 0)))
            msg = "Missing source path attribute for char device";
        else if (src->reconnect == XML_TRISTATE_YES && src->listen)
            msg = "chardev reconnect is possible only for connect mode";
        break;
    case DOM_CHR_SPICEPORT:
        if (!src->channel)
            msg = "Missing source channel attribute for char device";
        break;
    case DOM_CHR_NULL:
    case DOM_CHR_VC:
    case DOM_CHR_PTY:
    case DOM_CHR_STDIO:
    case DOM_CHR_SPICEVMC:
    case DOM_CHR_NMDM:
    case DOM_CHR_QEMU_VDAGENT:
    case DOM_CHR_DBUS:
    case DOM_CHR_LAST:
        break;
    }
    if (msg) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "%s", msg);
        return false;
    }
    return true;
}

DomChr *
domdef_chr_parse(DomXNode *node, DomChrDeviceType devtype, unsigned int flags, GError **error)
{
    g_autoptr(DomChr) chr = g_new0(DomChr, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    g_autofree char *type = domx_take_attr(n, "type");
    int v;

    chr->devtype = devtype;
    chr->target_port = -1;
    if (!type) {
        chr->src.type = DOM_CHR_PTY;
    } else if ((v = domdef_enum_lookup(chr_type_names, type)) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "unknown type presented to host for character device: %s", type);
        return NULL;
    } else {
        chr->src.type = (DomChrType)v;
    }
    if (!domdef_chr_source_parse(n, &chr->src, devtype, error))
        return NULL;
    if (chr->src.type == DOM_CHR_PTY && (flags & DOMDEF_PARSE_INACTIVE))
        g_clear_pointer(&chr->src.path, g_free);

    chr->target = domx_take_one(n, "target");
    if (chr->target) {
        g_autofree char *port = domx_take_attr(chr->target, "port");

        chr->target_type = domx_take_attr(chr->target, "type");
        chr->target_name = domx_take_attr(chr->target, "name");
        chr->target_state = domx_take_attr(chr->target, "state");
        if (flags & DOMDEF_PARSE_INACTIVE)
            g_clear_pointer(&chr->target_state, g_free);
        if (port && devtype != DOM_CHR_DEV_CHANNEL) {
            guint64 p;

            if (!g_ascii_string_to_unsigned(port, 10, 0, G_MAXINT, &p, NULL)) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "Invalid port number: %s",
                            port);
                return NULL;
            }
            chr->target_port = (int)p;
        } else if (port) {
            domx_set_attr(chr->target, "port", port);
        }
    }
    if (devtype == DOM_CHR_DEV_CHANNEL) {
        if (!chr->target_type) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "unknown target type '' specified for character device");
            return NULL;
        }
        if (domdef_enum_lookup((const char *const[]){ "guestfwd", "virtio", "xen", NULL },
                               chr->target_type) < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "unknown target type '%s' specified for character device",
                        chr->target_type);
            return NULL;
        }
    }
    if (!domdef_info_parse(n, &chr->info, error))
        return NULL;
    chr->extra = g_steal_pointer(&n);
    return g_steal_pointer(&chr);
}

void
domdef_chr_format(Buf *buf, const DomChr *chr, unsigned int flags)
{
    const char *name = chr_dev_names[chr->devtype];

    buf_addf(buf, "<%s", name);
    buf_add_attr(buf, "type", "%s", chr_type_names[chr->src.type]);
    domx_format_attrs(buf, chr->extra);
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    domdef_chr_source_format(buf, &chr->src, flags);
    domx_format_children(buf, chr->extra);
    buf_add(buf, "<target");
    if (chr->target_type)
        buf_add_attr(buf, "type", "%s", chr->target_type);
    if (chr->target_name)
        buf_add_attr(buf, "name", "%s", chr->target_name);
    if (chr->target_state && !(flags & DOMDEF_FORMAT_INACTIVE))
        buf_add_attr(buf, "state", "%s", chr->target_state);
    if (chr->devtype != DOM_CHR_DEV_CHANNEL)
        buf_add_attr(buf, "port", "%d", chr->target_port < 0 ? 0 : chr->target_port);
    domx_format_attrs(buf, chr->target);
    if (chr->target && chr->target->children->len) {
        buf_add(buf, ">\n");
        buf_adjust_indent(buf, 2);
        domx_format_children(buf, chr->target);
        buf_adjust_indent(buf, -2);
        buf_add(buf, "</target>\n");
    } else {
        buf_add(buf, "/>\n");
    }
    domdef_info_format(buf, &chr->info, flags);
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</%s>\n", name);
}
