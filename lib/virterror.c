/*
 * virterror.c: libvirt's error API -- the per-thread last error, the
 * per-connection copy and the error handlers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/api.h"
#include "util/error.h"

static void
last_error_free(gpointer data)
{
    virFreeError(data);
}

/* Each thread's last error, freed when the thread exits. */
static GPrivate last_error_key = G_PRIVATE_INIT(last_error_free);

G_LOCK_DEFINE_STATIC(global_handler);
static virErrorFunc global_handler;
static void *global_user_data;

/* The names clients print, indexed by virErrorDomain (libvirt's wording). */
static const char *const domain_names[] = {
    [VIR_FROM_NONE] = "",
    [VIR_FROM_XEN] = "Xen Driver",
    [VIR_FROM_XEND] = "Xen Daemon",
    [VIR_FROM_XENSTORE] = "Xen Store",
    [VIR_FROM_SEXPR] = "S-Expression",
    [VIR_FROM_XML] = "XML Util",
    [VIR_FROM_DOM] = "Domain",
    [VIR_FROM_RPC] = "XML-RPC",
    [VIR_FROM_PROXY] = "Proxy Daemon",
    [VIR_FROM_CONF] = "Config File",
    [VIR_FROM_QEMU] = "QEMU Driver",
    [VIR_FROM_NET] = "Network",
    [VIR_FROM_TEST] = "Test Driver",
    [VIR_FROM_REMOTE] = "Remote Driver",
    [VIR_FROM_OPENVZ] = "OpenVZ Driver",
    [VIR_FROM_XENXM] = "Xen XM Driver",
    [VIR_FROM_STATS_LINUX] = "Linux Statistics",
    [VIR_FROM_LXC] = "LXC Driver",
    [VIR_FROM_STORAGE] = "Storage Driver",
    [VIR_FROM_NETWORK] = "Network Driver",
    [VIR_FROM_DOMAIN] = "Domain Config",
    [VIR_FROM_UML] = "User Mode Linux Driver",
    [VIR_FROM_NODEDEV] = "Node Device Driver",
    [VIR_FROM_XEN_INOTIFY] = "Xen Inotify Driver",
    [VIR_FROM_SECURITY] = "Security Driver",
    [VIR_FROM_VBOX] = "VirtualBox Driver",
    [VIR_FROM_INTERFACE] = "Network Interface Driver",
    [VIR_FROM_ONE] = "Open Nebula Driver",
    [VIR_FROM_ESX] = "ESX Driver",
    [VIR_FROM_PHYP] = "Power Hypervisor Driver",
    [VIR_FROM_SECRET] = "Secrets Driver",
    [VIR_FROM_CPU] = "CPU Driver",
    [VIR_FROM_XENAPI] = "XenAPI Driver",
    [VIR_FROM_NWFILTER] = "Network Filter Driver",
    [VIR_FROM_HOOK] = "Lifecycle Hook",
    [VIR_FROM_DOMAIN_SNAPSHOT] = "Domain Snapshot",
    [VIR_FROM_AUDIT] = "Audit Utils",
    [VIR_FROM_SYSINFO] = "Sysinfo Utils",
    [VIR_FROM_STREAMS] = "I/O Stream Utils",
    [VIR_FROM_VMWARE] = "VMware Driver",
    [VIR_FROM_EVENT] = "Event Loop",
    [VIR_FROM_LIBXL] = "Xen Light Driver",
    [VIR_FROM_LOCKING] = "Lock Driver",
    [VIR_FROM_HYPERV] = "Hyper-V Driver",
    [VIR_FROM_CAPABILITIES] = "Capabilities Utils",
    [VIR_FROM_URI] = "URI Utils",
    [VIR_FROM_AUTH] = "Authentication Utils",
    [VIR_FROM_DBUS] = "DBus Utils",
    [VIR_FROM_PARALLELS] = "Parallels Cloud Server",
    [VIR_FROM_DEVICE] = "Device Config",
    [VIR_FROM_SSH] = "SSH transport layer",
    [VIR_FROM_LOCKSPACE] = "Lock Space",
    [VIR_FROM_INITCTL] = "Init control",
    [VIR_FROM_IDENTITY] = "Identity",
    [VIR_FROM_CGROUP] = "Cgroup",
    [VIR_FROM_ACCESS] = "Access Manager",
    [VIR_FROM_SYSTEMD] = "Systemd",
    [VIR_FROM_BHYVE] = "Bhyve",
    [VIR_FROM_CRYPTO] = "Crypto",
    [VIR_FROM_FIREWALL] = "Firewall",
    [VIR_FROM_POLKIT] = "Polkit",
    [VIR_FROM_THREAD] = "Thread jobs",
    [VIR_FROM_ADMIN] = "Admin Interface",
    [VIR_FROM_LOGGING] = "Log Manager",
    [VIR_FROM_XENXL] = "Xen XL Config",
    [VIR_FROM_PERF] = "Perf",
    [VIR_FROM_LIBSSH] = "Libssh transport layer",
    [VIR_FROM_RESCTRL] = "Resource control",
    [VIR_FROM_FIREWALLD] = "FirewallD",
    [VIR_FROM_DOMAIN_CHECKPOINT] = "Domain Checkpoint",
    [VIR_FROM_TPM] = "TPM",
    [VIR_FROM_BPF] = "BPF",
    [VIR_FROM_CH] = "Cloud-Hypervisor Driver",
};

const char *
api_error_domain_name(int domain)
{
    if (domain < 0 || (size_t)domain >= G_N_ELEMENTS(domain_names))
        return NULL;
    return domain_names[domain];
}

/* The calling thread's error object, created on first use. */
static virErrorPtr
last_error(void)
{
    virErrorPtr err = g_private_get(&last_error_key);

    if (!err) {
        err = g_new0(virError, 1);
        g_private_set(&last_error_key, err);
    }
    return err;
}

/* Deep copy without the (deprecated, never set) object pointers. */
static void
error_copy(const virError *from, virErrorPtr to)
{
    virResetError(to);
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->message = g_strdup(from->message);
    to->str1 = g_strdup(from->str1);
    to->str2 = g_strdup(from->str2);
    to->str3 = g_strdup(from->str3);
    to->int1 = from->int1;
    to->int2 = from->int2;
}

static void
error_store(int domain, int code, char *message)
{
    virErrorPtr err = last_error();

    virResetError(err);
    err->code = code;
    err->domain = domain;
    err->level = VIR_ERR_ERROR;
    err->message = message;
}

void
api_error_set(int domain, int code, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_store(domain, code, error_format_message(code, detail));
}

void
api_error_from_gerror(const GError *error)
{
    bool formatted = false;
    int domain;

    if (!error)
        return;
    domain = error_quark_domain(error->domain, &formatted);
    if (domain == VIR_FROM_NONE && error->domain != error_quark(VIR_FROM_NONE) &&
        error->domain != error_wire_quark(VIR_FROM_NONE)) {
        /* Not one of ours (a GIO or GLib error leaked through a driver):
         * its code means nothing as a virErrorNumber. */
        error_store(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                    error_format_message(VIR_ERR_INTERNAL_ERROR, error->message));
        return;
    }
    error_store(domain, error->code,
                formatted ? g_strdup(error->message)
                          : error_format_message(error->code, error->message));
}

void
api_error_dispatch(virConnectPtr conn)
{
    virErrorPtr err = last_error();
    virErrorFunc handler;
    void *user_data;

    if (err->code == VIR_ERR_OK)
        error_store(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR,
                    g_strdup("An error occurred, but the cause is unknown"));

    G_LOCK(global_handler);
    handler = global_handler;
    user_data = global_user_data;
    G_UNLOCK(global_handler);

    if (conn) {
        g_mutex_lock(&conn->lock);
        error_copy(err, &conn->err);
        if (conn->handler) {
            handler = conn->handler;
            user_data = conn->user_data;
        }
        g_mutex_unlock(&conn->lock);
    }

    if (handler)
        handler(user_data, err);
    else
        virDefaultErrorFunc(err);
}

void
api_fail(virConnectPtr conn, const GError *error)
{
    api_error_from_gerror(error);
    api_error_dispatch(conn);
}

/* ---- public API ------------------------------------------------------ */

virErrorPtr
virGetLastError(void)
{
    virErrorPtr err = last_error();

    return err->code == VIR_ERR_OK ? NULL : err;
}

int
virGetLastErrorCode(void)
{
    return last_error()->code;
}

int
virGetLastErrorDomain(void)
{
    return last_error()->domain;
}

const char *
virGetLastErrorMessage(void)
{
    virErrorPtr err = last_error();

    if (err->code == VIR_ERR_OK)
        return "no error";
    return err->message ? err->message : "unknown error";
}

int
virCopyLastError(virErrorPtr to)
{
    if (!to)
        return -1;
    /* @to may hold garbage: the caller need not have initialized it */
    memset(to, 0, sizeof(*to));
    error_copy(last_error(), to);
    return to->code;
}

virErrorPtr
virSaveLastError(void)
{
    int saved_errno = errno;
    virErrorPtr to = g_new0(virError, 1);

    virCopyLastError(to);
    errno = saved_errno;
    return to;
}

void
virResetError(virErrorPtr err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    memset(err, 0, sizeof(*err));
}

void
virFreeError(virErrorPtr err)
{
    virResetError(err);
    g_free(err);
}

void
virResetLastError(void)
{
    /* Most entry points call this: skip the allocation when the thread
     * never had an error. */
    virErrorPtr err = g_private_get(&last_error_key);

    if (err)
        virResetError(err);
}

virErrorPtr
virConnGetLastError(virConnectPtr conn)
{
    if (!conn)
        return NULL;
    return &conn->err;
}

int
virConnCopyLastError(virConnectPtr conn, virErrorPtr to)
{
    if (!to)
        return -1;
    memset(to, 0, sizeof(*to));
    if (!conn)
        return -1;
    g_mutex_lock(&conn->lock);
    if (conn->err.code != VIR_ERR_OK)
        error_copy(&conn->err, to);
    g_mutex_unlock(&conn->lock);
    return to->code;
}

void
virConnResetLastError(virConnectPtr conn)
{
    if (!conn)
        return;
    g_mutex_lock(&conn->lock);
    virResetError(&conn->err);
    g_mutex_unlock(&conn->lock);
}

void
virSetErrorFunc(void *userData, virErrorFunc handler)
{
    G_LOCK(global_handler);
    global_handler = handler;
    global_user_data = userData;
    G_UNLOCK(global_handler);
}

void
virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc handler)
{
    if (!conn)
        return;
    g_mutex_lock(&conn->lock);
    conn->handler = handler;
    conn->user_data = userData;
    g_mutex_unlock(&conn->lock);
}

void
virDefaultErrorFunc(virErrorPtr err)
{
    const char *level = "";
    const char *domain;
    const char *message;
    size_t len;

    if (!err || err->code == VIR_ERR_OK)
        return;
    switch (err->level) {
    case VIR_ERR_NONE:
        break;
    case VIR_ERR_WARNING:
        level = "warning";
        break;
    case VIR_ERR_ERROR:
        level = "error";
        break;
    }
    if (!(domain = api_error_domain_name(err->domain)))
        domain = "Unknown";
    message = err->message ? err->message : "";
    len = strlen(message);
    /* The empty "%s%s" is where libvirt names the domain or network of the
     * deprecated err->dom / err->net, which are never set here. */
    if (err->domain == VIR_FROM_XML && err->code == VIR_ERR_XML_DETAIL && err->int1 != 0)
        fprintf(stderr, "libvirt: %s %s : line %d: %s", domain, level, err->int1, message);
    else if (len == 0 || message[len - 1] != '\n')
        fprintf(stderr, "libvirt: %s %s : %s\n", domain, level, message);
    else
        fprintf(stderr, "libvirt: %s %s : %s", domain, level, message);
}
