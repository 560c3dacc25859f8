/*
 * auth-default.c: virConnectAuthPtrDefault, which asks the user on the
 * terminal for what a driver needs to authenticate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>
#include <stdbool.h>

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

/* One line from stdin without its newline; NULL at end of input. */
static char *
read_line(bool echo)
{
    struct termios saved, quiet;
    bool restore = false;
    char buf[1024];
    char *ret = NULL;

    if (!echo && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    if (fgets(buf, sizeof(buf), stdin)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        ret = g_strdup(buf);
    }
    if (restore) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    return ret;
}

static int
default_auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    for (unsigned int i = 0; i < ncred; i++) {
        bool echo = true;
        char *answer;

        switch (cred[i].type) {
        case VIR_CRED_EXTERNAL:
            /* Nothing to ask: the transport authenticates by itself. */
            continue;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT:
            echo = false;
            break;
        case VIR_CRED_USERNAME:
        case VIR_CRED_AUTHNAME:
        case VIR_CRED_ECHOPROMPT:
        case VIR_CRED_REALM:
            break;
        case VIR_CRED_LANGUAGE:
        case VIR_CRED_CNONCE:
        default:
            return -1;
        }
        if (cred[i].defresult)
            fprintf(stderr, "%s [%s]: ", cred[i].prompt, cred[i].defresult);
        else
            fprintf(stderr, "%s: ", cred[i].prompt);
        fflush(stderr);
        if (!(answer = read_line(echo)))
            return -1;
        if (!*answer && cred[i].defresult) {
            g_free(answer);
            answer = g_strdup(cred[i].defresult);
        }
        cred[i].result = answer;
        cred[i].resultlen = strlen(answer);
    }
    return 0;
}

static int default_cred_types[] = {
    VIR_CRED_AUTHNAME,   VIR_CRED_ECHOPROMPT,   VIR_CRED_REALM,
    VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT, VIR_CRED_EXTERNAL,
};

static virConnectAuth default_auth = {
    .credtype = default_cred_types,
    .ncredtype = G_N_ELEMENTS(default_cred_types),
    .cb = default_auth_cb,
    .cbdata = NULL,
};

virConnectAuthPtr virConnectAuthPtrDefault = &default_auth;
