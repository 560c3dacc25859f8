/*
 * caps-test.c: capabilities built in code -> tests/data/caps/NAME.xml,
 * each output validated against libvirt's capability.rng; lookups
 *
 * REGENERATE=1 rewrites the expected files (review them like code).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <string.h>

#include "conf/caps.h"
#include "util/error.h"

#define RNG_PATH "/usr/share/libvirt/schemas/capability.rng"

static const char *
srcdir(void)
{
    const char *dir = g_getenv("abs_top_srcdir");

    return dir ? dir : ABS_TOP_SRCDIR;
}

/* ---- the cases ---- */

/* Nothing but the host arch: what libvirt writes for a bare host. */
static Caps *
build_minimal(void)
{
    return caps_new("x86_64");
}

static void
add_x86_features(CapsGuest *guest, bool pae)
{
    if (pae) {
        caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_PAE);
        caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_NONPAE);
    }
    caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_ACPI, true, true);
    caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_APIC, true, false);
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_CPUSELECTION);
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_DEVICEBOOT);
    caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_DISKSNAPSHOT, true, false);
}

static void
add_pc_machines(CapsGuest *guest)
{
    CapsMachine *old;

    caps_guest_add_machine(guest, "pc-i440fx-7.2", NULL, 255);
    caps_guest_add_machine(guest, "pc", "pc-i440fx-7.2", 255);
    caps_guest_add_machine(guest, "pc-q35-7.2", NULL, 288);
    caps_guest_add_machine(guest, "q35", "pc-q35-7.2", 288);
    old = caps_guest_add_machine(guest, "pc-i440fx-1.4", NULL, 255);
    old->deprecated = true;
    caps_guest_add_machine(guest, "isapc", NULL, 1);
}

/* A two-node KVM host as the qemu driver would describe it. */
static Caps *
build_qemu_x86(void)
{
    Caps *caps = caps_new("x86_64");
    unsigned char uuid[UUID_LEN];
    static const char *const transports[] = { "tcp", "rdma", NULL };
    CapsSecModel *sec;
    CapsGuest *guest;
    CapsDomain *kvm;

    g_assert_true(uuid_parse("2c5b4e4a-9c3b-4d5e-8f60-7a1b2c3d4e5f", uuid));
    caps_set_host_uuid(caps, uuid);
    caps_set_host_cpu(caps, "Skylake-Server-IBRS", "Intel");
    caps_set_host_topology(caps, 1, 1, 4, 2);
    caps_add_host_cpu_feature(caps, "vmx");
    caps_add_host_cpu_feature(caps, "invtsc");
    caps_add_host_page_size(caps, 4);
    caps_add_host_page_size(caps, 2048);
    caps_set_host_power_management(caps, CAPS_PM_SUSPEND_MEM | CAPS_PM_SUSPEND_DISK);
    caps_set_host_iommu(caps, true);
    caps_set_host_migration(caps, true, transports);

    for (unsigned node = 0; node < 2; node++) {
        CapsCell *cell = caps_add_host_cell(caps, node, 16384000 + node);

        caps_cell_add_pages(cell, 4, 4096000);
        caps_cell_add_pages(cell, 2048, 0);
        caps_cell_add_distance(cell, 0, node == 0 ? 10 : 21);
        caps_cell_add_distance(cell, 1, node == 0 ? 21 : 10);
        /* CPUs 0,1,4,5 on node 0 and 2,3,6,7 on node 1; N and N+4 are threads
         * of one core */
        for (unsigned i = 0; i < 4; i++) {
            unsigned core = i % 2, id = node * 2 + core + (i / 2) * 4;
            g_autofree char *siblings = g_strdup_printf("%u,%u", id % 4, id % 4 + 4);

            caps_cell_add_cpu(cell, id, node, 0, core, siblings);
        }
    }
    /* a node without CPUs (memory only) still lists <cpus num='0'/> */
    caps_add_host_cell(caps, 2, 0);

    caps_add_host_secmodel(caps, "none", "0");
    sec = caps_add_host_secmodel(caps, "dac", "0");
    caps_secmodel_add_baselabel(sec, "kvm", "+64055:+994");
    caps_secmodel_add_baselabel(sec, "qemu", "+64055:+994");

    guest = caps_add_guest(caps, "hvm", "i686", 32, "/usr/bin/qemu-system-i386");
    add_pc_machines(guest);
    caps_guest_add_domain(guest, "qemu", NULL);
    caps_guest_add_domain(guest, "kvm", NULL);
    add_x86_features(guest, true);

    guest = caps_add_guest(caps, "hvm", "x86_64", 64, "/usr/bin/qemu-system-x86_64");
    add_pc_machines(guest);
    caps_guest_add_domain(guest, "qemu", NULL);
    /* a domain type with its own emulator and machines */
    kvm = caps_guest_add_domain(guest, "kvm", "/usr/bin/kvm");
    caps_domain_add_machine(kvm, "pc-q35-7.2", NULL, 288);
    caps_domain_add_machine(kvm, "q35", "pc-q35-7.2", 288);
    add_x86_features(guest, false);
    return caps;
}

/* The shape of libvirt's test:///default capabilities. */
static Caps *
build_test_driver(void)
{
    Caps *caps = caps_new("i686");
    CapsGuest *guest;

    caps_add_host_arch_feature(caps, "pae");
    caps_add_host_arch_feature(caps, "nonpae");
    for (unsigned node = 0; node < 2; node++) {
        CapsCell *cell = caps_add_host_cell(caps, node, 0);

        for (unsigned cpu = 0; cpu < 4; cpu++)
            caps_cell_add_cpu(cell, node * 4 + cpu, -1, -1, -1, NULL);
    }
    caps_add_host_secmodel(caps, "testSecurity", "");

    guest = caps_add_guest(caps, "hvm", "i686", 32, "/usr/bin/test-hv");
    caps_guest_add_machine(guest, "pc", NULL, 0);
    caps_guest_add_domain(guest, "test", NULL);
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_PAE);
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_NONPAE);

    guest = caps_add_guest(caps, "xen", "i686", 32, "/usr/bin/test-hv");
    caps_guest_set_loader(guest, "/usr/lib/xen/boot/hvmloader");
    caps_guest_add_domain(guest, "test", NULL);
    /* no features: no <features> element */
    return caps;
}

typedef struct CapsCase {
    const char *name;
    Caps *(*build)(void);
} CapsCase;

static const CapsCase cases[] = {
    { "minimal", build_minimal },
    { "qemu-x86", build_qemu_x86 },
    { "test-driver", build_test_driver },
};

/* ---- schema ---- */

static void collect_rng_error(void *ctx, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
collect_rng_error(void *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(ctx, fmt, ap);
    va_end(ap);
}

/* Validates @xml against capability.rng; skips (true) without the file. */
static void
assert_schema_valid(const char *xml)
{
    g_autoptr(GString) errors = g_string_new(NULL);
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr schema;
    xmlRelaxNGValidCtxtPtr vctxt;
    xmlDocPtr doc;
    int rc;

    if (!g_file_test(RNG_PATH, G_FILE_TEST_EXISTS)) {
        g_test_skip(RNG_PATH " not installed (Debian package libvirt0): schema not checked");
        return;
    }
    pctxt = xmlRelaxNGNewParserCtxt(RNG_PATH);
    schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    g_assert_nonnull(schema);
    doc = xmlReadMemory(xml, (int)strlen(xml), "caps.xml", NULL, XML_PARSE_NONET);
    g_assert_nonnull(doc);
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidErrors(vctxt, collect_rng_error, collect_rng_error, errors);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);
    xmlFreeDoc(doc);
    if (rc != 0)
        g_test_message("schema errors:\n%s", errors->str);
    g_assert_cmpint(rc, ==, 0);
}

/* ---- tests ---- */

static void
test_format(gconstpointer data)
{
    const CapsCase *c = data;
    g_autoptr(Caps) caps = c->build();
    g_autofree char *xml = caps_format(caps);
    g_autofree char *path = g_strdup_printf("%s/tests/data/caps/%s.xml", srcdir(), c->name);
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;

    if (g_getenv("REGENERATE")) {
        g_assert_true(g_file_set_contents(path, xml, -1, &error));
        g_assert_no_error(error);
    }
    g_assert_true(g_file_get_contents(path, &expected, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(xml, ==, expected);
    assert_schema_valid(xml);
}

static void
test_escape(void)
{
    g_autoptr(Caps) caps = caps_new("x86_64");
    CapsGuest *guest = caps_add_guest(caps, "hvm", "x86_64", 64, "/opt/a&b/qemu");
    g_autofree char *xml = NULL;

    caps_guest_add_machine(guest, "m<1>", "it's", 0);
    caps_guest_add_domain(guest, "qemu", NULL);
    xml = caps_format(caps);
    g_assert_nonnull(strstr(xml, "<emulator>/opt/a&amp;b/qemu</emulator>"));
    g_assert_nonnull(strstr(xml, "<machine canonical='it&apos;s'>m&lt;1&gt;</machine>"));
}

static void
test_feature_names(void)
{
    for (int i = 0; i < CAPS_GUEST_FEATURE_LAST; i++) {
        const char *name = caps_guest_feature_to_string(i);

        g_assert_nonnull(name);
        g_assert_cmpint(caps_guest_feature_from_string(name), ==, i);
    }
    g_assert_null(caps_guest_feature_to_string(CAPS_GUEST_FEATURE_LAST));
    g_assert_cmpint(caps_guest_feature_from_string("nosuch"), ==, -1);
    g_assert_cmpint(caps_guest_feature_from_string(NULL), ==, -1);
}

static void
test_find(void)
{
    g_autoptr(Caps) caps = build_qemu_x86();
    const CapsGuest *g;

    g = caps_find_guest(caps, "hvm", "x86_64", "kvm");
    g_assert_nonnull(g);
    g_assert_cmpstr(g->arch, ==, "x86_64");
    g_assert_cmpstr(caps_guest_emulator(g, "kvm"), ==, "/usr/bin/kvm");
    g_assert_cmpstr(caps_guest_emulator(g, "qemu"), ==, "/usr/bin/qemu-system-x86_64");
    g_assert_null(caps_guest_emulator(g, "xen"));
    g_assert_cmpstr(caps_guest_default_machine(g, "qemu"), ==, "pc-i440fx-7.2");
    g_assert_cmpstr(caps_guest_default_machine(g, "kvm"), ==, "pc-q35-7.2");
    g_assert_cmpstr(caps_guest_default_machine(g, NULL), ==, "pc-i440fx-7.2");
    g_assert_null(caps_guest_default_machine(g, "xen"));

    g_assert_true(caps_guest_has_machine(g, "qemu", "pc"));
    g_assert_true(caps_guest_has_machine(g, "qemu", "isapc"));
    g_assert_false(caps_guest_has_machine(g, "kvm", "isapc")); /* kvm has its own list */
    g_assert_cmpstr(caps_guest_canonical_machine(g, "qemu", "pc"), ==, "pc-i440fx-7.2");
    g_assert_cmpstr(caps_guest_canonical_machine(g, "qemu", "pc-q35-7.2"), ==, "pc-q35-7.2");
    g_assert_cmpstr(caps_guest_canonical_machine(g, "qemu", "isapc"), ==, "isapc");
    g_assert_null(caps_guest_canonical_machine(g, "qemu", "virt"));

    g_assert_nonnull(caps_find_guest(caps, NULL, "i686", NULL));
    g_assert_null(caps_find_guest(caps, "xen", NULL, NULL));
    g_assert_null(caps_find_guest(caps, "hvm", "aarch64", NULL));
    g_assert_null(caps_find_guest(caps, "hvm", NULL, "test"));
    g_assert_nonnull(caps_guest_find_domain(g, "qemu"));
    g_assert_null(caps_guest_find_domain(g, "lxc"));
}

static void
test_default_arch(void)
{
    g_autoptr(Caps) caps = build_qemu_x86();
    g_autoptr(Caps) test = build_test_driver();

    /* the host's arch wins although i686 comes first */
    g_assert_cmpstr(caps_default_arch(caps, "hvm", "kvm"), ==, "x86_64");
    g_assert_cmpstr(caps_default_arch(caps, NULL, NULL), ==, "x86_64");
    g_assert_null(caps_default_arch(caps, "hvm", "xen"));

    caps_set_host_arch(caps, "aarch64"); /* no aarch64 guest: first that fits */
    g_assert_cmpstr(caps_default_arch(caps, "hvm", "qemu"), ==, "i686");

    g_assert_cmpstr(caps_default_arch(test, "xen", "test"), ==, "i686");
}

static void
test_lookup(void)
{
    g_autoptr(Caps) caps = build_qemu_x86();
    g_autoptr(GError) error = NULL;
    CapsLookup l;

    /* no arch: the host's */
    g_assert_true(caps_lookup(caps, "hvm", NULL, "qemu", NULL, &l, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(l.arch, ==, "x86_64");
    g_assert_cmpstr(l.domain_type, ==, "qemu");
    g_assert_cmpstr(l.emulator, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_cmpstr(l.machine, ==, "pc-i440fx-7.2");
    g_assert_cmpuint(l.wordsize, ==, 64);

    /* domain override and its own machines */
    g_assert_true(caps_lookup(caps, "hvm", "x86_64", "kvm", NULL, &l, &error));
    g_assert_cmpstr(l.emulator, ==, "/usr/bin/kvm");
    g_assert_cmpstr(l.machine, ==, "pc-q35-7.2");

    /* an alias is kept as asked */
    g_assert_true(caps_lookup(caps, NULL, "i686", NULL, "pc", &l, &error));
    g_assert_cmpstr(l.arch, ==, "i686");
    g_assert_cmpstr(l.domain_type, ==, "qemu");
    g_assert_cmpstr(l.machine, ==, "pc");
    g_assert_cmpuint(l.wordsize, ==, 32);

    /* a machine only one domain type has picks that domain type */
    g_assert_true(caps_lookup(caps, "hvm", "x86_64", NULL, "isapc", &l, &error));
    g_assert_cmpstr(l.domain_type, ==, "qemu");

    g_assert_false(caps_lookup(caps, "hvm", "x86_64", "kvm", "isapc", &l, &error));
    g_assert_error(error, CONF_CAPS_ERROR, VIR_ERR_INVALID_ARG);
    g_assert_cmpstr(error->message, ==,
                    "could not find capabilities for arch=x86_64 domaintype=kvm machine=isapc ");
    g_clear_error(&error);

    g_assert_false(caps_lookup(caps, "xen", "aarch64", NULL, NULL, &l, &error));
    g_assert_cmpstr(error->message, ==, "could not find capabilities for ostype=xen arch=aarch64 ");
    g_clear_error(&error);

    {
        g_autoptr(Caps) empty = caps_new(NULL);

        g_assert_false(caps_lookup(empty, NULL, NULL, NULL, NULL, &l, &error));
        g_assert_cmpstr(error->message, ==, "could not find capabilities for any configuration");
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/caps/format/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_format);
    }
    g_test_add_func("/caps/escape", test_escape);
    g_test_add_func("/caps/feature-names", test_feature_names);
    g_test_add_func("/caps/find", test_find);
    g_test_add_func("/caps/default-arch", test_default_arch);
    g_test_add_func("/caps/lookup", test_lookup);
    return g_test_run();
}
