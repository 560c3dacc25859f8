/*
 * client.c: one connection to the agent: frame reader, reply queue, limits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* struct ucred */
#include <config.h>

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/server-priv.h"
#include "util/log.h"

/* Bytes asked from the kernel per read; larger frames take several reads. */
#define CLIENT_READ_CHUNK 65536

struct AgentClient {
    gatomicrefcount ref;
    AgentServer *server;
    guint64 id;
    bool readonly;
    pid_t pid;
    uid_t uid;
    gid_t gid;

    /* main context only (read and closed there; workers use it under
     * write_lock, which closing also takes) */
    int fd;
    GByteArray *inbuf;
    GSource *read_source;
    GSource *write_source;
    gpointer priv;
    GDestroyNotify priv_destroy;

    /* Serialises writers: every send() on fd, the queue's head and
     * out_offset, and the close of fd. Taken before lock, never after. */
    GMutex write_lock;
    gsize out_offset; /* bytes of the queue's head already written */

    /* under lock: touched from workers too */
    GMutex lock;
    GQueue outq; /* GBytes */
    int calls;   /* in flight */
    bool closed;
    bool close_requested;
    bool close_flush;
    bool kick_pending;
};

static void client_process_input(AgentClient *c);
static void client_flush(AgentClient *c);

AgentClient *
agent_client_new(AgentServer *server, int fd, bool readonly)
{
    AgentClient *c = g_new0(AgentClient, 1);
    struct ucred cred = { -1, (uid_t)-1, (gid_t)-1 };
    socklen_t len = sizeof(cred);

    g_atomic_ref_count_init(&c->ref);
    c->server = server;
    c->id = ++server->next_client_id;
    c->fd = fd;
    c->readonly = readonly;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        log_warn("client %" G_GUINT64_FORMAT ": cannot read peer credentials: %s", c->id,
                 g_strerror(errno));
    c->pid = cred.pid;
    c->uid = cred.uid;
    c->gid = cred.gid;
    c->inbuf = g_byte_array_new();
    g_mutex_init(&c->write_lock);
    g_mutex_init(&c->lock);
    g_queue_init(&c->outq);
    return c;
}

AgentClient *
agent_client_ref(AgentClient *c)
{
    g_atomic_ref_count_inc(&c->ref);
    return c;
}

void
agent_client_unref(AgentClient *c)
{
    if (!c || !g_atomic_ref_count_dec(&c->ref))
        return;
    if (c->priv_destroy)
        c->priv_destroy(c->priv);
    if (c->fd >= 0)
        close(c->fd);
    g_byte_array_unref(c->inbuf);
    g_queue_clear_full(&c->outq, (GDestroyNotify)g_bytes_unref);
    g_mutex_clear(&c->write_lock);
    g_mutex_clear(&c->lock);
    g_free(c);
}

guint64
agent_client_get_id(AgentClient *c)
{
    return c->id;
}

bool
agent_client_is_readonly(AgentClient *c)
{
    return c->readonly;
}

pid_t
agent_client_get_pid(AgentClient *c)
{
    return c->pid;
}

uid_t
agent_client_get_uid(AgentClient *c)
{
    return c->uid;
}

gid_t
agent_client_get_gid(AgentClient *c)
{
    return c->gid;
}

AgentServer *
agent_client_get_server(AgentClient *c)
{
    return c->server;
}

void
agent_client_set_private(AgentClient *c, gpointer data, GDestroyNotify destroy)
{
    if (c->priv_destroy)
        c->priv_destroy(c->priv);
    c->priv = data;
    c->priv_destroy = destroy;
}

gpointer
agent_client_get_private(AgentClient *c)
{
    return c->priv;
}

bool
agent_client_is_closed(AgentClient *c)
{
    bool closed;

    g_mutex_lock(&c->lock);
    closed = c->closed;
    g_mutex_unlock(&c->lock);
    return closed;
}

bool
agent_client_has_output(AgentClient *c)
{
    bool pending;

    g_mutex_lock(&c->lock);
    pending = !g_queue_is_empty(&c->outq);
    g_mutex_unlock(&c->lock);
    return pending;
}

static void
client_source_destroy(GSource **sp)
{
    if (*sp) {
        g_source_destroy(*sp);
        g_source_unref(*sp);
        *sp = NULL;
    }
}

void
agent_client_close_now(AgentClient *c, const char *reason)
{
    AgentServer *server = c->server;
    g_autoptr(AgentClient) hold = NULL;

    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_mutex_unlock(&c->lock);
        return;
    }
    c->closed = true;
    g_queue_clear_full(&c->outq, (GDestroyNotify)g_bytes_unref);
    g_queue_init(&c->outq);
    g_mutex_unlock(&c->lock);

    hold = agent_client_ref(c);
    client_source_destroy(&c->read_source);
    client_source_destroy(&c->write_source);
    g_mutex_lock(&c->write_lock);
    close(c->fd);
    c->fd = -1;
    g_mutex_unlock(&c->write_lock);
    log_info("client %" G_GUINT64_FORMAT " disconnected: pid %ld uid %ld gid %ld (%s)", c->id,
             (long)c->pid, (long)c->uid, (long)c->gid, reason);
    if (server->hooks.client_closed)
        server->hooks.client_closed(c, server->hooks.user_data);
    g_hash_table_remove(server->clients, c);
}

/* Runs on the main context whenever another thread needs it: replies to
 * write, reading to resume, a close to carry out. */
static gboolean
client_kick_cb(gpointer data)
{
    AgentClient *c = data;
    bool close_requested, flush;

    g_mutex_lock(&c->lock);
    c->kick_pending = false;
    close_requested = c->close_requested;
    flush = c->close_flush;
    g_mutex_unlock(&c->lock);
    if (c->fd < 0)
        return G_SOURCE_REMOVE;
    if (close_requested && !flush) {
        agent_client_close_now(c, "closed by the agent");
        return G_SOURCE_REMOVE;
    }
    client_flush(c);
    if (c->fd < 0)
        return G_SOURCE_REMOVE;
    client_process_input(c);
    if (c->fd >= 0)
        agent_client_update_reading(c);
    return G_SOURCE_REMOVE;
}

void
agent_client_kick(AgentClient *c)
{
    GSource *source;

    g_mutex_lock(&c->lock);
    if (c->kick_pending || c->closed) {
        g_mutex_unlock(&c->lock);
        return;
    }
    c->kick_pending = true;
    g_mutex_unlock(&c->lock);

    source = g_idle_source_new();
    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, client_kick_cb, agent_client_ref(c),
                          (GDestroyNotify)agent_client_unref);
    g_source_attach(source, c->server->context);
    g_source_unref(source);
}

void
agent_client_send(AgentClient *c, GBytes *message)
{
    gsize size, done = 0;
    const guint8 *data = g_bytes_get_data(message, &size);
    bool idle;

    g_mutex_lock(&c->write_lock);
    g_mutex_lock(&c->lock);
    if (c->closed) {
        g_mutex_unlock(&c->lock);
        g_mutex_unlock(&c->write_lock);
        return;
    }
    idle = g_queue_is_empty(&c->outq);
    g_mutex_unlock(&c->lock);

    /* Nothing waiting ahead of it: write from this thread at once rather
     * than wake the main loop to do it (a round trip's worth of latency on
     * a small machine). What does not fit goes through the queue. */
    while (idle && done < size) {
        ssize_t n = send(c->fd, data + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* full, or an error the main loop's flush will meet and report */
        }
        done += (gsize)n;
    }
    if (done == size) {
        g_mutex_unlock(&c->write_lock);
        return;
    }
    g_mutex_lock(&c->lock);
    g_queue_push_tail(&c->outq, g_bytes_ref(message));
    g_mutex_unlock(&c->lock);
    if (idle)
        c->out_offset = done; /* the message just queued is the head */
    g_mutex_unlock(&c->write_lock);
    agent_client_kick(c);
}

void
agent_client_close(AgentClient *c, bool flush)
{
    g_mutex_lock(&c->lock);
    c->close_requested = true;
    c->close_flush = flush;
    g_mutex_unlock(&c->lock);
    agent_client_kick(c);
}

static gboolean
client_write_cb(int fd, GIOCondition cond, gpointer data)
{
    AgentClient *c = data;
    g_autoptr(AgentClient) hold = agent_client_ref(c);

    client_flush(c);
    return G_SOURCE_CONTINUE; /* client_flush removes the source when done */
}

/* Writes queued messages until the queue is empty or the socket is full. */
static void
client_flush(AgentClient *c)
{
    bool close_requested;
    int send_errno = 0;

    g_mutex_lock(&c->write_lock);
    for (;;) {
        GBytes *head;
        const guint8 *data;
        gsize size;
        ssize_t n;

        g_mutex_lock(&c->lock);
        head = g_queue_peek_head(&c->outq); /* only this thread pops */
        g_mutex_unlock(&c->lock);
        if (!head)
            break;
        data = g_bytes_get_data(head, &size);
        if (size == c->out_offset) {
            n = 0;
        } else {
            n = send(c->fd, data + c->out_offset, size - c->out_offset,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!c->write_source) {
                    c->write_source = g_unix_fd_source_new(c->fd, G_IO_OUT);
                    g_source_set_callback(c->write_source, G_SOURCE_FUNC(client_write_cb), c, NULL);
                    g_source_attach(c->write_source, c->server->context);
                }
                g_mutex_unlock(&c->write_lock);
                return;
            }
            send_errno = errno;
            break;
        }
        c->out_offset += (gsize)n;
        if (c->out_offset == size) {
            g_mutex_lock(&c->lock);
            g_queue_pop_head(&c->outq);
            g_mutex_unlock(&c->lock);
            g_bytes_unref(head);
            c->out_offset = 0;
        }
    }
    g_mutex_unlock(&c->write_lock);
    /* Closing takes write_lock itself. */
    if (send_errno) {
        agent_client_close_now(c, g_strerror(send_errno));
        return;
    }
    client_source_destroy(&c->write_source);

    g_mutex_lock(&c->lock);
    close_requested = c->close_requested;
    g_mutex_unlock(&c->lock);
    if (close_requested)
        agent_client_close_now(c, "closed by the agent");
}

static int
client_calls(AgentClient *c)
{
    int calls;

    g_mutex_lock(&c->lock);
    calls = c->calls;
    g_mutex_unlock(&c->lock);
    return calls;
}

/* Hands complete frames in the input buffer to the dispatcher, as long as
 * the client stays under its limit of calls in flight. */
static void
client_process_input(AgentClient *c)
{
    AgentServer *server = c->server;
    g_autoptr(AgentClient) hold = agent_client_ref(c);

    while (c->fd >= 0 && !server->draining) {
        guint32 word;
        GBytes *frame;

        if (client_calls(c) >= g_atomic_int_get(&server->max_client_requests))
            break;
        if (c->inbuf->len < 4)
            break;
        memcpy(&word, c->inbuf->data, 4);
        word = GUINT32_FROM_BE(word);
        if (word < AGENT_FRAME_MIN || word > AGENT_FRAME_MAX) {
            log_warn("client %" G_GUINT64_FORMAT ": invalid message length %u (must be %u to %u)"
                     "; closing the connection",
                     c->id, word, AGENT_FRAME_MIN, AGENT_FRAME_MAX);
            agent_client_close_now(c, "invalid message length");
            return;
        }
        if (c->inbuf->len < word)
            break;
        frame = g_bytes_new(c->inbuf->data + 4, word - 4);
        g_byte_array_remove_range(c->inbuf, 0, word);
        if (!server->hooks.dispatch) {
            g_bytes_unref(frame);
            log_warn("client %" G_GUINT64_FORMAT ": the RPC protocol is not implemented yet"
                     "; closing the connection",
                     c->id);
            agent_client_close_now(c, "no RPC dispatcher");
            return;
        }
        server->hooks.dispatch(c, frame, server->hooks.user_data);
        g_bytes_unref(frame);
    }
}

static gboolean
client_read_cb(int fd, GIOCondition cond, gpointer data)
{
    AgentClient *c = data;
    g_autoptr(AgentClient) hold = agent_client_ref(c);
    guint old = c->inbuf->len;
    ssize_t n;

    g_byte_array_set_size(c->inbuf, old + CLIENT_READ_CHUNK);
    n = read(c->fd, c->inbuf->data + old, CLIENT_READ_CHUNK);
    g_byte_array_set_size(c->inbuf, old + (n > 0 ? (guint)n : 0));
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return G_SOURCE_CONTINUE;
        agent_client_close_now(c, g_strerror(errno));
        return G_SOURCE_REMOVE;
    }
    if (n == 0) {
        agent_client_close_now(c, c->inbuf->len ? "end of file inside a message" : "end of file");
        return G_SOURCE_REMOVE;
    }
    client_process_input(c);
    if (c->fd < 0)
        return G_SOURCE_REMOVE;
    agent_client_update_reading(c);
    return G_SOURCE_CONTINUE;
}

void
agent_client_update_reading(AgentClient *c)
{
    AgentServer *server = c->server;
    bool want = c->fd >= 0 && !server->draining &&
                client_calls(c) < g_atomic_int_get(&server->max_client_requests);

    if (want && !c->read_source) {
        c->read_source = g_unix_fd_source_new(c->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_set_callback(c->read_source, G_SOURCE_FUNC(client_read_cb), c, NULL);
        /* GLib blocks a source around each dispatch unless it may recurse:
         * taking its fd out of the poll set and back, two wakeups of the
         * loop (eventfd writes and one more poll) per message. Nothing
         * runs a nested loop here, so there is nothing to block against. */
        g_source_set_can_recurse(c->read_source, TRUE);
        g_source_attach(c->read_source, server->context);
    } else if (!want && c->read_source) {
        client_source_destroy(&c->read_source);
    }
}

void
agent_client_start(AgentClient *c)
{
    AgentServer *server = c->server;

    log_info("client %" G_GUINT64_FORMAT " connected: pid %ld uid %ld gid %ld on %s socket", c->id,
             (long)c->pid, (long)c->uid, (long)c->gid, c->readonly ? "ro" : "rw");
    if (server->hooks.client_opened)
        server->hooks.client_opened(c, server->hooks.user_data);
    if (c->fd >= 0)
        agent_client_update_reading(c);
}

void
agent_client_begin_call(AgentClient *c)
{
    g_mutex_lock(&c->lock);
    c->calls++;
    g_mutex_unlock(&c->lock);
    g_atomic_int_inc(&c->server->calls_in_flight);
}

void
agent_client_end_call(AgentClient *c)
{
    bool was_limited;

    g_mutex_lock(&c->lock);
    g_assert(c->calls > 0);
    was_limited = c->calls >= g_atomic_int_get(&c->server->max_client_requests);
    c->calls--;
    g_mutex_unlock(&c->lock);
    if (was_limited)
        agent_client_kick(c); /* resume reading on the main context */
    /* Last: once the count reaches 0 the server may be freed. */
    g_atomic_int_add(&c->server->calls_in_flight, -1);
}

void
agent_server_job_run(gpointer data, gpointer user_data)
{
    AgentJob *job = data;

    job->func(job->client, job->frame, job->user_data);
    agent_client_end_call(job->client);
    agent_client_unref(job->client);
    g_bytes_unref(job->frame);
    g_free(job);
}

void
agent_client_queue_call(AgentClient *c, GBytes *frame, AgentCallFunc func, gpointer user_data)
{
    AgentJob *job = g_new0(AgentJob, 1);
    g_autoptr(GError) err = NULL;

    agent_client_begin_call(c);
    job->client = agent_client_ref(c);
    job->frame = g_bytes_ref(frame);
    job->func = func;
    job->user_data = user_data;
    if (!g_thread_pool_push(c->server->pool, job, &err))
        log_error("client %" G_GUINT64_FORMAT ": cannot start a worker thread: %s", c->id,
                  err->message); /* the job stays queued for the threads that exist */
}
