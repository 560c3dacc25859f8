/*
 * dom-api-client.c: every domain operation and state transition through
 * this tree's libvirt.so.0 (public API only), against a virtnoded running
 * real qemu guests under TCG. Run by tests/dom-api-e2e.sh, which starts
 * the agent and its `default` network and relays this program's TAP.
 *
 * Usage: dom-api-client [--tap] URI GUEST_DIR WORK_DIR
 *   GUEST_DIR holds the test guest (vmlinuz, initramfs.cpio.gz, cmdline:
 *   tests/guest/README.md); WORK_DIR gets the guests' serial consoles.
 *
 * The cases run in order on one guest and depend on each other, so
 * assertions are non-fatal: a failure is reported and the next case still
 * runs. The expected behaviour is libvirt's qemu driver's (suspend of a
 * paused domain is a no-op, shutdown of a paused one is refused, undefine
 * of a running one makes it transient), and every refusal names its domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#define DOM_NAME "vgapi1"
#define DOM_MAC "52:54:00:7e:01:01"
#define TRANSIENT_NAME "vgapi2"
#define TRANSIENT_MAC "52:54:00:7e:01:02"
/* Generous: another helper may run guests on the same 2-CPU machine. */
#define BOOT_WAIT_S 120
#define SHUTDOWN_WAIT_S 90

static const char *uri;
static const char *guest_dir;
static const char *work_dir;
static virConnectPtr conn;
static virDomainPtr dom;        /* DOM_NAME, persistent */
static pid_t qemu_pid;          /* DOM_NAME's qemu while it runs */
static unsigned int running_id; /* DOM_NAME's ID while it runs */
/* invalid transitions: how many, and the messages that do not name the domain */
static guint invalid_count;
static GPtrArray *unnamed;

/* ---- helpers ------------------------------------------------------------- */

static char *
read_text(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err))
        g_error("%s", err->message);
    return text;
}

static char *
console_path(const char *name)
{
    return g_strdup_printf("%s/%s.console", work_dir, name);
}

/* The test guest with its NIC and VNC on the `default` network, ACPI for
 * the power button, its serial console in WORK_DIR/NAME.console. */
static char *
guest_xml(const char *name, const char *mac)
{
    g_autofree char *cmdline_file = g_build_filename(guest_dir, "cmdline", NULL);
    g_autofree char *cmdline = read_text(cmdline_file);
    g_autofree char *console = console_path(name);

    g_strstrip(cmdline);
    return g_strdup_printf("<domain type='qemu'>\n"
                           "  <name>%s</name>\n"
                           "  <memory unit='MiB'>256</memory>\n"
                           "  <currentMemory unit='MiB'>192</currentMemory>\n"
                           "  <vcpu>1</vcpu>\n"
                           "  <os>\n"
                           "    <type arch='x86_64'>hvm</type>\n"
                           "    <kernel>%s/vmlinuz</kernel>\n"
                           "    <initrd>%s/initramfs.cpio.gz</initrd>\n"
                           "    <cmdline>%s vnguest.hostname=%s</cmdline>\n"
                           "  </os>\n"
                           "  <features>\n"
                           "    <acpi/>\n"
                           "  </features>\n"
                           "  <devices>\n"
                           "    <interface type='network'>\n"
                           "      <mac address='%s'/>\n"
                           "      <source network='default'/>\n"
                           "      <model type='virtio'/>\n"
                           "    </interface>\n"
                           "    <serial type='file'>\n"
                           "      <source path='%s'/>\n"
                           "      <target port='0'/>\n"
                           "    </serial>\n"
                           "    <graphics type='vnc' autoport='yes'>\n"
                           "      <listen type='network' network='default'/>\n"
                           "    </graphics>\n"
                           "  </devices>\n"
                           "</domain>\n",
                           name, guest_dir, guest_dir, cmdline, name, mac, console);
}

/* How many lines of @name's console start with @marker. */
static guint
console_count(const char *name, const char *marker)
{
    g_autofree char *path = console_path(name);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint n = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        /* the serial line may carry a carriage return or kernel noise first */
        if (strstr(lines[i], marker))
            n++;
    }
    return n;
}

/* Waits until @name's console has more than @seen lines with @marker. */
static bool
console_wait(const char *name, const char *marker, guint seen, int seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
    gint64 start = g_get_monotonic_time();

    while (g_get_monotonic_time() < deadline) {
        if (console_count(name, marker) > seen) {
            g_test_message("%s: %s after %.1f s", name, marker,
                           (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
            return true;
        }
        g_usleep(100 * 1000);
    }
    g_test_message("%s: no new %s within %d s", name, marker, seconds);
    return false;
}

/* The qemu of guest @name: the process whose -name is guest=NAME,... */
static pid_t
qemu_pid_of(const char *name)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    g_autofree char *want = g_strdup_printf("guest=%s,", name);
    const char *entry;

    while (proc && (entry = g_dir_read_name(proc))) {
        g_autofree char *path = NULL;
        g_autofree char *args = NULL;
        gsize len = 0;
        bool after_name = false;

        if (!g_ascii_isdigit(entry[0]))
            continue;
        path = g_strdup_printf("/proc/%s/cmdline", entry);
        if (!g_file_get_contents(path, &args, &len, NULL))
            continue;
        for (gsize off = 0; off < len; off += strlen(args + off) + 1) {
            if (after_name && g_str_has_prefix(args + off, want))
                return (pid_t)g_ascii_strtoll(entry, NULL, 10);
            after_name = strcmp(args + off, "-name") == 0;
        }
    }
    return 0;
}

/* True once @pid is gone or a zombie (reaped by whoever is its parent). */
static bool
pid_gone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat = NULL;
    const char *paren;

    if (pid <= 0 || kill(pid, 0) < 0 || !g_file_get_contents(path, &stat, NULL, NULL))
        return true;
    paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static bool
pid_wait_gone(pid_t pid, int seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;

    while (!pid_gone(pid)) {
        if (g_get_monotonic_time() >= deadline)
            return false;
        g_usleep(50 * 1000);
    }
    return true;
}

static void
assert_state(virDomainPtr d, int want_state, int want_reason)
{
    int state = -1, reason = -1;

    g_assert_cmpint(virDomainGetState(d, &state, &reason, 0), ==, 0);
    g_test_message("%s: state %d reason %d", virDomainGetName(d), state, reason);
    g_assert_cmpint(state, ==, want_state);
    g_assert_cmpint(reason, ==, want_reason);
}

/* Waits (at most @seconds) for @d to reach @want_state. */
static bool
state_wait(virDomainPtr d, int want_state, int seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
    int state = -1;

    while (g_get_monotonic_time() < deadline) {
        if (virDomainGetState(d, &state, NULL, 0) == 0 && state == want_state)
            return true;
        g_usleep(100 * 1000);
    }
    return false;
}

/* The last error's code and message, taken at once: the next API call
 * resets the thread's error, which virGetLastError() only points to. */
typedef struct {
    int code;
    char *message;
} LastError;

static LastError
last_error_take(void)
{
    virErrorPtr err = virGetLastError();
    LastError e = { err ? err->code : VIR_ERR_OK,
                    g_strdup(err && err->message ? err->message : "") };

    virResetLastError();
    return e;
}

/* @rc and @e (the last error, taken at once) are a refusal of @what on
 * domain @name with @code; a message that does not name the domain is
 * noted (see test_messages). Frees @e's message. */
static void
check_refusal(int rc, LastError e, int code, const char *what, const char *name)
{
    g_test_message("%s of %s: rc %d, error %d: %s", what, name, rc, e.code, e.message);
    g_assert_cmpint(rc, ==, -1);
    g_assert_cmpint(e.code, ==, code);
    invalid_count++;
    if (!strstr(e.message, name))
        g_ptr_array_add(unnamed, g_strdup_printf("%s of '%s': %s", what, name, e.message));
    g_free(e.message);
}

/* A refusal with @code of @what on domain @name (the last error). */
static void
assert_refused(int rc, int code, const char *what, const char *name)
{
    check_refusal(rc, last_error_take(), code, what, name);
}

/* An invalid transition of @d: VIR_ERR_OPERATION_INVALID. */
static void
assert_invalid(int rc, const char *what, virDomainPtr d)
{
    LastError e = last_error_take(); /* before any other call */

    check_refusal(rc, e, VIR_ERR_OPERATION_INVALID, what, d ? virDomainGetName(d) : "?");
}

/* The ID of @name as a fresh lookup sees it (a handle keeps the ID it was
 * made with, as in libvirt; only start and destroy through it update it). */
static unsigned int
current_id(const char *name)
{
    virDomainPtr d = virDomainLookupByName(conn, name);
    unsigned int id;

    if (!d)
        return 0;
    id = virDomainGetID(d);
    virDomainFree(d);
    return id;
}

/* ---- cases --------------------------------------------------------------- */

static void
test_define(void)
{
    g_autofree char *xml = guest_xml(DOM_NAME, DOM_MAC);
    virDomainInfo info;

    dom = virDomainDefineXML(conn, xml);
    g_assert_nonnull(dom);
    if (!dom)
        return;
    g_assert_cmpstr(virDomainGetName(dom), ==, DOM_NAME);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpuint(info.maxMem, ==, 256 * 1024);
    g_assert_cmpuint(info.memory, ==, 192 * 1024);
    g_assert_cmpint(info.nrVirtCpu, ==, 1);
    g_assert_cmpuint(info.cpuTime, ==, 0);
}

/* Everything but start is invalid on a shut-off domain and changes nothing. */
static void
test_invalid_shutoff(void)
{
    LastError e;
    int rc;

    g_assert_nonnull(dom);
    if (!dom)
        return;
    assert_invalid(virDomainSuspend(dom), "suspend", dom);
    assert_invalid(virDomainResume(dom), "resume", dom);
    assert_invalid(virDomainDestroy(dom), "destroy", dom);
    assert_invalid(virDomainShutdown(dom), "shutdown", dom);
    assert_invalid(virDomainReboot(dom, 0), "reboot", dom);
    rc = virDomainReset(dom, 0);
    e = last_error_take();
    check_refusal(rc, e, VIR_ERR_OPERATION_INVALID, "reset", DOM_NAME);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, 0);
}

static void
test_create(void)
{
    g_assert_nonnull(dom);
    if (!dom)
        return;
    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainIsActive(dom), ==, 1);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    running_id = virDomainGetID(dom);
    g_test_message("domain id %u", running_id);
    g_assert_cmpuint(running_id, >, 0);
    g_assert_cmpuint(running_id, !=, (unsigned int)-1);
    qemu_pid = qemu_pid_of(DOM_NAME);
    g_test_message("qemu pid %d", (int)qemu_pid);
    g_assert_cmpint(qemu_pid, >, 0);
    /* a second handle by ID finds the same domain */
    {
        virDomainPtr by_id = virDomainLookupByID(conn, (int)running_id);

        g_assert_nonnull(by_id);
        if (by_id) {
            g_assert_cmpstr(virDomainGetName(by_id), ==, DOM_NAME);
            virDomainFree(by_id);
        }
    }
}

static void
test_info(void)
{
    virDomainInfo info;
    unsigned long long first;

    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_RUNNING);
    g_assert_cmpuint(info.maxMem, ==, 256 * 1024);
    g_assert_cmpuint(info.memory, ==, 192 * 1024);
    g_assert_cmpint(info.nrVirtCpu, ==, 1);
    first = info.cpuTime;
    g_assert_cmpuint(first, >, 0);
    /* the guest boots under TCG: qemu is busy */
    g_usleep(G_USEC_PER_SEC);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_test_message("cpuTime %llu ns, then %llu ns", first, info.cpuTime);
    g_assert_cmpuint(info.cpuTime, >, first);
}

static void
test_invalid_running(void)
{
    g_autofree char *xml = guest_xml(DOM_NAME, DOM_MAC);
    virDomainPtr again;

    char *same = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);

    assert_invalid(virDomainCreate(dom), "start", dom);
    assert_invalid(virDomainResume(dom), "resume", dom);
    /* the running domain itself (same UUID) cannot be created from XML */
    g_assert_nonnull(same);
    again = same ? virDomainCreateXML(conn, same, 0) : NULL;
    g_assert_null(again);
    if (again)
        virDomainFree(again);
    else if (same)
        assert_invalid(-1, "create from its own XML", dom);
    free(same);
    /* nor can another domain (a new UUID) by its name: libvirt says
     * OPERATION_FAILED, "domain 'NAME' already exists with uuid ..." */
    again = virDomainCreateXML(conn, xml, 0);
    g_assert_null(again);
    if (again)
        virDomainFree(again);
    else
        assert_refused(-1, VIR_ERR_OPERATION_FAILED, "create of another domain by its name",
                       DOM_NAME);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpuint(current_id(DOM_NAME), ==, running_id);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, qemu_pid);
}

static void
test_xml(void)
{
    g_autofree char *want_id = g_strdup_printf("<domain type='qemu' id='%u'>", running_id);
    char *live = virDomainGetXMLDesc(dom, 0);
    char *inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);

    g_assert_nonnull(live);
    g_assert_nonnull(inactive);
    if (!live || !inactive)
        goto out;
    g_test_message("live XML:\n%s", live);
    g_assert_true(g_str_has_prefix(live, want_id));
    g_assert_nonnull(strstr(live, "<listen type='network' address='192.168.122.1' "
                                  "network='default'/>"));
    g_assert_nonnull(strstr(live, "listen='192.168.122.1'"));
    g_assert_null(strstr(live, "port='-1'"));
    g_assert_true(g_str_has_prefix(inactive, "<domain type='qemu'>"));
    g_assert_nonnull(strstr(inactive, "<listen type='network' network='default'/>"));
    g_assert_null(strstr(inactive, "192.168.122.1"));
    g_assert_nonnull(strstr(inactive, "autoport='yes'"));
out:
    free(live);
    free(inactive);
}

static void
test_suspend_resume(void)
{
    virDomainInfo info;

    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_PAUSED);
    g_assert_cmpint(virDomainIsActive(dom), ==, 1);
    g_assert_cmpint(virDomainResume(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, qemu_pid);
    g_assert_cmpuint(virDomainGetID(dom), ==, running_id);
}

/* libvirt's qemu driver: suspending a paused domain succeeds and changes
 * nothing (no second event). */
static void
test_suspend_paused(void)
{
    int rc;
    LastError e;

    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    rc = virDomainSuspend(dom);
    e = last_error_take();
    if (rc != 0)
        g_test_message("suspend of a paused domain: error %d: %s", e.code, e.message);
    g_assert_cmpint(rc, ==, 0);
    g_free(e.message);
    assert_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainResume(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
}

/* libvirt's qemu driver refuses the ACPI button on a paused guest
 * (OPERATION_INVALID "domain is not running"): queued, it would power
 * the guest off when it is resumed. */
static void
test_shutdown_paused(void)
{
    int rc;

    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    rc = virDomainShutdown(dom);
    check_refusal(rc, last_error_take(), VIR_ERR_OPERATION_INVALID, "shutdown", DOM_NAME);
    assert_state(dom, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainResume(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
}

static void
test_reboot(void)
{
    guint ready = console_count(DOM_NAME, "VNGUEST-READY");
    int state = -1, reason = -1;

    /* a reset changes neither the state nor its reason */
    g_assert_cmpint(virDomainGetState(dom, &state, &reason, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_RUNNING);

    /* the guest comes up once before it is reset */
    g_assert_true(ready > 0 || console_wait(DOM_NAME, "VNGUEST-READY", 0, BOOT_WAIT_S));
    ready = console_count(DOM_NAME, "VNGUEST-READY");
    /* the agent's reboot is a reset (docs/domains.md); libvirt's default
     * presses the ACPI button and resets once the guest powered off */
    g_assert_cmpint(virDomainReboot(dom, 0), ==, 0);
    g_assert_true(console_wait(DOM_NAME, "VNGUEST-READY", ready, BOOT_WAIT_S));
    assert_state(dom, VIR_DOMAIN_RUNNING, reason);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, qemu_pid);
    g_assert_cmpuint(current_id(DOM_NAME), ==, running_id);
}

static void
test_reset(void)
{
    guint ready = console_count(DOM_NAME, "VNGUEST-READY");
    int state = -1, reason = -1, rc;
    LastError e;

    g_assert_cmpint(virDomainGetState(dom, &state, &reason, 0), ==, 0);
    g_assert_cmpint(state, ==, VIR_DOMAIN_RUNNING);
    rc = virDomainReset(dom, 0);
    e = last_error_take();
    g_assert_cmpint(rc, ==, 0);
    if (rc != 0)
        g_test_message("reset: error %d: %s", e.code, e.message);
    g_free(e.message);
    g_assert_true(console_wait(DOM_NAME, "VNGUEST-READY", ready, BOOT_WAIT_S));
    assert_state(dom, VIR_DOMAIN_RUNNING, reason);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, qemu_pid);
    g_assert_cmpuint(current_id(DOM_NAME), ==, running_id);
}

static void
test_shutdown(void)
{
    virDomainInfo info;
    gint64 start;

    /* the power button is watched once the guest said READY */
    if (console_count(DOM_NAME, "VNGUEST-READY") == 0)
        g_assert_true(console_wait(DOM_NAME, "VNGUEST-READY", 0, BOOT_WAIT_S));
    start = g_get_monotonic_time();
    g_assert_cmpint(virDomainShutdown(dom), ==, 0);
    g_assert_true(state_wait(dom, VIR_DOMAIN_SHUTOFF, SHUTDOWN_WAIT_S));
    g_test_message("shut off %.1f s after the ACPI button",
                   (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
    g_assert_cmpuint(console_count(DOM_NAME, "VNGUEST-POWEROFF"), >, 0);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 1);
    g_assert_cmpuint(current_id(DOM_NAME), ==, (unsigned int)-1);
    g_assert_true(pid_wait_gone(qemu_pid, 10));
    g_assert_cmpint(virDomainGetInfo(dom, &info), ==, 0);
    g_assert_cmpint(info.state, ==, VIR_DOMAIN_SHUTOFF);
    g_assert_cmpuint(info.cpuTime, ==, 0);
    /* and now the shut-off ones again */
    assert_invalid(virDomainShutdown(dom), "shutdown", dom);
    assert_invalid(virDomainDestroy(dom), "destroy", dom);
    assert_invalid(virDomainSuspend(dom), "suspend", dom);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
}

static void
test_destroy(void)
{
    unsigned int old_id = running_id;

    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    /* start through the handle updates its ID, as libvirt's remote driver does */
    running_id = virDomainGetID(dom);
    g_test_message("domain id %u (was %u)", running_id, old_id);
    g_assert_cmpuint(current_id(DOM_NAME), ==, running_id);
    g_assert_cmpuint(running_id, >, old_id);
    qemu_pid = qemu_pid_of(DOM_NAME);
    g_assert_cmpint(qemu_pid, >, 0);
    /* a paused guest is destroyed just as well */
    g_assert_cmpint(virDomainSuspend(dom), ==, 0);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);
    /* destroy through the handle clears its ID, as in libvirt */
    g_assert_cmpuint(virDomainGetID(dom), ==, (unsigned int)-1);
    g_assert_cmpuint(current_id(DOM_NAME), ==, (unsigned int)-1);
    g_assert_true(pid_wait_gone(qemu_pid, 10));
    assert_invalid(virDomainDestroy(dom), "destroy", dom);
    assert_state(dom, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED);
}

static void
test_transient(void)
{
    g_autofree char *xml = guest_xml(TRANSIENT_NAME, TRANSIENT_MAC);
    g_autofree char *defined_xml = guest_xml(DOM_NAME, DOM_MAC);
    virDomainPtr t, again, looked;
    char *same;
    pid_t pid;

    /* another domain (a new UUID) by a defined domain's name is refused */
    again = virDomainCreateXML(conn, defined_xml, 0);
    g_assert_null(again);
    if (again)
        virDomainFree(again);
    else
        assert_refused(-1, VIR_ERR_OPERATION_FAILED, "create of another domain by its name",
                       DOM_NAME);
    g_assert_cmpint(virDomainIsActive(dom), ==, 0);

    t = virDomainCreateXML(conn, xml, 0);
    g_assert_nonnull(t);
    if (!t)
        return;
    assert_state(t, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainIsActive(t), ==, 1);
    g_assert_cmpint(virDomainIsPersistent(t), ==, 0);
    g_assert_cmpuint(virDomainGetID(t), >, running_id);
    pid = qemu_pid_of(TRANSIENT_NAME);
    g_assert_cmpint(pid, >, 0);
    same = virDomainGetXMLDesc(t, VIR_DOMAIN_XML_INACTIVE);
    again = same ? virDomainCreateXML(conn, same, 0) : NULL;
    g_assert_null(again);
    if (again)
        virDomainFree(again);
    else if (same)
        assert_invalid(-1, "create from its own XML", t);
    free(same);
    assert_invalid(virDomainCreate(t), "start", t);
    g_assert_cmpint(virDomainSuspend(t), ==, 0);
    assert_state(t, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    g_assert_cmpint(virDomainResume(t), ==, 0);
    /* a transient domain has no definition to undefine */
    assert_invalid(virDomainUndefine(t), "undefine", t);
    g_assert_cmpint(virDomainIsActive(t), ==, 1);
    g_assert_cmpint(virDomainDestroy(t), ==, 0);
    g_assert_true(pid_wait_gone(pid, 10));
    looked = virDomainLookupByName(conn, TRANSIENT_NAME);
    g_assert_null(looked);
    if (looked)
        virDomainFree(looked);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_NO_DOMAIN);
    virResetLastError();
    /* the old handle names a domain that is no more */
    g_assert_cmpint(virDomainIsActive(t), ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_NO_DOMAIN);
    virResetLastError();
    virDomainFree(t);
}

/* libvirt: undefining a running persistent domain makes it transient; it
 * keeps running and goes when it stops. */
static void
test_undefine_running(void)
{
    virDomainPtr looked;
    int rc;

    g_assert_cmpint(virDomainCreate(dom), ==, 0);
    qemu_pid = qemu_pid_of(DOM_NAME);
    rc = virDomainUndefine(dom);
    g_assert_cmpint(rc, ==, 0);
    /* as libvirt: it runs on, transient, until it stops */
    assert_state(dom, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    g_assert_cmpint(virDomainIsActive(dom), ==, 1);
    g_assert_cmpint(virDomainIsPersistent(dom), ==, 0);
    g_assert_cmpint(qemu_pid_of(DOM_NAME), ==, qemu_pid);
    g_assert_cmpint(virDomainDestroy(dom), ==, 0);
    virResetLastError();
    g_assert_true(pid_wait_gone(qemu_pid, 10));
    looked = virDomainLookupByName(conn, DOM_NAME);
    g_assert_null(looked);
    if (looked)
        virDomainFree(looked);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_NO_DOMAIN);
    virResetLastError();
}

/* Each refusal's message names its domain, so a log line or a script's
 * output says which one (libvirt's qemu driver does not for most: "domain
 * is not running"; virsh adds the name itself). */
static void
test_messages(void)
{
    g_test_message("%u refusals, %u without the domain's name", invalid_count, unnamed->len);
    g_assert_cmpuint(invalid_count, >, 0);
    for (guint i = 0; i < unnamed->len; i++)
        g_test_message("%s", (char *)g_ptr_array_index(unnamed, i));
    g_assert_cmpuint(unnamed->len, ==, 0);
}

/* errors are asserted on, not printed */
static void
quiet_error(void *data G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (argc != 4) {
        g_printerr("usage: %s [--tap] URI GUEST_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    uri = argv[1];
    guest_dir = argv[2];
    work_dir = argv[3];
    g_test_set_nonfatal_assertions();
    unnamed = g_ptr_array_new_with_free_func(g_free);
    virSetErrorFunc(NULL, quiet_error);
    conn = virConnectOpen(uri);
    if (!conn) {
        g_printerr("virConnectOpen(%s): %s\n", uri, virGetLastErrorMessage());
        return 1;
    }

    g_test_add_func("/dom-api/define", test_define);
    g_test_add_func("/dom-api/invalid-when-shut-off", test_invalid_shutoff);
    g_test_add_func("/dom-api/create", test_create);
    g_test_add_func("/dom-api/info", test_info);
    g_test_add_func("/dom-api/invalid-when-running", test_invalid_running);
    g_test_add_func("/dom-api/xml-live-inactive", test_xml);
    g_test_add_func("/dom-api/suspend-resume", test_suspend_resume);
    g_test_add_func("/dom-api/suspend-paused", test_suspend_paused);
    g_test_add_func("/dom-api/shutdown-paused", test_shutdown_paused);
    g_test_add_func("/dom-api/reboot", test_reboot);
    g_test_add_func("/dom-api/reset", test_reset);
    g_test_add_func("/dom-api/shutdown", test_shutdown);
    g_test_add_func("/dom-api/destroy", test_destroy);
    g_test_add_func("/dom-api/transient", test_transient);
    g_test_add_func("/dom-api/undefine-running", test_undefine_running);
    g_test_add_func("/dom-api/messages-name-the-domain", test_messages);
    rc = g_test_run();

    /* whatever a failed case left running */
    if (dom) {
        if (virDomainIsActive(dom) == 1)
            virDomainDestroy(dom);
        virDomainUndefine(dom);
        virDomainFree(dom);
    }
    virConnectClose(conn);
    g_ptr_array_unref(unnamed);
    return rc;
}
