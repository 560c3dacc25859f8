/*
 * qemu_capabilities.c: QEMU binaries found by name, probed on first use,
 * cached by identity in memory and optionally on disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* memfd_create */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities.h"
#include "util/cmd.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

/* Bumped whenever the cache file's content changes meaning: older files
 * are then ignored and the binary probed again. */
#define CACHE_FORMAT 1
#define CACHE_GROUP "qemu-caps"
#define CACHE_ALIASES_GROUP "machine-aliases"

struct QemuCaps {
    gatomicrefcount ref;
    char *binary;
    /* the binary's identity when it was probed */
    gint64 mtime_ns;
    gint64 size;
    guint64 inode;
    guint64 dev;

    unsigned long version;
    bool spice;
    bool vnc;
    char *default_machine;
    GPtrArray *machines; /* QemuCapsMachine * */
    GHashTable *accels;  /* name set */
    GHashTable *devices; /* names and aliases */
};

/* One binary's slot in the cache. Its lock is held across a probe so that
 * concurrent first requests wait for one run instead of starting their own. */
typedef struct CacheEntry {
    GMutex lock;
    QemuCaps *caps; /* NULL until probed or loaded */
} CacheEntry;

/* Guards the settings below and the table (not the entries' contents). */
static GMutex cache_lock;
static GHashTable *cache; /* binary path -> CacheEntry * */
static char *cache_dir;
static const HostinfoPaths *host_paths;
static unsigned probe_timeout_ms = QEMU_CAPS_PROBE_TIMEOUT_MS;
static guint generation;

/* ---- QemuCaps ---- */

static void
machine_free(QemuCapsMachine *m)
{
    if (!m)
        return;
    g_free(m->name);
    g_free(m->canonical);
    g_free(m);
}

static QemuCaps *
qemu_caps_alloc(const char *binary)
{
    QemuCaps *caps = g_new0(QemuCaps, 1);

    g_atomic_ref_count_init(&caps->ref);
    caps->binary = g_strdup(binary);
    caps->machines = g_ptr_array_new_with_free_func((GDestroyNotify)machine_free);
    caps->accels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    caps->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return caps;
}

QemuCaps *
qemu_caps_ref(QemuCaps *caps)
{
    g_atomic_ref_count_inc(&caps->ref);
    return caps;
}

void
qemu_caps_unref(QemuCaps *caps)
{
    if (!caps || !g_atomic_ref_count_dec(&caps->ref))
        return;
    g_free(caps->binary);
    g_free(caps->default_machine);
    g_ptr_array_unref(caps->machines);
    g_hash_table_unref(caps->accels);
    g_hash_table_unref(caps->devices);
    g_free(caps);
}

const char *
qemu_caps_binary(const QemuCaps *caps)
{
    return caps->binary;
}

unsigned long
qemu_caps_version(const QemuCaps *caps)
{
    return caps->version;
}

const GPtrArray *
qemu_caps_machines(const QemuCaps *caps)
{
    return caps->machines;
}

const char *
qemu_caps_default_machine(const QemuCaps *caps)
{
    return caps->default_machine;
}

const char *
qemu_caps_resolve_machine(const QemuCaps *caps, const char *name)
{
    if (!name)
        return NULL;
    for (guint i = 0; i < caps->machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        if (strcmp(m->name, name) == 0)
            return m->canonical ? m->canonical : m->name;
    }
    return NULL;
}

bool
qemu_caps_has_device(const QemuCaps *caps, const char *name)
{
    return name && g_hash_table_contains(caps->devices, name);
}

bool
qemu_caps_has_accel(const QemuCaps *caps, const char *name)
{
    return name && g_hash_table_contains(caps->accels, name);
}

bool
qemu_caps_has_spice(const QemuCaps *caps)
{
    return caps->spice;
}

bool
qemu_caps_has_vnc(const QemuCaps *caps)
{
    return caps->vnc;
}

/* ---- parsing the help texts ---- */

/* "QEMU emulator version 7.2.22 (Debian ...)": micro is optional. */
static bool
parse_version(const char *help, unsigned long *ret_version)
{
    const char *p = help ? strstr(help, "QEMU emulator version ") : NULL;
    unsigned major = 0, minor = 0, micro = 0;
    int n;

    if (!p)
        return false;
    n = sscanf(p + strlen("QEMU emulator version "), "%u.%u.%u", &major, &minor, &micro);
    if (n < 2 || minor > 999 || micro > 999)
        return false;
    *ret_version = major * 1000000UL + minor * 1000UL + micro;
    return true;
}

/* Whether a line of -help documents @option ("-spice", "-vnc"). Options
 * compiled out of the binary are not listed at all. */
static bool
help_has_option(const char *help, const char *option)
{
    size_t len = strlen(option);

    for (const char *line = help; line && *line;) {
        const char *nl = strchr(line, '\n');

        if (strncmp(line, option, len) == 0 && (line[len] == ' ' || line[len] == '\n'))
            return true;
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

/* "NAME   DESCRIPTION [(alias of CANONICAL)] [(default)] [(deprecated)]":
 * the description has parentheses of its own ("(i440FX + PIIX, 1996)"), so
 * only these exact markers count. */
static bool
parse_machines(QemuCaps *caps, const char *text, GError **error)
{
    g_auto(GStrv) lines = NULL;

    if (!text || !g_str_has_prefix(text, "Supported machines are:")) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "'-machine help' of QEMU binary '%s' lists no machines", caps->binary);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 1; lines[i]; i++) {
        const char *line = lines[i];
        const char *end = line + strcspn(line, " \t");
        const char *alias = strstr(line, "(alias of ");
        QemuCapsMachine *m;

        if (end == line)
            continue;
        m = g_new0(QemuCapsMachine, 1);
        m->name = g_strndup(line, end - line);
        if (alias) {
            alias += strlen("(alias of ");
            m->canonical = g_strndup(alias, strcspn(alias, ")"));
        }
        m->deprecated = strstr(line, "(deprecated)") != NULL;
        if (strstr(line, "(default)") && !caps->default_machine)
            caps->default_machine = g_strdup(m->name);
        g_ptr_array_add(caps->machines, m);
    }
    return true;
}

/* "Accelerators supported in QEMU binary:" then one name per line. */
static void
parse_accels(QemuCaps *caps, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (size_t i = 0; lines[i]; i++) {
        char *name = g_strstrip(lines[i]);

        if (*name && !strchr(name, ' ') && !g_str_has_suffix(name, ":"))
            g_hash_table_add(caps->accels, g_strdup(name));
    }
}

/* Copies the quoted word after @key in @line ("name \"e1000\"") into the set. */
static void
add_quoted(GHashTable *set, const char *line, const char *key)
{
    const char *p = strstr(line, key);
    const char *end;

    if (!p)
        return;
    p += strlen(key);
    if ((end = strchr(p, '"')) && end > p)
        g_hash_table_add(set, g_strndup(p, end - p));
}

/* name "virtio-net-pci", bus PCI, alias "virtio-net" */
static void
parse_devices(QemuCaps *caps, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (size_t i = 0; lines[i]; i++) {
        if (!g_str_has_prefix(lines[i], "name \""))
            continue;
        add_quoted(caps->devices, lines[i], "name \"");
        add_quoted(caps->devices, lines[i], ", alias \"");
    }
}

QemuCaps *
qemu_caps_parse(const char *binary, const char *help, const char *machine_help,
                const char *accel_help, const char *device_help, GError **error)
{
    g_autoptr(QemuCaps) caps = qemu_caps_alloc(binary);

    if (!parse_version(help, &caps->version)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot parse the version of QEMU binary '%s' from its -help output", binary);
        return NULL;
    }
    caps->spice = help_has_option(help, "-spice");
    caps->vnc = help_has_option(help, "-vnc");
    if (!parse_machines(caps, machine_help, error))
        return NULL;
    parse_accels(caps, accel_help);
    parse_devices(caps, device_help);
    return g_steal_pointer(&caps);
}

/* The devices the domain code asks about, in the dump. */
static const char *const dump_devices[] = {
    "virtio-net-pci",    "e1000",   "rtl8139", "virtio-blk-pci", "isa-serial",
    "virtio-serial-pci", "qxl-vga", "VGA",     "cirrus-vga",     "virtio-vga",
};

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *
qemu_caps_to_string(const QemuCaps *caps)
{
    GString *s = g_string_new(NULL);
    g_autofree const char **accels = NULL;
    guint n_accels = 0;

    g_string_append_printf(s, "version %lu\n", caps->version);
    g_string_append_printf(s, "spice %s\nvnc %s\n", caps->spice ? "yes" : "no",
                           caps->vnc ? "yes" : "no");
    accels = (const char **)g_hash_table_get_keys_as_array(caps->accels, &n_accels);
    qsort(accels, n_accels, sizeof(*accels), compare_strings);
    for (guint i = 0; i < n_accels; i++)
        g_string_append_printf(s, "accel %s\n", accels[i]);
    g_string_append_printf(s, "default-machine %s\n",
                           caps->default_machine ? caps->default_machine : "(none)");
    for (guint i = 0; i < caps->machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        g_string_append_printf(s, "machine %s", m->name);
        if (m->canonical)
            g_string_append_printf(s, " -> %s", m->canonical);
        if (m->deprecated)
            g_string_append(s, " deprecated");
        g_string_append_c(s, '\n');
    }
    g_string_append_printf(s, "devices %u\n", g_hash_table_size(caps->devices));
    for (size_t i = 0; i < G_N_ELEMENTS(dump_devices); i++)
        g_string_append_printf(s, "device %s %s\n", dump_devices[i],
                               qemu_caps_has_device(caps, dump_devices[i]) ? "yes" : "no");
    return g_string_free(s, FALSE);
}

/* ---- running the binary ---- */

static gboolean
on_child_exit(GPid pid, gint wait_status, gpointer opaque)
{
    int *ret = opaque;

    (void)pid;
    *ret = wait_status;
    return G_SOURCE_REMOVE;
}

static gboolean
on_timeout(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* Everything written to the memfd @fd, from its start. */
static char *
read_memfd(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[8192];
    ssize_t n;
    off_t off = 0;

    while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
        g_string_append_len(s, buf, n);
        off += n;
    }
    return g_string_free(s, FALSE);
}

/* Runs `@binary @arg1 [@arg2]` with an empty environment and returns its
 * stdout. Output goes to memory files rather than pipes, so a child that
 * writes a lot never blocks on us and we only have to wait for its exit,
 * which the time limit bounds (the child is killed when it passes). */
static char *
run_query(const char *binary, const char *arg1, const char *arg2, unsigned timeout_ms,
          GError **error)
{
    g_autofree char *what = g_strjoin(" ", arg1, arg2, NULL);
    g_autoptr(Cmd) cmd = cmd_new(binary);
    g_autoptr(GMainContext) ctx = NULL;
    g_autoptr(GSource) child = NULL;
    g_autoptr(GSource) timer = NULL;
    g_autofree char *err_text = NULL;
    int out_fd autoclose = memfd_create("qemu-probe-out", MFD_CLOEXEC);
    int err_fd autoclose = memfd_create("qemu-probe-err", MFD_CLOEXEC);
    int wait_status = -1;
    bool timed_out = false;
    GPid pid = 0;

    if (out_fd < 0 || err_fd < 0) {
        error_set_errno(error, QEMU_ERROR, errno, "cannot create a memory file");
        return NULL;
    }
    cmd_add_arg(cmd, arg1);
    if (arg2)
        cmd_add_arg(cmd, arg2);
    cmd_set_stdout_fd(cmd, out_fd);
    cmd_set_stderr_fd(cmd, err_fd);
    if (!cmd_spawn(cmd, &pid, error)) {
        g_prefix_error(error, "cannot probe QEMU binary '%s': ", binary);
        return NULL;
    }
    if (pid == 0) {
        /* a test hook took the command: nothing ran, nothing was printed */
        return g_strdup("");
    }

    /* a private context: probes run on worker threads, beside the main loop */
    ctx = g_main_context_new();
    child = g_child_watch_source_new(pid);
    g_source_set_callback(child, G_SOURCE_FUNC(on_child_exit), &wait_status, NULL);
    g_source_attach(child, ctx);
    timer = g_timeout_source_new(timeout_ms);
    g_source_set_callback(timer, on_timeout, &timed_out, NULL);
    g_source_attach(timer, ctx);
    while (wait_status == -1 && !timed_out)
        g_main_context_iteration(ctx, TRUE);
    if (wait_status == -1) {
        kill(pid, SIGKILL);
        /* the child watch reaps it; a killed child exits at once */
        while (wait_status == -1)
            g_main_context_iteration(ctx, TRUE);
    }
    g_source_destroy(child);
    g_source_destroy(timer);
    g_spawn_close_pid(pid);

    if (timed_out && !(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot probe QEMU binary '%s': '%s' did not finish within %u ms", binary, what,
                    timeout_ms);
        return NULL;
    }
    if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
        err_text = read_memfd(err_fd);
        g_strstrip(err_text);
        if (WIFSIGNALED(wait_status))
            g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "cannot probe QEMU binary '%s': '%s' was killed by signal %d%s%s", binary,
                        what, WTERMSIG(wait_status), *err_text ? ": " : "", err_text);
        else
            g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "cannot probe QEMU binary '%s': '%s' exited with status %d%s%s", binary,
                        what, WEXITSTATUS(wait_status), *err_text ? ": " : "", err_text);
        return NULL;
    }
    return read_memfd(out_fd);
}

static QemuCaps *
probe(const char *binary, unsigned timeout_ms, GError **error)
{
    g_autofree char *help = NULL;
    g_autofree char *machines = NULL;
    g_autofree char *accels = NULL;
    g_autofree char *devices = NULL;

    /* each help option makes QEMU print and exit before it looks at the
     * next, so every query is a run of its own */
    if (!(help = run_query(binary, "-help", NULL, timeout_ms, error)) ||
        !(machines = run_query(binary, "-machine", "help", timeout_ms, error)) ||
        !(accels = run_query(binary, "-accel", "help", timeout_ms, error)) ||
        !(devices = run_query(binary, "-device", "help", timeout_ms, error)))
        return NULL;
    return qemu_caps_parse(binary, help, machines, accels, devices, error);
}

/* ---- identity ---- */

static gint64
stat_mtime_ns(const struct stat *st)
{
    return (gint64)st->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st->st_mtim.tv_nsec;
}

static void
set_identity(QemuCaps *caps, const struct stat *st)
{
    caps->mtime_ns = stat_mtime_ns(st);
    caps->size = st->st_size;
    caps->inode = st->st_ino;
    caps->dev = st->st_dev;
}

static bool
same_identity(const QemuCaps *caps, const struct stat *st)
{
    return caps->mtime_ns == stat_mtime_ns(st) && caps->size == (gint64)st->st_size &&
           caps->inode == (guint64)st->st_ino && caps->dev == (guint64)st->st_dev;
}

/* ---- the cache directory ---- */

/* One file per binary path; what it holds is valid only for the identity
 * written inside it. */
static char *
cache_file(const char *dir, const char *binary)
{
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);
    g_autofree char *name = g_strconcat(hash, ".caps", NULL);

    return g_build_filename(dir, name, NULL);
}

static bool
cache_save(const char *dir, const QemuCaps *caps, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_autoptr(GPtrArray) deprecated = g_ptr_array_new();
    g_autofree const char **accels = NULL;
    g_autofree const char **devices = NULL;
    g_autofree char *path = cache_file(dir, caps->binary);
    g_autofree char *data = NULL;
    guint n_accels = 0, n_devices = 0;
    gsize len = 0;

    g_key_file_set_integer(kf, CACHE_GROUP, "format", CACHE_FORMAT);
    g_key_file_set_string(kf, CACHE_GROUP, "binary", caps->binary);
    g_key_file_set_int64(kf, CACHE_GROUP, "mtime-ns", caps->mtime_ns);
    g_key_file_set_int64(kf, CACHE_GROUP, "size", caps->size);
    g_key_file_set_uint64(kf, CACHE_GROUP, "inode", caps->inode);
    g_key_file_set_uint64(kf, CACHE_GROUP, "dev", caps->dev);
    g_key_file_set_uint64(kf, CACHE_GROUP, "version", caps->version);
    g_key_file_set_boolean(kf, CACHE_GROUP, "spice", caps->spice);
    g_key_file_set_boolean(kf, CACHE_GROUP, "vnc", caps->vnc);
    if (caps->default_machine)
        g_key_file_set_string(kf, CACHE_GROUP, "default-machine", caps->default_machine);
    for (guint i = 0; i < caps->machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        g_ptr_array_add(names, m->name);
        if (m->deprecated)
            g_ptr_array_add(deprecated, m->name);
        if (m->canonical)
            g_key_file_set_string(kf, CACHE_ALIASES_GROUP, m->name, m->canonical);
    }
    g_key_file_set_string_list(kf, CACHE_GROUP, "machines", (const char *const *)names->pdata,
                               names->len);
    g_key_file_set_string_list(kf, CACHE_GROUP, "deprecated-machines",
                               (const char *const *)deprecated->pdata, deprecated->len);
    accels = (const char **)g_hash_table_get_keys_as_array(caps->accels, &n_accels);
    qsort(accels, n_accels, sizeof(*accels), compare_strings);
    g_key_file_set_string_list(kf, CACHE_GROUP, "accels", accels, n_accels);
    devices = (const char **)g_hash_table_get_keys_as_array(caps->devices, &n_devices);
    qsort(devices, n_devices, sizeof(*devices), compare_strings);
    g_key_file_set_string_list(kf, CACHE_GROUP, "devices", devices, n_devices);

    data = g_key_file_to_data(kf, &len, NULL);
    return file_write_atomic(path, data, len, 0644, error);
}

/* The cached capabilities of @binary if the file exists, is of our format
 * and was written for the binary as @st describes it; NULL otherwise (a
 * missing or stale file is no error: the caller probes). */
static QemuCaps *
cache_load(const char *dir, const char *binary, const struct stat *st)
{
    g_autofree char *path = cache_file(dir, binary);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(QemuCaps) caps = NULL;
    g_autofree char *file_binary = NULL;
    g_auto(GStrv) names = NULL;
    g_auto(GStrv) deprecated = NULL;
    g_auto(GStrv) accels = NULL;
    g_auto(GStrv) devices = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return NULL;
    if (g_key_file_get_integer(kf, CACHE_GROUP, "format", NULL) != CACHE_FORMAT)
        return NULL;
    file_binary = g_key_file_get_string(kf, CACHE_GROUP, "binary", NULL);
    if (g_strcmp0(file_binary, binary) != 0)
        return NULL; /* a hash collision, or a hand-copied file */

    caps = qemu_caps_alloc(binary);
    caps->mtime_ns = g_key_file_get_int64(kf, CACHE_GROUP, "mtime-ns", &err);
    if (!err)
        caps->size = g_key_file_get_int64(kf, CACHE_GROUP, "size", &err);
    if (!err)
        caps->inode = g_key_file_get_uint64(kf, CACHE_GROUP, "inode", &err);
    if (!err)
        caps->dev = g_key_file_get_uint64(kf, CACHE_GROUP, "dev", &err);
    if (!err)
        caps->version = g_key_file_get_uint64(kf, CACHE_GROUP, "version", &err);
    if (!err)
        caps->spice = g_key_file_get_boolean(kf, CACHE_GROUP, "spice", &err);
    if (!err)
        caps->vnc = g_key_file_get_boolean(kf, CACHE_GROUP, "vnc", &err);
    if (err || !same_identity(caps, st))
        return NULL;
    if (!(names = g_key_file_get_string_list(kf, CACHE_GROUP, "machines", NULL, NULL)) ||
        !(accels = g_key_file_get_string_list(kf, CACHE_GROUP, "accels", NULL, NULL)) ||
        !(devices = g_key_file_get_string_list(kf, CACHE_GROUP, "devices", NULL, NULL)))
        return NULL;
    deprecated = g_key_file_get_string_list(kf, CACHE_GROUP, "deprecated-machines", NULL, NULL);
    caps->default_machine = g_key_file_get_string(kf, CACHE_GROUP, "default-machine", NULL);
    for (size_t i = 0; names[i]; i++) {
        QemuCapsMachine *m = g_new0(QemuCapsMachine, 1);

        m->name = g_strdup(names[i]);
        m->canonical = g_key_file_get_string(kf, CACHE_ALIASES_GROUP, names[i], NULL);
        m->deprecated = deprecated && g_strv_contains((const char *const *)deprecated, names[i]);
        g_ptr_array_add(caps->machines, m);
    }
    for (size_t i = 0; accels[i]; i++)
        g_hash_table_add(caps->accels, g_strdup(accels[i]));
    for (size_t i = 0; devices[i]; i++)
        g_hash_table_add(caps->devices, g_strdup(devices[i]));
    return g_steal_pointer(&caps);
}

/* ---- the cache ---- */

static void
entry_free(CacheEntry *e)
{
    qemu_caps_unref(e->caps);
    g_mutex_clear(&e->lock);
    g_free(e);
}

/* The entry of @binary, created if missing. Entries live until
 * qemu_caps_reset(). Also returns the settings a probe needs, read under
 * the same lock. */
static CacheEntry *
entry_get(const char *binary, char **ret_dir, unsigned *ret_timeout_ms)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);
    CacheEntry *e;

    if (!cache)
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)entry_free);
    if (!(e = g_hash_table_lookup(cache, binary))) {
        e = g_new0(CacheEntry, 1);
        g_mutex_init(&e->lock);
        g_hash_table_insert(cache, g_strdup(binary), e);
    }
    *ret_dir = g_strdup(cache_dir);
    *ret_timeout_ms = probe_timeout_ms;
    return e;
}

static void
generation_bump(void)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    generation++;
}

/* Shared by qemu_caps_get() and qemu_caps_lookup(): with @may_probe false
 * nothing runs and a binary never probed gives NULL without an error. */
static QemuCaps *
caps_obtain(const char *binary, bool may_probe, GError **error)
{
    g_autofree char *dir = NULL;
    unsigned timeout_ms = 0;
    CacheEntry *e;
    QemuCaps *caps;
    struct stat st;

    if (stat(binary, &st) < 0) {
        if (may_probe)
            error_set_errno(error, QEMU_ERROR, errno, "Cannot find QEMU binary '%s'", binary);
        return NULL;
    }
    e = entry_get(binary, &dir, &timeout_ms);

    g_mutex_lock(&e->lock);
    if (e->caps && same_identity(e->caps, &st))
        goto found;
    if (dir && (caps = cache_load(dir, binary, &st))) {
        qemu_caps_unref(e->caps);
        e->caps = caps;
        generation_bump();
        goto found;
    }
    if (!may_probe) {
        g_mutex_unlock(&e->lock);
        return NULL;
    }
    if (!(caps = probe(binary, timeout_ms, error))) {
        g_mutex_unlock(&e->lock);
        return NULL;
    }
    /* the identity from before the run: a binary replaced while it was being
     * probed then looks changed on the next request, and is probed again */
    set_identity(caps, &st);
    qemu_caps_unref(e->caps);
    e->caps = caps;
    generation_bump();
    if (dir) {
        g_autoptr(GError) save_error = NULL;

        /* only a lost optimisation: the next agent start probes again */
        if (!cache_save(dir, caps, &save_error))
            log_warn("cannot cache the capabilities of QEMU binary '%s': %s", binary,
                     save_error->message);
    }
found:
    caps = qemu_caps_ref(e->caps);
    g_mutex_unlock(&e->lock);
    return caps;
}

QemuCaps *
qemu_caps_get(const char *binary, GError **error)
{
    return caps_obtain(binary, true, error);
}

QemuCaps *
qemu_caps_lookup(const char *binary)
{
    return caps_obtain(binary, false, NULL);
}

/* ---- configuration ---- */

void
qemu_caps_set_host_paths(const HostinfoPaths *paths)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    host_paths = paths;
}

bool
qemu_caps_set_cache_dir(const char *dir, GError **error)
{
    if (dir && !file_mkdir_p(dir, 0755, error)) {
        g_prefix_error(error, "cannot create the QEMU capabilities cache: ");
        return false;
    }
    {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

        g_free(cache_dir);
        cache_dir = g_strdup(dir);
    }
    return true;
}

void
qemu_caps_set_probe_timeout(unsigned timeout_ms)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    probe_timeout_ms = timeout_ms ? timeout_ms : QEMU_CAPS_PROBE_TIMEOUT_MS;
}

void
qemu_caps_reset(void)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    g_clear_pointer(&cache, g_hash_table_unref);
    generation++;
}

guint
qemu_caps_generation(void)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    return generation;
}

/* ---- emulators ---- */

char *
qemu_caps_search_path(void)
{
    const char *dir = g_getenv("VIRTNODE_QEMU_DIR");
    const char *env;

    if (dir && *dir)
        return g_strdup(dir);
    {
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

        if (host_paths && host_paths->search_path)
            return g_strdup(host_paths->search_path);
    }
    env = g_getenv("PATH");
    return g_strdup_printf("%s%s/usr/bin:/usr/local/bin", env ? env : "", env && *env ? ":" : "");
}

GPtrArray *
qemu_caps_find_emulators(void)
{
    g_autofree char *search = qemu_caps_search_path();
    HostinfoPaths paths = { .search_path = search };

    return hostinfo_find_emulators(&paths);
}

/* A copy of the test paths' member, or NULL for the real host. */
static char *
host_path_dup(size_t offset)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cache_lock);

    return host_paths ? g_strdup(G_STRUCT_MEMBER(const char *, host_paths, offset)) : NULL;
}

static char *
host_arch(void)
{
    g_autofree char *arch = host_path_dup(G_STRUCT_OFFSET(HostinfoPaths, arch));
    struct utsname uts;

    if (arch)
        return g_steal_pointer(&arch);
    if (uname(&uts) < 0)
        return g_strdup("x86_64");
    return g_strdup(uts.machine);
}

/* ---- KVM ---- */

/* Whether the "flags" line of @cpuinfo names vmx (Intel VT-x) or svm
 * (AMD-V). Only the first CPU's line is read: flags are uniform. */
static bool
cpuinfo_has_virt(const char *cpuinfo)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);

    for (size_t i = 0; lines[i]; i++) {
        const char *colon = strchr(lines[i], ':');
        g_auto(GStrv) words = NULL;
        bool found = false;

        if (!g_str_has_prefix(lines[i], "flags") || !colon)
            continue;
        words = g_strsplit_set(colon + 1, " \t", -1);
        for (size_t j = 0; words[j] && !found; j++)
            found = g_str_equal(words[j], "vmx") || g_str_equal(words[j], "svm");
        return found;
    }
    return false;
}

bool
qemu_caps_kvm_check(char **ret_reason)
{
    g_autofree char *proc = host_path_dup(G_STRUCT_OFFSET(HostinfoPaths, proc));
    g_autofree char *dev = host_path_dup(G_STRUCT_OFFSET(HostinfoPaths, dev_kvm));
    g_autofree char *cpuinfo_path = g_build_filename(proc ? proc : "/proc", "cpuinfo", NULL);
    g_autofree char *cpuinfo = NULL;
    const char *force = g_getenv("VIRTNODE_FORCE_TCG");
    g_autofree char *reason = NULL;
    int fd autoclose = -1;

    /* a /dev/kvm that opens is no proof that guests run: a PVM host's KVM
     * accepts -accel kvm and then fails in the firmware */
    if (force && g_str_equal(force, "1"))
        reason = g_strdup("VIRTNODE_FORCE_TCG=1 is set");
    else if (!g_file_get_contents(cpuinfo_path, &cpuinfo, NULL, NULL))
        reason = g_strdup_printf("cannot read %s", cpuinfo_path);
    else if (!cpuinfo_has_virt(cpuinfo))
        reason = g_strdup_printf("the CPU flags in %s have neither vmx nor svm", cpuinfo_path);
    else if ((fd = open(dev ? dev : "/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
        reason = g_strdup_printf("cannot open %s: %s", dev ? dev : "/dev/kvm", g_strerror(errno));

    if (reason && ret_reason)
        *ret_reason = g_steal_pointer(&reason);
    return fd >= 0;
}

bool
qemu_caps_kvm_usable(void)
{
    return qemu_caps_kvm_check(NULL);
}

/* Whether KVM on a @host host runs @guest guests natively. */
static bool
kvm_runs_arch(const char *host, const char *guest)
{
    return strcmp(host, guest) == 0 || (strcmp(host, "x86_64") == 0 && strcmp(guest, "i686") == 0);
}

char *
qemu_caps_pick_emulator(const char *arch, const char *virt_type, GError **error)
{
    g_autofree char *host = host_arch();
    g_autoptr(GPtrArray) emus = NULL;
    const char *want = arch ? arch : host;
    const char *fallback = NULL;

    if (!virt_type)
        virt_type = "qemu";
    if (strcmp(virt_type, "qemu") != 0 && strcmp(virt_type, "kvm") != 0) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "unsupported domain type '%s' for the QEMU driver", virt_type);
        return NULL;
    }
    if (strcmp(virt_type, "kvm") == 0) {
        g_autofree char *reason = NULL;

        if (!qemu_caps_kvm_check(&reason)) {
            g_set_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "KVM is not available on this host (%s)", reason);
            return NULL;
        }
        if (!kvm_runs_arch(host, want)) {
            g_set_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "KVM cannot run '%s' guests on this '%s' host", want, host);
            return NULL;
        }
    }

    emus = qemu_caps_find_emulators();
    for (guint i = 0; i < emus->len; i++) {
        const HostinfoEmulator *emu = g_ptr_array_index(emus, i);

        if (strcmp(emu->arch, want) == 0)
            return g_strdup(emu->path);
        /* qemu-system-x86_64 runs 32-bit x86 guests too */
        if (strcmp(want, "i686") == 0 && strcmp(emu->arch, "x86_64") == 0)
            fallback = emu->path;
    }
    if (fallback)
        return g_strdup(fallback);
    {
        g_autofree char *search = qemu_caps_search_path();

        g_set_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "no QEMU binary for arch '%s' (qemu-system-*) in '%s'", want, search);
    }
    return NULL;
}

void
qemu_caps_guest_add_machines(CapsGuest *guest)
{
    g_autoptr(QemuCaps) caps = guest->emulator ? qemu_caps_lookup(guest->emulator) : NULL;

    if (!caps)
        return;
    /* the Caps model takes the first machine as the default */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < caps->machines->len; i++) {
            const QemuCapsMachine *m = g_ptr_array_index(caps->machines, i);
            bool is_default = g_strcmp0(m->name, caps->default_machine) == 0;
            CapsMachine *cm;

            if (is_default != (pass == 0))
                continue;
            cm = caps_guest_add_machine(guest, m->name, m->canonical, 0);
            cm->deprecated = m->deprecated;
        }
    }
}
