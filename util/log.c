/*
 * log.c: leveled, timestamped, thread-safe logging for the agent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

typedef struct LogOutput {
    LogLevel level;
    int fd; /* STDERR_FILENO or an own descriptor */
    bool owned;
    char *path; /* NULL for stderr */
} LogOutput;

typedef struct LogSpecItem {
    int level;  /* 0: none given */
    char *path; /* NULL: stderr */
} LogSpecItem;

static GMutex log_lock;
/* Read without the lock to skip formatting messages nobody wants. */
static gint log_global_level = LOG_LEVEL_WARNING;
/* Protected by log_lock; NULL means the default (stderr at the global level). */
static GPtrArray *log_outputs;

static const char *const log_level_names[] = {
    [LOG_LEVEL_DEBUG] = "debug",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_WARNING] = "warning",
    [LOG_LEVEL_ERROR] = "error",
};

const char *
log_level_to_string(LogLevel level)
{
    if ((int)level < LOG_LEVEL_DEBUG || (int)level > LOG_LEVEL_ERROR)
        return NULL;
    return log_level_names[level];
}

static void
log_output_free(gpointer data)
{
    LogOutput *out = data;

    if (out->owned && out->fd >= 0)
        close(out->fd);
    g_free(out->path);
    g_free(out);
}

static void
log_spec_item_clear(gpointer data)
{
    LogSpecItem *item = data;

    g_free(item->path);
}

/* Splits "[N:]stderr [N:]file:PATH ..." into items. */
static GArray *
log_spec_parse(const char *spec, GError **error)
{
    g_autoptr(GArray) items = g_array_new(FALSE, TRUE, sizeof(LogSpecItem));
    g_auto(GStrv) words = g_strsplit_set(spec ? spec : "", " \t\n", -1);

    g_array_set_clear_func(items, log_spec_item_clear);
    for (size_t i = 0; words[i]; i++) {
        const char *w = words[i];
        LogSpecItem item = { 0, NULL };

        if (!*w)
            continue;
        if (g_ascii_isdigit(w[0]) && w[1] == ':') {
            item.level = w[0] - '0';
            if (item.level < LOG_LEVEL_DEBUG || item.level > LOG_LEVEL_ERROR) {
                g_set_error(error, UTIL_ERROR, VIR_ERR_CONF_SYNTAX,
                            "log output '%s': level must be 1 (debug) to 4 (error)", w);
                return NULL;
            }
            w += 2;
        }
        if (g_str_equal(w, "stderr")) {
            item.path = NULL;
        } else if (g_str_has_prefix(w, "file:") && w[5]) {
            item.path = g_strdup(w + 5);
        } else {
            g_set_error(error, UTIL_ERROR, VIR_ERR_CONF_SYNTAX,
                        "log output '%s': expected [LEVEL:]stderr or [LEVEL:]file:PATH", words[i]);
            return NULL;
        }
        g_array_append_val(items, item);
    }
    if (items->len == 0) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_CONF_SYNTAX, "log outputs '%s': no output given",
                    spec ? spec : "");
        return NULL;
    }
    return g_steal_pointer(&items);
}

bool
log_outputs_validate(const char *spec, GError **error)
{
    g_autoptr(GArray) items = log_spec_parse(spec, error);

    return items != NULL;
}

bool
log_configure(LogLevel level, const char *spec, bool force_level, GError **error)
{
    g_autoptr(GArray) items = NULL;
    g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func(log_output_free);
    GPtrArray *old;

    if (!log_level_to_string(level)) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_CONF_SYNTAX,
                    "log level %d: must be 1 (debug) to 4 (error)", (int)level);
        return false;
    }
    if (!(items = log_spec_parse(spec ? spec : "stderr", error)))
        return false;
    for (guint i = 0; i < items->len; i++) {
        LogSpecItem *item = &g_array_index(items, LogSpecItem, i);
        LogOutput *out = g_new0(LogOutput, 1);

        out->level = (force_level || item->level == 0) ? level : (LogLevel)item->level;
        out->path = g_strdup(item->path);
        if (!item->path) {
            out->fd = STDERR_FILENO;
        } else {
            out->fd = open(item->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (out->fd < 0) {
                error_set_errno(error, UTIL_ERROR, errno, "cannot open log file '%s'", item->path);
                log_output_free(out);
                return false;
            }
            out->owned = true;
        }
        g_ptr_array_add(outs, out);
    }

    g_mutex_lock(&log_lock);
    old = log_outputs;
    log_outputs = g_steal_pointer(&outs);
    g_atomic_int_set(&log_global_level, level);
    g_mutex_unlock(&log_lock);
    if (old)
        g_ptr_array_unref(old);
    return true;
}

void
log_shutdown(void)
{
    GPtrArray *old;

    g_mutex_lock(&log_lock);
    old = log_outputs;
    log_outputs = NULL;
    g_atomic_int_set(&log_global_level, LOG_LEVEL_WARNING);
    g_mutex_unlock(&log_lock);
    if (old)
        g_ptr_array_unref(old);
}

bool
log_enabled(LogLevel level)
{
    return (int)level >= g_atomic_int_get(&log_global_level);
}

static void
log_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; /* nowhere left to report it */
        }
        data += n;
        len -= (size_t)n;
    }
}

static void
log_format_time(char *out, size_t size)
{
    struct timespec ts;
    struct tm tm;
    char stamp[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    g_snprintf(out, size, "%s.%03ld+0000", stamp, ts.tv_nsec / 1000000);
}

/* Writes @message (no newline) to every output that wants @level. */
static void
log_emit(LogLevel level, const char *message)
{
    char stamp[48];
    g_autoptr(GString) line = g_string_sized_new(128);
    size_t len = strlen(message);

    while (len > 0 && message[len - 1] == '\n')
        len--;
    log_format_time(stamp, sizeof(stamp));
    g_string_append_printf(line, "%s: %ld: %s : ", stamp, (long)getpid(),
                           log_level_to_string(level));
    g_string_append_len(line, message, (gssize)len);
    g_string_append_c(line, '\n');

    g_mutex_lock(&log_lock);
    if (!log_outputs) {
        log_write_all(STDERR_FILENO, line->str, line->len);
    } else {
        for (guint i = 0; i < log_outputs->len; i++) {
            LogOutput *out = g_ptr_array_index(log_outputs, i);

            if (level >= out->level)
                log_write_all(out->fd, line->str, line->len);
        }
    }
    g_mutex_unlock(&log_lock);
}

void
log_messagev(LogLevel level, const char *fmt, va_list args)
{
    g_autofree char *message = NULL;
    int saved = errno; /* callers may log between a failure and its strerror */

    if (!log_enabled(level) || !log_level_to_string(level))
        return;
    message = g_strdup_vprintf(fmt, args);
    log_emit(level, message);
    errno = saved;
}

void
log_message(LogLevel level, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_messagev(level, fmt, args);
    va_end(args);
}

static GLogWriterOutput
log_glib_writer(GLogLevelFlags flags, const GLogField *fields, gsize n_fields, gpointer data)
{
    LogLevel level;
    const char *message = NULL;
    const char *domain = NULL;

    if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        level = LOG_LEVEL_ERROR;
    else if (flags & G_LOG_LEVEL_WARNING)
        level = LOG_LEVEL_WARNING;
    else if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
        level = LOG_LEVEL_INFO;
    else
        level = LOG_LEVEL_DEBUG;
    if (!log_enabled(level))
        return G_LOG_WRITER_HANDLED;

    for (gsize i = 0; i < n_fields; i++) {
        if (g_str_equal(fields[i].key, "MESSAGE") && fields[i].length < 0)
            message = fields[i].value;
        else if (g_str_equal(fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
            domain = fields[i].value;
    }
    if (!message)
        return G_LOG_WRITER_UNHANDLED;
    if (domain) {
        g_autofree char *text = g_strdup_printf("%s: %s", domain, message);

        log_emit(level, text);
    } else {
        log_emit(level, message);
    }
    return G_LOG_WRITER_HANDLED;
}

void
log_install_glib_writer(void)
{
    g_log_set_writer_func(log_glib_writer, NULL, NULL);
}
