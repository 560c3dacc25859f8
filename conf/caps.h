/*
 * caps.h: libvirt capabilities XML (virConnectGetCapabilities): build a Caps
 * in code -> format it (pure: no kernel, files or globals)
 *
 * A driver fills a Caps from what it knows (host facts from util/hostinfo.h,
 * emulators it found) and formats it with caps_format(); the same Caps then
 * answers the lookups the domain code needs (which emulator and machine for
 * <domain type='kvm'> with <os><type arch='x86_64'>hvm</type>).
 *
 * Strings passed in are copied. Structures are public for reading (drivers
 * iterate them); change them through the functions below.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/uuid.h"

/* <host><power_management> children, as a bit set */
typedef enum {
    CAPS_PM_SUSPEND_MEM = 1 << 0,
    CAPS_PM_SUSPEND_DISK = 1 << 1,
    CAPS_PM_SUSPEND_HYBRID = 1 << 2,
} CapsPowerTargets;

/* Three-state host settings: absent means the element is not written. */
typedef enum {
    CAPS_TRISTATE_ABSENT = 0,
    CAPS_TRISTATE_NO,
    CAPS_TRISTATE_YES,
} CapsTristate;

/* <guest><features> children, in the order libvirt writes them */
typedef enum {
    CAPS_GUEST_FEATURE_PAE,
    CAPS_GUEST_FEATURE_NONPAE,
    CAPS_GUEST_FEATURE_IA64_BE,
    CAPS_GUEST_FEATURE_ACPI,
    CAPS_GUEST_FEATURE_APIC,
    CAPS_GUEST_FEATURE_CPUSELECTION,
    CAPS_GUEST_FEATURE_DEVICEBOOT,
    CAPS_GUEST_FEATURE_DISKSNAPSHOT,
    CAPS_GUEST_FEATURE_HAP,
    CAPS_GUEST_FEATURE_LAST,
} CapsGuestFeatureType;

/* One host CPU inside a NUMA cell (<cpu id= socket_id= die_id= core_id=
 * siblings=/>). socket_id < 0: topology unknown, only id is written. */
typedef struct CapsCellCpu {
    unsigned id;
    int socket_id;
    int die_id;
    int core_id;
    char *siblings; /* cpuset text, e.g. "0,4" or "0-1" */
} CapsCellCpu;

typedef struct CapsCellPages {
    unsigned size_kib;
    unsigned long long count;
} CapsCellPages;

typedef struct CapsCellDistance {
    unsigned id; /* the other cell */
    unsigned value;
} CapsCellDistance;

/* One <cell> of <host><topology><cells>. */
typedef struct CapsCell {
    unsigned id;
    unsigned long long memory_kib; /* 0: no <memory> element */
    GArray *pages;                 /* CapsCellPages */
    GArray *distances;             /* CapsCellDistance */
    GArray *cpus;                  /* CapsCellCpu */
} CapsCell;

typedef struct CapsSecModel {
    char *model;                /* "none", "dac", "selinux", ... */
    char *doi;                  /* "0"; "" writes an empty <doi></doi> */
    GPtrArray *baselabel_types; /* char *: <baselabel type=...> */
    GPtrArray *baselabels;      /* char *: its text */
} CapsSecModel;

typedef struct CapsHost {
    bool have_uuid;
    unsigned char uuid[UUID_LEN];
    char *arch;               /* <cpu><arch>, e.g. "x86_64" */
    GPtrArray *arch_features; /* char *: <cpu><features><pae/>... */
    char *cpu_model;          /* NULL: no <model> */
    char *cpu_vendor;         /* NULL: no <vendor> */
    unsigned sockets;         /* 0: no <topology> */
    unsigned dies;
    unsigned cores;
    unsigned threads;
    GPtrArray *cpu_features; /* char *: <feature name=.../> */
    GArray *page_sizes;      /* unsigned KiB: <pages unit='KiB' size=.../> */
    bool have_power_management;
    unsigned power_targets; /* CapsPowerTargets */
    CapsTristate iommu;
    bool have_migration;
    bool live_migration;
    GPtrArray *uri_transports; /* char *: "tcp", "rdma" */
    GPtrArray *cells;          /* CapsCell *; empty: no <topology> */
    GPtrArray *secmodels;      /* CapsSecModel * */
} CapsHost;

/* <machine canonical= maxCpus= deprecated=>name</machine> */
typedef struct CapsMachine {
    char *name;
    char *canonical;   /* NULL: not an alias */
    unsigned max_cpus; /* 0: not written */
    bool deprecated;
} CapsMachine;

/* <domain type=...> inside a guest's <arch> */
typedef struct CapsDomain {
    char *type;          /* "qemu", "kvm", "test", "xen", ... */
    char *emulator;      /* NULL: the arch's emulator */
    GPtrArray *machines; /* CapsMachine *; empty: the arch's machines */
} CapsDomain;

typedef struct CapsGuestFeature {
    bool present;
    bool togglable;  /* writes default= and toggle= */
    bool default_on; /* default='on' / 'off' */
    bool toggle;     /* toggle='yes' / 'no' */
} CapsGuestFeature;

/* One <guest>: an os type on an arch, and the domain types that run it. */
typedef struct CapsGuest {
    char *os_type;       /* "hvm", "xen", "exe" */
    char *arch;          /* "x86_64", "i686", ... */
    unsigned wordsize;   /* 32, 64 */
    char *emulator;      /* NULL: no <emulator> */
    char *loader;        /* NULL: no <loader> */
    GPtrArray *machines; /* CapsMachine *; the first is the default */
    GPtrArray *domains;  /* CapsDomain * */
    CapsGuestFeature features[CAPS_GUEST_FEATURE_LAST];
} CapsGuest;

typedef struct Caps {
    CapsHost host;
    GPtrArray *guests; /* CapsGuest * */
} Caps;

/* What caps_lookup() resolved. Pointers borrow from the Caps. */
typedef struct CapsLookup {
    const CapsGuest *guest;
    const CapsDomain *domain;
    const char *os_type;
    const char *arch;
    const char *domain_type;
    const char *emulator; /* the domain's override, else the arch's; may be NULL */
    const char *machine;  /* the requested one, else the default; may be NULL */
    unsigned wordsize;
} CapsLookup;

/* An empty Caps whose host has @arch (may be NULL: set it later). As in
 * libvirt, <power_management/> (probed, none supported) and
 * <iommu support='no'/> are written unless changed below. */
Caps *caps_new(const char *host_arch);
void caps_free(Caps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Caps, caps_free)

/* ---- host ---- */

void caps_set_host_arch(Caps *caps, const char *arch);
void caps_set_host_uuid(Caps *caps, const unsigned char uuid[UUID_LEN]);
/* <model> and <vendor> of the host CPU; NULL leaves the element out. */
void caps_set_host_cpu(Caps *caps, const char *model, const char *vendor);
/* <topology sockets= dies= cores= threads=/>; sockets == 0 removes it. */
void caps_set_host_topology(Caps *caps, unsigned sockets, unsigned dies, unsigned cores,
                            unsigned threads);
/* <cpu><features><NAME/></features> (old style: pae, nonpae, vmx, svm). */
void caps_add_host_arch_feature(Caps *caps, const char *name);
/* <cpu><feature name=NAME/> */
void caps_add_host_cpu_feature(Caps *caps, const char *name);
/* <cpu><pages unit='KiB' size=SIZE/> */
void caps_add_host_page_size(Caps *caps, unsigned size_kib);
/* <power_management> children from @targets (CapsPowerTargets); 0 writes an
 * empty <power_management/>, meaning "probed, none supported". */
void caps_set_host_power_management(Caps *caps, unsigned targets);
/* <iommu support='yes|no'/> (written by default with 'no'). */
void caps_set_host_iommu(Caps *caps, bool supported);
/* <migration_features>: <live/> if @live, then the NULL-terminated
 * @uri_transports (may be NULL). */
void caps_set_host_migration(Caps *caps, bool live, const char *const *uri_transports);
/* Appends a NUMA cell; returned pointer is owned by @caps. */
CapsCell *caps_add_host_cell(Caps *caps, unsigned id, unsigned long long memory_kib);
/* @socket_id < 0: only the id is known. @siblings may be NULL then. */
void caps_cell_add_cpu(CapsCell *cell, unsigned id, int socket_id, int die_id, int core_id,
                       const char *siblings);
void caps_cell_add_pages(CapsCell *cell, unsigned size_kib, unsigned long long count);
void caps_cell_add_distance(CapsCell *cell, unsigned id, unsigned value);
/* Appends a <secmodel>; returned pointer is owned by @caps. */
CapsSecModel *caps_add_host_secmodel(Caps *caps, const char *model, const char *doi);
void caps_secmodel_add_baselabel(CapsSecModel *sec, const char *type, const char *label);

/* ---- guests ---- */

/* Appends a <guest>; @emulator may be NULL. Owned by @caps. */
CapsGuest *caps_add_guest(Caps *caps, const char *os_type, const char *arch, unsigned wordsize,
                          const char *emulator);
void caps_guest_set_loader(CapsGuest *guest, const char *loader);
/* Appends a machine to the arch; the first one added is the default.
 * @canonical may be NULL, @max_cpus 0. Owned by @guest. */
CapsMachine *caps_guest_add_machine(CapsGuest *guest, const char *name, const char *canonical,
                                    unsigned max_cpus);
/* Appends <domain type=TYPE>; @emulator (may be NULL) overrides the arch's. */
CapsDomain *caps_guest_add_domain(CapsGuest *guest, const char *type, const char *emulator);
/* Machines specific to one domain type (written inside its <domain>). */
CapsMachine *caps_domain_add_machine(CapsDomain *domain, const char *name, const char *canonical,
                                     unsigned max_cpus);
/* A feature without default=/toggle= (pae, cpuselection, deviceboot...). */
void caps_guest_add_feature(CapsGuest *guest, CapsGuestFeatureType feature);
/* A feature written as <NAME default='on|off' toggle='yes|no'/>. */
void caps_guest_add_feature_toggle(CapsGuest *guest, CapsGuestFeatureType feature, bool default_on,
                                   bool toggle);

const char *caps_guest_feature_to_string(CapsGuestFeatureType feature);
int caps_guest_feature_from_string(const char *name); /* -1 if unknown */

/* ---- output ---- */

/* The capabilities XML in libvirt's layout (2-space indentation, a blank
 * line after <capabilities>, </host> and each </guest>). Caller frees. */
char *caps_format(const Caps *caps);

/* ---- lookups ---- */

/* The first guest matching every non-NULL criterion (@domain_type matches
 * one of its <domain> types); NULL if none. */
const CapsGuest *caps_find_guest(const Caps *caps, const char *os_type, const char *arch,
                                 const char *domain_type);
/* The <domain> of @guest with @type; NULL if none. */
const CapsDomain *caps_guest_find_domain(const CapsGuest *guest, const char *type);
/* Emulator for @domain_type on @guest: the domain's override, else the
 * arch's; NULL if neither (or no such domain type). */
const char *caps_guest_emulator(const CapsGuest *guest, const char *domain_type);
/* Default machine for @domain_type on @guest: first of the domain's own
 * machines, else first of the arch's; NULL if none. */
const char *caps_guest_default_machine(const CapsGuest *guest, const char *domain_type);
/* True if @machine names one of the machines (or aliases) usable by
 * @domain_type on @guest. */
bool caps_guest_has_machine(const CapsGuest *guest, const char *domain_type, const char *machine);
/* Canonical name of @machine if it is an alias ("pc" -> "pc-i440fx-7.2"),
 * else @machine itself; NULL if unknown. */
const char *caps_guest_canonical_machine(const CapsGuest *guest, const char *domain_type,
                                         const char *machine);
/* Default arch for a new domain: the host's arch if a guest of @os_type
 * (NULL: any) runs it with @domain_type, else the first such guest's arch;
 * NULL if no guest fits. */
const char *caps_default_arch(const Caps *caps, const char *os_type, const char *domain_type);

/* Resolves what a domain definition leaves out, as libvirt's domain post-
 * parse does: every argument may be NULL (= any / default). @arch NULL takes
 * caps_default_arch(); @machine, if given, must exist for the guest found.
 * On failure: VIR_ERR_INVALID_ARG in CONF_CAPS_ERROR, "could not find
 * capabilities for arch=... domaintype=..." naming the given criteria. */
bool caps_lookup(const Caps *caps, const char *os_type, const char *arch, const char *domain_type,
                 const char *machine, CapsLookup *ret, GError **error);
