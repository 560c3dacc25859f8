/*
 * domdef-net.c: <interface> of the domain model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef-priv.h"

static const char *const net_type_names[] = {
    [DOM_NET_TYPE_USER] = "user",
    [DOM_NET_TYPE_ETHERNET] = "ethernet",
    [DOM_NET_TYPE_VHOSTUSER] = "vhostuser",
    [DOM_NET_TYPE_SERVER] = "server",
    [DOM_NET_TYPE_CLIENT] = "client",
    [DOM_NET_TYPE_MCAST] = "mcast",
    [DOM_NET_TYPE_UDP] = "udp",
    [DOM_NET_TYPE_NETWORK] = "network",
    [DOM_NET_TYPE_BRIDGE] = "bridge",
    [DOM_NET_TYPE_INTERNAL] = "internal",
    [DOM_NET_TYPE_DIRECT] = "direct",
    [DOM_NET_TYPE_HOSTDEV] = "hostdev",
    [DOM_NET_TYPE_VDPA] = "vdpa",
    [DOM_NET_TYPE_NULL] = "null",
    [DOM_NET_TYPE_VDS] = "vds",
    [DOM_NET_TYPE_LAST] = NULL,
};

/* NIC models libvirt knows by name (matched case-insensitively and written
 * in this spelling); other model names are kept as given. */
static const char *const net_models[] = {
    "netfront",
    "rtl8139",
    "virtio",
    "e1000",
    "e1000e",
    "virtio-transitional",
    "virtio-non-transitional",
    "usb-net",
    "spapr-vlan",
    "lan9118",
    "smc91c111",
    "vlance",
    "vmxnet",
    "vmxnet2",
    "vmxnet3",
    "Am79C970A",
    "Am79C973",
    "82540EM",
    "82545EM",
    "82543GC",
    NULL,
};

static const char *const direct_modes[] = { "vepa", "private", "bridge", "passthrough", NULL };

/* Host-side names libvirt makes up (and drops from persistent XML). */
static const char *const generated_ifname_prefixes[] = { "vnet", "macvtap", "macvlan", NULL };

static bool
net_ifname_generated(const char *ifname)
{
    for (int i = 0; generated_ifname_prefixes[i]; i++) {
        if (g_str_has_prefix(ifname, generated_ifname_prefixes[i]))
            return true;
    }
    return false;
}

void
domdef_net_free(DomNet *net)
{
    if (!net)
        return;
    domx_free(net->mac_extra);
    g_free(net->network);
    g_free(net->bridge);
    g_free(net->dev);
    g_free(net->direct_mode);
    domx_free(net->source);
    domx_free(net->guest_ip);
    domx_free(net->vlan);
    domx_free(net->virtualport);
    domx_free(net->bandwidth);
    domx_free(net->port);
    g_free(net->script);
    g_free(net->downscript);
    g_free(net->ifname);
    domx_free(net->target);
    g_free(net->model);
    domx_free(net->driver);
    domx_free(net->backend);
    domx_free(net->filterref);
    domx_free(net->extra);
    domdef_info_clear(&net->info);
    g_free(net);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomNet, domdef_net_free)

static char *
take_path(DomXNode *node, const char *name)
{
    g_autoptr(DomXNode) c = domx_take_one(node, name);

    return c ? domx_take_attr(c, "path") : NULL;
}

static bool
net_missing_source(const char *attr, const char *type, GError **error)
{
    g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR,
                "No <source> '%s' attribute specified with <interface type='%s'/>", attr, type);
    return false;
}

DomNet *
domdef_net_parse(DomXNode *node, unsigned int flags, GError **error)
{
    static const unsigned char qemu_prefix[3] = { 0x52, 0x54, 0x00 };
    g_autoptr(DomNet) net = g_new0(DomNet, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    g_autofree char *type = domx_take_attr(n, "type");
    g_autoptr(DomXNode) mac = domx_take_one(n, "mac");
    g_autoptr(DomXNode) model = NULL;
    DomXNode *c;
    int v;

    if (!type) {
        net->type = DOM_NET_TYPE_USER;
    } else if ((v = domdef_enum_lookup(net_type_names, type)) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "unknown interface type '%s'", type);
        return NULL;
    } else {
        net->type = (DomNetType)v;
    }

    if (mac && domx_attr(mac, "address")) {
        g_autofree char *addr = domx_take_attr(mac, "address");

        if (!mac_parse(addr, &net->mac)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "unable to parse mac address '%s'", addr);
            return NULL;
        }
    } else {
        mac_generate(qemu_prefix, &net->mac);
        net->mac_generated = true;
    }
    if (mac && !domx_is_empty(mac))
        net->mac_extra = g_steal_pointer(&mac);

    net->source = domx_take_one(n, "source");
    net->has_source = net->source != NULL;
    if (net->type == DOM_NET_TYPE_NETWORK) {
        net->network = domx_take_attr(net->source, "network");
        if (!net->network) {
            net_missing_source("network", type, error);
            return NULL;
        }
        /* The bridge a network resolved to is runtime state. */
        net->bridge = domx_take_attr(net->source, "bridge");
        if (flags & DOMDEF_PARSE_INACTIVE)
            g_clear_pointer(&net->bridge, g_free);
    } else if (net->type == DOM_NET_TYPE_BRIDGE) {
        net->bridge = domx_take_attr(net->source, "bridge");
        if (!net->bridge) {
            net_missing_source("bridge", type, error);
            return NULL;
        }
    } else if (net->type == DOM_NET_TYPE_DIRECT) {
        net->dev = domx_take_attr(net->source, "dev");
        net->direct_mode = domx_take_attr(net->source, "mode");
        if (!net->dev) {
            net_missing_source("dev", type, error);
            return NULL;
        }
        if (net->direct_mode && domdef_enum_lookup(direct_modes, net->direct_mode) < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "Unknown mode '%s' in interface <source> element", net->direct_mode);
            return NULL;
        }
        if (!net->direct_mode)
            net->direct_mode = g_strdup("vepa");
    }

    net->guest_ip = domx_new("ips");
    while ((c = domx_take_child(n, "ip")))
        domx_add_child(net->guest_ip, c);
    while ((c = domx_take_child(n, "route")))
        domx_add_child(net->guest_ip, c);
    net->vlan = domx_take_one(n, "vlan");
    net->virtualport = domx_take_one(n, "virtualport");
    net->bandwidth = domx_take_one(n, "bandwidth");
    net->port = domx_take_one(n, "port");
    net->script = take_path(n, "script");
    net->downscript = take_path(n, "downscript");
    net->target = domx_take_one(n, "target");
    net->ifname = domx_take_attr(net->target, "dev");
    if (net->ifname && (flags & DOMDEF_PARSE_INACTIVE) && net_ifname_generated(net->ifname))
        g_clear_pointer(&net->ifname, g_free);
    model = domx_take_one(n, "model");
    if (model) {
        net->model = domx_take_attr(model, "type");
        for (int i = 0; net->model && net_models[i]; i++) {
            if (g_ascii_strcasecmp(net->model, net_models[i]) == 0) {
                g_free(net->model);
                net->model = g_strdup(net_models[i]);
                break;
            }
        }
    }
    net->driver = domx_take_one(n, "driver");
    net->backend = domx_take_one(n, "backend");
    net->filterref = domx_take_one(n, "filterref");
    if (!domdef_info_parse(n, &net->info, error))
        return NULL;
    net->extra = g_steal_pointer(&n);
    return g_steal_pointer(&net);
}

void
domdef_net_format(Buf *buf, const DomNet *net, unsigned int flags)
{
    char mac[MAC_STRING_LEN];
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) children = NULL;

    buf_add(buf, "<interface");
    buf_add_attr(buf, "type", "%s", net_type_names[net->type]);
    domx_format_attrs(buf, net->extra);
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    children = buf_new_child(buf);

    mac_format(&net->mac, mac);
    buf_add(buf, "<mac");
    buf_add_attr(buf, "address", "%s", mac);
    domx_format_attrs(buf, net->mac_extra);
    buf_add(buf, "/>\n");

    if (net->network)
        buf_add_attr(attrs, "network", "%s", net->network);
    if (net->bridge && (net->type != DOM_NET_TYPE_NETWORK || !(flags & DOMDEF_FORMAT_INACTIVE)))
        buf_add_attr(attrs, "bridge", "%s", net->bridge);
    if (net->dev)
        buf_add_attr(attrs, "dev", "%s", net->dev);
    if (net->direct_mode)
        buf_add_attr(attrs, "mode", "%s", net->direct_mode);
    domx_format_attrs(attrs, net->source);
    domx_format_children(children, net->source);
    if (!buf_is_empty(attrs) || !buf_is_empty(children))
        buf_add_element(buf, "source", attrs, children);

    domx_format_children(buf, net->guest_ip);
    domx_format(buf, net->vlan);
    domx_format(buf, net->virtualport);
    domx_format(buf, net->bandwidth);
    domx_format(buf, net->port);
    if (net->script) {
        buf_add(buf, "<script");
        buf_add_attr(buf, "path", "%s", net->script);
        buf_add(buf, "/>\n");
    }
    if (net->downscript) {
        buf_add(buf, "<downscript");
        buf_add_attr(buf, "path", "%s", net->downscript);
        buf_add(buf, "/>\n");
    }
    if (net->ifname && !((flags & DOMDEF_FORMAT_INACTIVE) && net_ifname_generated(net->ifname))) {
        buf_add(buf, "<target");
        buf_add_attr(buf, "dev", "%s", net->ifname);
        domx_format_attrs(buf, net->target);
        buf_add(buf, "/>\n");
    }
    if (net->model) {
        buf_add(buf, "<model");
        buf_add_attr(buf, "type", "%s", net->model);
        buf_add(buf, "/>\n");
    }
    domx_format(buf, net->driver);
    domx_format(buf, net->backend);
    domx_format(buf, net->filterref);
    domx_format_children(buf, net->extra);
    domdef_info_format(buf, &net->info, flags);
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</interface>\n");
}
