/*
 * domdef-devices.c: <video>, <input>, <memory> and the devices kept as
 * given (<sound>, <memballoon>, <rng>, <hostdev>, <watchdog>...)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef-priv.h"

/* ---- video ---- */

void
domdef_video_free(DomVideo *video)
{
    if (!video)
        return;
    g_free(video->model);
    domx_free(video->model_extra);
    domx_free(video->extra);
    domdef_info_clear(&video->info);
    g_free(video);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomVideo, domdef_video_free)

static bool
video_take_uint(DomXNode *model, const char *name, unsigned int *ret, GError **error)
{
    g_autofree char *v = domx_take_attr(model, name);
    guint64 n;

    if (!v)
        return true;
    if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT, &n, NULL)) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "cannot parse video %s '%s'", name, v);
        return false;
    }
    *ret = (unsigned int)n;
    return true;
}

DomVideo *
domdef_video_parse(DomXNode *node, GError **error)
{
    static const char *const types[] = { "default", "vga",   "cirrus",    "vmvga",  "xen",
                                         "vbox",    "qxl",   "parallels", "virtio", "gop",
                                         "none",    "bochs", "ramfb",     NULL };
    g_autoptr(DomVideo) video = g_new0(DomVideo, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    g_autoptr(DomXNode) model = domx_take_one(n, "model");

    if (model) {
        g_autofree char *primary = domx_take_attr(model, "primary");

        video->model = domx_take_attr(model, "type");
        if (video->model && domdef_enum_lookup(types, video->model) < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "unknown video model '%s'",
                        video->model);
            return NULL;
        }
        if (!video_take_uint(model, "ram", &video->ram, error) ||
            !video_take_uint(model, "vram", &video->vram, error) ||
            !video_take_uint(model, "vram64", &video->vram64, error) ||
            !video_take_uint(model, "vgamem", &video->vgamem, error) ||
            !video_take_uint(model, "heads", &video->heads, error))
            return NULL;
        video->primary = primary && strcmp(primary, "yes") == 0;
        video->model_extra = g_steal_pointer(&model);
        if (!video->model)
            video->model = g_strdup("default");
        /* libvirt's defaults for the common models. */
        if (!video->vram &&
            (strcmp(video->model, "vga") == 0 || strcmp(video->model, "cirrus") == 0 ||
             strcmp(video->model, "vmvga") == 0))
            video->vram = 16384;
        if (strcmp(video->model, "qxl") == 0) {
            if (!video->vram)
                video->vram = 65536;
            if (!video->ram)
                video->ram = 65536;
            if (!video->vgamem)
                video->vgamem = 16384;
        }
        if (!video->heads && strcmp(video->model, "none") != 0)
            video->heads = 1;
    }
    if (!domdef_info_parse(n, &video->info, error))
        return NULL;
    video->extra = g_steal_pointer(&n);
    return g_steal_pointer(&video);
}

void
domdef_video_format(Buf *buf, const DomVideo *video, unsigned int flags)
{
    buf_add(buf, "<video>\n");
    buf_adjust_indent(buf, 2);
    domx_format_children(buf, video->extra);
    if (video->model) {
        buf_add(buf, "<model");
        buf_add_attr(buf, "type", "%s", video->model);
        if (video->ram)
            buf_add_attr(buf, "ram", "%u", video->ram);
        if (video->vram)
            buf_add_attr(buf, "vram", "%u", video->vram);
        if (video->vram64)
            buf_add_attr(buf, "vram64", "%u", video->vram64);
        if (video->vgamem)
            buf_add_attr(buf, "vgamem", "%u", video->vgamem);
        if (video->heads)
            buf_add_attr(buf, "heads", "%u", video->heads);
        if (video->primary)
            buf_add(buf, " primary='yes'");
        domx_format_attrs(buf, video->model_extra);
        if (video->model_extra && video->model_extra->children->len) {
            buf_add(buf, ">\n");
            buf_adjust_indent(buf, 2);
            domx_format_children(buf, video->model_extra);
            buf_adjust_indent(buf, -2);
            buf_add(buf, "</model>\n");
        } else {
            buf_add(buf, "/>\n");
        }
    }
    domdef_info_format(buf, &video->info, flags);
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</video>\n");
}

/* ---- input ---- */

void
domdef_input_free(DomInput *input)
{
    if (!input)
        return;
    g_free(input->type);
    g_free(input->bus);
    domx_free(input->extra);
    domdef_info_clear(&input->info);
    g_free(input);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomInput, domdef_input_free)

DomInput *
domdef_input_parse(DomXNode *node, const DomDef *def, GError **error)
{
    static const char *const types[] = {
        "mouse", "tablet", "keyboard", "passthrough", "evdev", NULL
    };
    g_autoptr(DomInput) input = g_new0(DomInput, 1);
    g_autoptr(DomXNode) n = domx_copy(node);

    input->type = domx_take_attr(n, "type");
    if (!input->type) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "missing input device type");
        return NULL;
    }
    if (domdef_enum_lookup(types, input->type) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "unknown input device type '%s'",
                    input->type);
        return NULL;
    }
    input->bus = domx_take_attr(n, "bus");
    if (!input->bus) {
        if (strcmp(input->type, "tablet") == 0)
            input->bus = g_strdup("usb");
        else if (strcmp(input->type, "passthrough") == 0)
            input->bus = g_strdup("virtio");
        else if (strcmp(input->type, "evdev") != 0)
            input->bus = g_strdup(def->os_type && strcmp(def->os_type, "hvm") != 0 ? "xen" : "ps2");
    }
    if (!domdef_info_parse(n, &input->info, error))
        return NULL;
    input->extra = g_steal_pointer(&n);
    return g_steal_pointer(&input);
}

void
domdef_input_format(Buf *buf, const DomInput *input, unsigned int flags)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) children = buf_new_child(buf);

    buf_add_attr(attrs, "type", "%s", input->type);
    if (input->bus)
        buf_add_attr(attrs, "bus", "%s", input->bus);
    domx_format_attrs(attrs, input->extra);
    domx_format_children(children, input->extra);
    domdef_info_format(children, &input->info, flags);
    buf_add_element(buf, "input", attrs, children);
}

/* ---- memory devices ---- */

void
domdef_memory_free(DomMemory *mem)
{
    if (!mem)
        return;
    g_free(mem->model);
    domx_free(mem->node);
    domdef_info_clear(&mem->info);
    g_free(mem);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomMemory, domdef_memory_free)

static bool
memory_normalise_size(DomXNode *parent, const char *name, unsigned long long *ret, GError **error)
{
    DomXNode *c = domx_child(parent, name);
    g_autofree char *unit = NULL, *what = NULL;
    unsigned long long kib;

    if (!c)
        return true;
    unit = domx_take_attr(c, "unit");
    what = g_strdup_printf("./%s", name);
    if (!domdef_scale_kib(c->text, unit, what, &kib, error))
        return false;
    g_free(c->text);
    c->text = g_strdup_printf("%llu", kib);
    domx_set_attr(c, "unit", "KiB");
    if (ret)
        *ret = kib;
    return true;
}

DomMemory *
domdef_memory_parse(DomXNode *node, GError **error)
{
    g_autoptr(DomMemory) mem = g_new0(DomMemory, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    DomXNode *target, *src;

    mem->target_node = -1;
    mem->model = g_strdup(domx_attr(n, "model"));
    if (!mem->model) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "missing memory model");
        return NULL;
    }
    target = domx_child(n, "target");
    if (!target) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "missing memory target for memory device");
        return NULL;
    }
    if (!memory_normalise_size(target, "size", &mem->size_kib, error) ||
        !memory_normalise_size(target, "block", NULL, error) ||
        !memory_normalise_size(target, "requested", NULL, error) ||
        !memory_normalise_size(target, "label", NULL, error))
        return NULL;
    if ((src = domx_child(n, "source")) && !memory_normalise_size(src, "pagesize", NULL, error))
        return NULL;
    if (domx_child(target, "node")) {
        const char *t = domx_child(target, "node")->text;
        g_autofree char *stripped = g_strstrip(g_strdup(t ? t : ""));
        guint64 v;

        if (!g_ascii_string_to_unsigned(stripped, 10, 0, G_MAXINT, &v, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "invalid value of memory device node");
            return NULL;
        }
        mem->target_node = (int)v;
    }
    if (!domdef_info_parse(n, &mem->info, error))
        return NULL;
    mem->node = g_steal_pointer(&n);
    return g_steal_pointer(&mem);
}

void
domdef_memory_format(Buf *buf, const DomMemory *mem, unsigned int flags)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) children = buf_new_child(buf);

    domx_format_attrs(attrs, mem->node);
    domx_format_children(children, mem->node);
    domdef_info_format(children, &mem->info, flags);
    buf_add_element(buf, "memory", attrs, children);
}

/* ---- everything else ---- */

void
domdef_generic_free(DomGenericDevice *dev)
{
    if (!dev)
        return;
    domx_free(dev->node);
    domdef_info_clear(&dev->info);
    g_free(dev);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomGenericDevice, domdef_generic_free)

DomGenericDevice *
domdef_generic_parse(DomXNode *node, GError **error)
{
    g_autoptr(DomGenericDevice) dev = g_new0(DomGenericDevice, 1);

    dev->node = domx_copy(node);
    if (!domdef_info_parse(dev->node, &dev->info, error))
        return NULL;
    return g_steal_pointer(&dev);
}

void
domdef_generic_format(Buf *buf, const DomGenericDevice *dev, unsigned int flags)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) children = buf_new_child(buf);

    domx_format_attrs(attrs, dev->node);
    domx_format_children(children, dev->node);
    domdef_info_format(children, &dev->info, flags);
    if (dev->node->text && !dev->node->children->len && buf_is_empty(children)) {
        domx_format(buf, dev->node);
        return;
    }
    buf_add_element(buf, dev->node->name, attrs, children);
}
