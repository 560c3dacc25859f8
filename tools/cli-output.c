/*
 * cli-output.c: printing, error reporting and tables as virsh lays them out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"

void
cli_print(CliCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void
cli_print_extra(CliCtl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

static virErrorPtr saved_error;

void
cli_save_error(void)
{
    virErrorPtr err = virGetLastError();

    if (!saved_error && err && err->code != VIR_ERR_OK)
        saved_error = virSaveLastError();
}

void
cli_reset_error(void)
{
    if (saved_error) {
        virFreeError(saved_error);
        saved_error = NULL;
    }
    virResetLastError();
}

void
cli_domain_free(virDomainPtr dom)
{
    cli_save_error();
    virDomainFree(dom);
}

void
cli_network_free(virNetworkPtr net)
{
    cli_save_error();
    virNetworkFree(net);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    cli_save_error();
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void
cli_report_libvirt_error(void)
{
    virErrorPtr err;

    cli_save_error();
    err = saved_error;
    if (err && err->code != VIR_ERR_OK)
        cli_error("%s", err->message ? err->message : "unknown error");
    cli_reset_error();
}

struct CliTable {
    guint ncols;
    GPtrArray *rows; /* of GStrv; row 0 is the header */
};

void
cli_table_free(CliTable *table)
{
    if (!table)
        return;
    g_ptr_array_unref(table->rows);
    g_free(table);
}

static GStrv
collect_cells(const char *first, va_list ap)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    for (const char *c = first; c; c = va_arg(ap, const char *))
        g_strv_builder_add(b, c);
    return g_strv_builder_end(b);
}

CliTable *
cli_table_new(const char *first_header, ...)
{
    CliTable *table = g_new0(CliTable, 1);
    va_list ap;
    GStrv header;

    va_start(ap, first_header);
    header = collect_cells(first_header, ap);
    va_end(ap);
    table->ncols = g_strv_length(header);
    table->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(table->rows, header);
    return table;
}

void
cli_table_add(CliTable *table, const char *first_cell, ...)
{
    va_list ap;
    GStrv row;

    va_start(ap, first_cell);
    row = collect_cells(first_cell, ap);
    va_end(ap);
    g_assert(g_strv_length(row) == table->ncols);
    g_ptr_array_add(table->rows, row);
}

/* Display width: characters, not bytes, so UTF-8 names line up. */
static gsize
cell_width(const char *s)
{
    return g_utf8_validate(s, -1, NULL) ? (gsize)g_utf8_strlen(s, -1) : strlen(s);
}

static void
print_row(const GStrv row, const gsize *widths, guint ncols)
{
    GString *line = g_string_new(" ");

    for (guint c = 0; c < ncols; c++) {
        g_string_append(line, row[c]);
        if (c + 1 < ncols) {
            for (gsize w = cell_width(row[c]); w < widths[c] + 3; w++)
                g_string_append_c(line, ' ');
        }
    }
    g_string_append_c(line, '\n');
    fputs(line->str, stdout);
    g_string_free(line, TRUE);
}

void
cli_table_print(CliCtl *ctl, const CliTable *table)
{
    g_autofree gsize *widths = g_new0(gsize, table->ncols);
    gsize total = 0;

    /* Under -q the header is not printed and does not widen its column. */
    for (guint r = ctl->quiet ? 1 : 0; r < table->rows->len; r++) {
        GStrv row = g_ptr_array_index(table->rows, r);

        for (guint c = 0; c < table->ncols; c++)
            widths[c] = MAX(widths[c], cell_width(row[c]));
    }
    for (guint c = 0; c < table->ncols; c++)
        total += widths[c] + 3;

    if (!ctl->quiet) {
        g_autofree char *rule = g_strnfill(total, '-');

        print_row(g_ptr_array_index(table->rows, 0), widths, table->ncols);
        printf("%s\n", rule);
    }
    for (guint r = 1; r < table->rows->len; r++)
        print_row(g_ptr_array_index(table->rows, r), widths, table->ncols);
}
