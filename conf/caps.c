/*
 * caps.c: libvirt capabilities XML: build in code, format, look up
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/caps.h"
#include "util/buf.h"
#include "util/error.h"

static const char *const guest_feature_names[CAPS_GUEST_FEATURE_LAST] = {
    [CAPS_GUEST_FEATURE_PAE] = "pae",
    [CAPS_GUEST_FEATURE_NONPAE] = "nonpae",
    [CAPS_GUEST_FEATURE_IA64_BE] = "ia64_be",
    [CAPS_GUEST_FEATURE_ACPI] = "acpi",
    [CAPS_GUEST_FEATURE_APIC] = "apic",
    [CAPS_GUEST_FEATURE_CPUSELECTION] = "cpuselection",
    [CAPS_GUEST_FEATURE_DEVICEBOOT] = "deviceboot",
    [CAPS_GUEST_FEATURE_DISKSNAPSHOT] = "disksnapshot",
    [CAPS_GUEST_FEATURE_HAP] = "hap",
};

/* Bit order is libvirt's: suspend_mem, suspend_disk, suspend_hybrid. */
static const char *const power_target_names[] = {
    "suspend_mem",
    "suspend_disk",
    "suspend_hybrid",
};

const char *
caps_guest_feature_to_string(CapsGuestFeatureType feature)
{
    if ((unsigned)feature >= CAPS_GUEST_FEATURE_LAST)
        return NULL;
    return guest_feature_names[feature];
}

int
caps_guest_feature_from_string(const char *name)
{
    for (int i = 0; name && i < CAPS_GUEST_FEATURE_LAST; i++) {
        if (strcmp(guest_feature_names[i], name) == 0)
            return i;
    }
    return -1;
}

/* ---- construction and release ---- */

static void
caps_cell_cpu_clear(gpointer data)
{
    CapsCellCpu *cpu = data;

    g_free(cpu->siblings);
}

static void
caps_cell_free(gpointer data)
{
    CapsCell *cell = data;

    if (!cell)
        return;
    if (cell->pages)
        g_array_unref(cell->pages);
    if (cell->distances)
        g_array_unref(cell->distances);
    if (cell->cpus)
        g_array_unref(cell->cpus);
    g_free(cell);
}

static void
caps_secmodel_free(gpointer data)
{
    CapsSecModel *sec = data;

    if (!sec)
        return;
    g_free(sec->model);
    g_free(sec->doi);
    if (sec->baselabel_types)
        g_ptr_array_unref(sec->baselabel_types);
    if (sec->baselabels)
        g_ptr_array_unref(sec->baselabels);
    g_free(sec);
}

static void
caps_machine_free(gpointer data)
{
    CapsMachine *machine = data;

    if (!machine)
        return;
    g_free(machine->name);
    g_free(machine->canonical);
    g_free(machine);
}

static void
caps_domain_free(gpointer data)
{
    CapsDomain *domain = data;

    if (!domain)
        return;
    g_free(domain->type);
    g_free(domain->emulator);
    if (domain->machines)
        g_ptr_array_unref(domain->machines);
    g_free(domain);
}

static void
caps_guest_free(gpointer data)
{
    CapsGuest *guest = data;

    if (!guest)
        return;
    g_free(guest->os_type);
    g_free(guest->arch);
    g_free(guest->emulator);
    g_free(guest->loader);
    if (guest->machines)
        g_ptr_array_unref(guest->machines);
    if (guest->domains)
        g_ptr_array_unref(guest->domains);
    g_free(guest);
}

Caps *
caps_new(const char *host_arch)
{
    Caps *caps = g_new0(Caps, 1);
    CapsHost *host = &caps->host;

    host->arch = g_strdup(host_arch);
    host->arch_features = g_ptr_array_new_with_free_func(g_free);
    host->cpu_features = g_ptr_array_new_with_free_func(g_free);
    host->page_sizes = g_array_new(FALSE, FALSE, sizeof(unsigned));
    host->have_power_management = true;
    host->iommu = CAPS_TRISTATE_NO;
    host->uri_transports = g_ptr_array_new_with_free_func(g_free);
    host->cells = g_ptr_array_new_with_free_func(caps_cell_free);
    host->secmodels = g_ptr_array_new_with_free_func(caps_secmodel_free);
    caps->guests = g_ptr_array_new_with_free_func(caps_guest_free);
    return caps;
}

void
caps_free(Caps *caps)
{
    CapsHost *host;

    if (!caps)
        return;
    host = &caps->host;
    g_free(host->arch);
    g_free(host->cpu_model);
    g_free(host->cpu_vendor);
    if (host->arch_features)
        g_ptr_array_unref(host->arch_features);
    if (host->cpu_features)
        g_ptr_array_unref(host->cpu_features);
    if (host->page_sizes)
        g_array_unref(host->page_sizes);
    if (host->uri_transports)
        g_ptr_array_unref(host->uri_transports);
    if (host->cells)
        g_ptr_array_unref(host->cells);
    if (host->secmodels)
        g_ptr_array_unref(host->secmodels);
    if (caps->guests)
        g_ptr_array_unref(caps->guests);
    g_free(caps);
}

/* ---- host ---- */

void
caps_set_host_arch(Caps *caps, const char *arch)
{
    g_free(caps->host.arch);
    caps->host.arch = g_strdup(arch);
}

void
caps_set_host_uuid(Caps *caps, const unsigned char uuid[UUID_LEN])
{
    memcpy(caps->host.uuid, uuid, UUID_LEN);
    caps->host.have_uuid = true;
}

void
caps_set_host_cpu(Caps *caps, const char *model, const char *vendor)
{
    g_free(caps->host.cpu_model);
    g_free(caps->host.cpu_vendor);
    caps->host.cpu_model = g_strdup(model);
    caps->host.cpu_vendor = g_strdup(vendor);
}

void
caps_set_host_topology(Caps *caps, unsigned sockets, unsigned dies, unsigned cores,
                       unsigned threads)
{
    caps->host.sockets = sockets;
    caps->host.dies = dies;
    caps->host.cores = cores;
    caps->host.threads = threads;
}

void
caps_add_host_arch_feature(Caps *caps, const char *name)
{
    g_ptr_array_add(caps->host.arch_features, g_strdup(name));
}

void
caps_add_host_cpu_feature(Caps *caps, const char *name)
{
    g_ptr_array_add(caps->host.cpu_features, g_strdup(name));
}

void
caps_add_host_page_size(Caps *caps, unsigned size_kib)
{
    g_array_append_val(caps->host.page_sizes, size_kib);
}

void
caps_set_host_power_management(Caps *caps, unsigned targets)
{
    caps->host.have_power_management = true;
    caps->host.power_targets = targets;
}

void
caps_set_host_iommu(Caps *caps, bool supported)
{
    caps->host.iommu = supported ? CAPS_TRISTATE_YES : CAPS_TRISTATE_NO;
}

void
caps_set_host_migration(Caps *caps, bool live, const char *const *uri_transports)
{
    caps->host.have_migration = true;
    caps->host.live_migration = live;
    g_ptr_array_set_size(caps->host.uri_transports, 0);
    for (size_t i = 0; uri_transports && uri_transports[i]; i++)
        g_ptr_array_add(caps->host.uri_transports, g_strdup(uri_transports[i]));
}

CapsCell *
caps_add_host_cell(Caps *caps, unsigned id, unsigned long long memory_kib)
{
    CapsCell *cell = g_new0(CapsCell, 1);

    cell->id = id;
    cell->memory_kib = memory_kib;
    cell->pages = g_array_new(FALSE, FALSE, sizeof(CapsCellPages));
    cell->distances = g_array_new(FALSE, FALSE, sizeof(CapsCellDistance));
    cell->cpus = g_array_new(FALSE, FALSE, sizeof(CapsCellCpu));
    g_array_set_clear_func(cell->cpus, caps_cell_cpu_clear);
    g_ptr_array_add(caps->host.cells, cell);
    return cell;
}

void
caps_cell_add_cpu(CapsCell *cell, unsigned id, int socket_id, int die_id, int core_id,
                  const char *siblings)
{
    CapsCellCpu cpu = {
        .id = id,
        .socket_id = socket_id,
        .die_id = die_id,
        .core_id = core_id,
        .siblings = g_strdup(siblings),
    };

    g_array_append_val(cell->cpus, cpu);
}

void
caps_cell_add_pages(CapsCell *cell, unsigned size_kib, unsigned long long count)
{
    CapsCellPages pages = { .size_kib = size_kib, .count = count };

    g_array_append_val(cell->pages, pages);
}

void
caps_cell_add_distance(CapsCell *cell, unsigned id, unsigned value)
{
    CapsCellDistance distance = { .id = id, .value = value };

    g_array_append_val(cell->distances, distance);
}

CapsSecModel *
caps_add_host_secmodel(Caps *caps, const char *model, const char *doi)
{
    CapsSecModel *sec = g_new0(CapsSecModel, 1);

    sec->model = g_strdup(model);
    sec->doi = g_strdup(doi ? doi : "");
    sec->baselabel_types = g_ptr_array_new_with_free_func(g_free);
    sec->baselabels = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(caps->host.secmodels, sec);
    return sec;
}

void
caps_secmodel_add_baselabel(CapsSecModel *sec, const char *type, const char *label)
{
    g_ptr_array_add(sec->baselabel_types, g_strdup(type));
    g_ptr_array_add(sec->baselabels, g_strdup(label));
}

/* ---- guests ---- */

static CapsMachine *
caps_machine_new(const char *name, const char *canonical, unsigned max_cpus)
{
    CapsMachine *machine = g_new0(CapsMachine, 1);

    machine->name = g_strdup(name);
    machine->canonical = g_strdup(canonical);
    machine->max_cpus = max_cpus;
    return machine;
}

CapsGuest *
caps_add_guest(Caps *caps, const char *os_type, const char *arch, unsigned wordsize,
               const char *emulator)
{
    CapsGuest *guest = g_new0(CapsGuest, 1);

    guest->os_type = g_strdup(os_type);
    guest->arch = g_strdup(arch);
    guest->wordsize = wordsize;
    guest->emulator = g_strdup(emulator);
    guest->machines = g_ptr_array_new_with_free_func(caps_machine_free);
    guest->domains = g_ptr_array_new_with_free_func(caps_domain_free);
    g_ptr_array_add(caps->guests, guest);
    return guest;
}

void
caps_guest_set_loader(CapsGuest *guest, const char *loader)
{
    g_free(guest->loader);
    guest->loader = g_strdup(loader);
}

CapsMachine *
caps_guest_add_machine(CapsGuest *guest, const char *name, const char *canonical, unsigned max_cpus)
{
    CapsMachine *machine = caps_machine_new(name, canonical, max_cpus);

    g_ptr_array_add(guest->machines, machine);
    return machine;
}

CapsDomain *
caps_guest_add_domain(CapsGuest *guest, const char *type, const char *emulator)
{
    CapsDomain *domain = g_new0(CapsDomain, 1);

    domain->type = g_strdup(type);
    domain->emulator = g_strdup(emulator);
    domain->machines = g_ptr_array_new_with_free_func(caps_machine_free);
    g_ptr_array_add(guest->domains, domain);
    return domain;
}

CapsMachine *
caps_domain_add_machine(CapsDomain *domain, const char *name, const char *canonical,
                        unsigned max_cpus)
{
    CapsMachine *machine = caps_machine_new(name, canonical, max_cpus);

    g_ptr_array_add(domain->machines, machine);
    return machine;
}

void
caps_guest_add_feature(CapsGuest *guest, CapsGuestFeatureType feature)
{
    g_assert((unsigned)feature < CAPS_GUEST_FEATURE_LAST);
    guest->features[feature] = (CapsGuestFeature){ .present = true };
}

void
caps_guest_add_feature_toggle(CapsGuest *guest, CapsGuestFeatureType feature, bool default_on,
                              bool toggle)
{
    g_assert((unsigned)feature < CAPS_GUEST_FEATURE_LAST);
    guest->features[feature] = (CapsGuestFeature){
        .present = true,
        .togglable = true,
        .default_on = default_on,
        .toggle = toggle,
    };
}

/* ---- output ---- */

/* <NAME>TEXT</NAME> on its own line, TEXT escaped. */
static void
format_text_element(Buf *buf, const char *name, const char *text)
{
    buf_addf(buf, "<%s>", name);
    buf_add_escaped(buf, text);
    buf_addf(buf, "</%s>\n", name);
}

static void
format_host_cpu(Buf *buf, const CapsHost *host)
{
    g_autoptr(Buf) child = buf_new_child(buf);

    if (host->arch)
        format_text_element(child, "arch", host->arch);
    if (host->arch_features->len > 0) {
        g_autoptr(Buf) features = buf_new_child(child);

        for (guint i = 0; i < host->arch_features->len; i++)
            buf_addf(features, "<%s/>\n", (const char *)host->arch_features->pdata[i]);
        buf_add_element(child, "features", NULL, features);
    }
    if (host->cpu_model)
        format_text_element(child, "model", host->cpu_model);
    if (host->cpu_vendor)
        format_text_element(child, "vendor", host->cpu_vendor);
    if (host->sockets > 0) {
        buf_add(child, "<topology");
        buf_add_attr(child, "sockets", "%u", host->sockets);
        if (host->dies > 0)
            buf_add_attr(child, "dies", "%u", host->dies);
        buf_add_attr(child, "cores", "%u", host->cores);
        buf_add_attr(child, "threads", "%u", host->threads);
        buf_add(child, "/>\n");
    }
    for (guint i = 0; i < host->cpu_features->len; i++) {
        buf_add(child, "<feature");
        buf_add_attr(child, "name", "%s", (const char *)host->cpu_features->pdata[i]);
        buf_add(child, "/>\n");
    }
    for (guint i = 0; i < host->page_sizes->len; i++)
        buf_addf(child, "<pages unit='KiB' size='%u'/>\n",
                 g_array_index(host->page_sizes, unsigned, i));
    buf_add_element(buf, "cpu", NULL, child);
}

static void
format_cell(Buf *buf, const CapsCell *cell)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) child = buf_new_child(buf);
    g_autoptr(Buf) sub = buf_new_child(child);

    if (cell->memory_kib > 0)
        buf_addf(child, "<memory unit='KiB'>%llu</memory>\n", cell->memory_kib);
    for (guint i = 0; i < cell->pages->len; i++) {
        const CapsCellPages *p = &g_array_index(cell->pages, CapsCellPages, i);

        buf_addf(child, "<pages unit='KiB' size='%u'>%llu</pages>\n", p->size_kib, p->count);
    }
    for (guint i = 0; i < cell->distances->len; i++) {
        const CapsCellDistance *d = &g_array_index(cell->distances, CapsCellDistance, i);

        buf_addf(sub, "<sibling id='%u' value='%u'/>\n", d->id, d->value);
    }
    if (!buf_is_empty(sub))
        buf_add_element(child, "distances", NULL, sub);
    /* <cpus num=...> is written even for a cell without CPUs, as libvirt does */
    for (guint i = 0; i < cell->cpus->len; i++) {
        const CapsCellCpu *c = &g_array_index(cell->cpus, CapsCellCpu, i);

        buf_addf(sub, "<cpu id='%u'", c->id);
        if (c->socket_id >= 0 && c->siblings) {
            buf_add_attr(sub, "socket_id", "%d", c->socket_id);
            buf_add_attr(sub, "die_id", "%d", MAX(c->die_id, 0));
            buf_add_attr(sub, "core_id", "%d", MAX(c->core_id, 0));
            buf_add_attr(sub, "siblings", "%s", c->siblings);
        }
        buf_add(sub, "/>\n");
    }
    buf_add_attr(attrs, "num", "%u", cell->cpus->len);
    buf_add_element(child, "cpus", attrs, sub);

    buf_add_attr(attrs, "id", "%u", cell->id);
    buf_add_element(buf, "cell", attrs, child);
}

static void
format_host(Buf *buf, const CapsHost *host)
{
    g_autoptr(Buf) child = buf_new_child(buf);

    if (host->have_uuid) {
        char uuid[UUID_STRING_LEN];

        uuid_format(host->uuid, uuid);
        format_text_element(child, "uuid", uuid);
    }
    format_host_cpu(child, host);

    if (host->have_power_management) {
        g_autoptr(Buf) pm = buf_new_child(child);

        for (guint bit = 0; bit < G_N_ELEMENTS(power_target_names); bit++) {
            if (host->power_targets & (1u << bit))
                buf_addf(pm, "<%s/>\n", power_target_names[bit]);
        }
        buf_add_element(child, "power_management", NULL, pm);
    }
    if (host->iommu != CAPS_TRISTATE_ABSENT)
        buf_addf(child, "<iommu support='%s'/>\n", host->iommu == CAPS_TRISTATE_YES ? "yes" : "no");

    if (host->have_migration) {
        g_autoptr(Buf) mig = buf_new_child(child);

        if (host->live_migration)
            buf_add(mig, "<live/>\n");
        if (host->uri_transports->len > 0) {
            g_autoptr(Buf) list = buf_new_child(mig);

            for (guint i = 0; i < host->uri_transports->len; i++)
                format_text_element(list, "uri_transport", host->uri_transports->pdata[i]);
            buf_add_element(mig, "uri_transports", NULL, list);
        }
        buf_add_element(child, "migration_features", NULL, mig);
    }

    if (host->cells->len > 0) {
        g_autoptr(Buf) topo = buf_new_child(child);
        g_autoptr(Buf) cells = buf_new_child(topo);
        g_autoptr(Buf) attrs = buf_new();

        for (guint i = 0; i < host->cells->len; i++)
            format_cell(cells, host->cells->pdata[i]);
        buf_add_attr(attrs, "num", "%u", host->cells->len);
        buf_add_element(topo, "cells", attrs, cells);
        buf_add_element(child, "topology", NULL, topo);
    }

    for (guint i = 0; i < host->secmodels->len; i++) {
        const CapsSecModel *sec = host->secmodels->pdata[i];
        g_autoptr(Buf) sm = buf_new_child(child);

        format_text_element(sm, "model", sec->model);
        format_text_element(sm, "doi", sec->doi);
        for (guint j = 0; j < sec->baselabels->len; j++) {
            buf_add(sm, "<baselabel");
            buf_add_attr(sm, "type", "%s", (const char *)sec->baselabel_types->pdata[j]);
            buf_add(sm, ">");
            buf_add_escaped(sm, sec->baselabels->pdata[j]);
            buf_add(sm, "</baselabel>\n");
        }
        buf_add_element(child, "secmodel", NULL, sm);
    }

    buf_add_element(buf, "host", NULL, child);
}

/* libvirt writes deprecated= for the arch's machines only, not inside
 * <domain>. */
static void
format_machines(Buf *buf, const GPtrArray *machines, bool with_deprecated)
{
    for (guint i = 0; i < machines->len; i++) {
        const CapsMachine *m = machines->pdata[i];

        buf_add(buf, "<machine");
        if (m->canonical)
            buf_add_attr(buf, "canonical", "%s", m->canonical);
        if (m->max_cpus > 0)
            buf_add_attr(buf, "maxCpus", "%u", m->max_cpus);
        if (with_deprecated && m->deprecated)
            buf_add(buf, " deprecated='yes'");
        buf_add(buf, ">");
        buf_add_escaped(buf, m->name);
        buf_add(buf, "</machine>\n");
    }
}

static void
format_guest(Buf *buf, const CapsGuest *guest)
{
    g_autoptr(Buf) child = buf_new_child(buf);
    g_autoptr(Buf) arch = buf_new_child(child);
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) features = buf_new_child(child);

    format_text_element(child, "os_type", guest->os_type);

    buf_addf(arch, "<wordsize>%u</wordsize>\n", guest->wordsize);
    if (guest->emulator)
        format_text_element(arch, "emulator", guest->emulator);
    if (guest->loader)
        format_text_element(arch, "loader", guest->loader);
    format_machines(arch, guest->machines, true);
    for (guint i = 0; i < guest->domains->len; i++) {
        const CapsDomain *d = guest->domains->pdata[i];
        g_autoptr(Buf) dattrs = buf_new();
        g_autoptr(Buf) dchild = buf_new_child(arch);

        buf_add_attr(dattrs, "type", "%s", d->type);
        if (d->emulator)
            format_text_element(dchild, "emulator", d->emulator);
        format_machines(dchild, d->machines, false);
        buf_add_element(arch, "domain", dattrs, dchild);
    }
    buf_add_attr(attrs, "name", "%s", guest->arch);
    /* <arch> always has children (<wordsize>), so it is never self-closed */
    buf_add_element(child, "arch", attrs, arch);

    for (int i = 0; i < CAPS_GUEST_FEATURE_LAST; i++) {
        const CapsGuestFeature *f = &guest->features[i];

        if (!f->present)
            continue;
        buf_addf(features, "<%s", guest_feature_names[i]);
        if (f->togglable)
            buf_addf(features, " default='%s' toggle='%s'", f->default_on ? "on" : "off",
                     f->toggle ? "yes" : "no");
        buf_add(features, "/>\n");
    }
    if (!buf_is_empty(features))
        buf_add_element(child, "features", NULL, features);

    buf_add_element(buf, "guest", NULL, child);
}

char *
caps_format(const Caps *caps)
{
    g_autoptr(Buf) buf = buf_new();

    buf_add(buf, "<capabilities>\n\n");
    buf_adjust_indent(buf, 2);
    format_host(buf, &caps->host);
    buf_add(buf, "\n");
    for (guint i = 0; i < caps->guests->len; i++) {
        format_guest(buf, caps->guests->pdata[i]);
        buf_add(buf, "\n");
    }
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</capabilities>\n");
    return buf_steal(buf);
}

/* ---- lookups ---- */

const CapsDomain *
caps_guest_find_domain(const CapsGuest *guest, const char *type)
{
    for (guint i = 0; i < guest->domains->len; i++) {
        const CapsDomain *d = guest->domains->pdata[i];

        if (!type || strcmp(d->type, type) == 0)
            return d;
    }
    return NULL;
}

const CapsGuest *
caps_find_guest(const Caps *caps, const char *os_type, const char *arch, const char *domain_type)
{
    for (guint i = 0; i < caps->guests->len; i++) {
        const CapsGuest *g = caps->guests->pdata[i];

        if (os_type && g_strcmp0(g->os_type, os_type) != 0)
            continue;
        if (arch && g_strcmp0(g->arch, arch) != 0)
            continue;
        if (domain_type && !caps_guest_find_domain(g, domain_type))
            continue;
        return g;
    }
    return NULL;
}

const char *
caps_guest_emulator(const CapsGuest *guest, const char *domain_type)
{
    const CapsDomain *d = caps_guest_find_domain(guest, domain_type);

    if (!d)
        return NULL;
    return d->emulator ? d->emulator : guest->emulator;
}

/* A domain type's own machines override the arch's (libvirt's rule). */
static const GPtrArray *
machines_for(const CapsGuest *guest, const CapsDomain *domain)
{
    if (domain && domain->machines->len > 0)
        return domain->machines;
    return guest->machines;
}

static const CapsMachine *
machine_lookup(const GPtrArray *machines, const char *name)
{
    for (guint i = 0; i < machines->len; i++) {
        const CapsMachine *m = machines->pdata[i];

        if (strcmp(m->name, name) == 0 || g_strcmp0(m->canonical, name) == 0)
            return m;
    }
    return NULL;
}

const char *
caps_guest_default_machine(const CapsGuest *guest, const char *domain_type)
{
    const CapsDomain *d = domain_type ? caps_guest_find_domain(guest, domain_type) : NULL;
    const GPtrArray *machines;

    if (domain_type && !d)
        return NULL;
    machines = machines_for(guest, d);
    if (machines->len == 0)
        return NULL;
    return ((const CapsMachine *)machines->pdata[0])->name;
}

bool
caps_guest_has_machine(const CapsGuest *guest, const char *domain_type, const char *machine)
{
    return caps_guest_canonical_machine(guest, domain_type, machine) != NULL;
}

const char *
caps_guest_canonical_machine(const CapsGuest *guest, const char *domain_type, const char *machine)
{
    const CapsDomain *d = domain_type ? caps_guest_find_domain(guest, domain_type) : NULL;
    const CapsMachine *m;

    if (!machine || (domain_type && !d))
        return NULL;
    if (!(m = machine_lookup(machines_for(guest, d), machine)))
        return NULL;
    return m->canonical ? m->canonical : m->name;
}

const char *
caps_default_arch(const Caps *caps, const char *os_type, const char *domain_type)
{
    const CapsGuest *g = NULL;

    if (caps->host.arch)
        g = caps_find_guest(caps, os_type, caps->host.arch, domain_type);
    if (!g)
        g = caps_find_guest(caps, os_type, NULL, domain_type);
    return g ? g->arch : NULL;
}

/* The name asked for is kept, alias or not, as libvirt does; without one,
 * the default (first) machine. Borrowed from @m. */
static const char *
lookup_machine_name(const CapsMachine *m, const char *asked)
{
    if (!m)
        return NULL;
    if (asked && strcmp(m->name, asked) != 0)
        return m->canonical;
    return m->name;
}

/* One pass of caps_lookup() with a fixed @arch (NULL: any). */
static bool
lookup_once(const Caps *caps, const char *os_type, const char *arch, const char *domain_type,
            const char *machine, CapsLookup *ret)
{
    for (guint i = 0; i < caps->guests->len; i++) {
        const CapsGuest *g = caps->guests->pdata[i];

        if (os_type && g_strcmp0(g->os_type, os_type) != 0)
            continue;
        if (arch && g_strcmp0(g->arch, arch) != 0)
            continue;
        for (guint j = 0; j < g->domains->len; j++) {
            const CapsDomain *d = g->domains->pdata[j];
            const GPtrArray *machines = machines_for(g, d);
            const CapsMachine *m = NULL;

            if (domain_type && strcmp(d->type, domain_type) != 0)
                continue;
            if (machine) {
                if (!(m = machine_lookup(machines, machine)) && machines->len > 0)
                    continue;
            } else if (machines->len > 0) {
                m = machines->pdata[0];
            }
            *ret = (CapsLookup){
                .guest = g,
                .domain = d,
                .os_type = g->os_type,
                .arch = g->arch,
                .domain_type = d->type,
                .emulator = d->emulator ? d->emulator : g->emulator,
                /* the name asked for is kept, alias or not, as libvirt does */
                .machine = lookup_machine_name(m, machine),
                .wordsize = g->wordsize,
            };
            return true;
        }
    }
    return false;
}

bool
caps_lookup(const Caps *caps, const char *os_type, const char *arch, const char *domain_type,
            const char *machine, CapsLookup *ret, GError **error)
{
    g_autoptr(GString) what = NULL;

    /* Without an arch the host's is preferred, as libvirt does. */
    if (!arch && caps->host.arch &&
        lookup_once(caps, os_type, caps->host.arch, domain_type, machine, ret))
        return true;
    if (lookup_once(caps, os_type, arch, domain_type, machine, ret))
        return true;

    what = g_string_new(NULL);
    /* libvirt's message leaves out ostype=hvm (its enum value 0 reads as
     * "unset"); the trailing blank is libvirt's too. */
    if (os_type && strcmp(os_type, "hvm") != 0)
        g_string_append_printf(what, "ostype=%s ", os_type);
    if (arch)
        g_string_append_printf(what, "arch=%s ", arch);
    if (domain_type)
        g_string_append_printf(what, "domaintype=%s ", domain_type);
    if (machine)
        g_string_append_printf(what, "machine=%s ", machine);
    if (what->len == 0)
        g_string_append(what, "any configuration");
    g_set_error(error, CONF_CAPS_ERROR, VIR_ERR_INVALID_ARG, "could not find capabilities for %s",
                what->str);
    return false;
}
