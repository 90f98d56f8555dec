/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * err.h - error codes with BSD's names, returned negated by stack calls.
 *
 * Actions return 0 (or a byte count) on success and -ERR_* on failure
 * (docs/architecture.md, convention 8). The names are errno's, so a lesson can say "connect()
 * failed with ECONNREFUSED" and mean what a C programmer means.
 */
#ifndef NETSTEP_STACK_ERR_H
#define NETSTEP_STACK_ERR_H

/*     name            errno name         sentence (strerror's words) */
#define ERR_LIST(X)                                                              \
    X(OK,              "none",            "Success")                             \
    X(AGAIN,           "EAGAIN",          "Resource temporarily unavailable")    \
    X(BADF,            "EBADF",           "Bad file descriptor")                 \
    X(INVAL,           "EINVAL",          "Invalid argument")                    \
    X(NOMEM,           "ENOMEM",          "Cannot allocate memory")              \
    X(NOBUFS,          "ENOBUFS",         "No buffer space available")           \
    X(MFILE,           "EMFILE",          "Too many open files")                 \
    X(AFNOSUPPORT,     "EAFNOSUPPORT",    "Address family not supported by protocol") \
    X(PROTONOSUPPORT,  "EPROTONOSUPPORT", "Protocol not supported")              \
    X(OPNOTSUPP,       "EOPNOTSUPP",      "Operation not supported")             \
    X(ADDRINUSE,       "EADDRINUSE",      "Address already in use")              \
    X(ADDRNOTAVAIL,    "EADDRNOTAVAIL",   "Cannot assign requested address")     \
    X(ACCES,           "EACCES",          "Permission denied")                   \
    X(DESTADDRREQ,     "EDESTADDRREQ",    "Destination address required")        \
    X(MSGSIZE,         "EMSGSIZE",        "Message too long")                    \
    X(ISCONN,          "EISCONN",         "Transport endpoint is already connected") \
    X(NOTCONN,         "ENOTCONN",        "Transport endpoint is not connected") \
    X(CONNREFUSED,     "ECONNREFUSED",    "Connection refused")                  \
    X(CONNRESET,       "ECONNRESET",      "Connection reset by peer")            \
    X(CONNABORTED,     "ECONNABORTED",    "Software caused connection abort")    \
    X(TIMEDOUT,        "ETIMEDOUT",       "Connection timed out")                \
    X(HOSTUNREACH,     "EHOSTUNREACH",    "No route to host")                    \
    X(NETUNREACH,      "ENETUNREACH",     "Network is unreachable")              \
    X(PIPE,            "EPIPE",           "Broken pipe")                         \
    X(ALREADY,         "EALREADY",        "Operation already in progress")       \
    X(INPROGRESS,      "EINPROGRESS",     "Operation now in progress")           \
    X(NOENT,           "ENOENT",          "No such file or directory")           \
    X(EXIST,           "EEXIST",          "File exists")                         \
    X(PROTOTYPE,       "EPROTOTYPE",      "Protocol wrong type for socket")

enum err_code {
#define ERR_ENUM(name, ename, sentence) ERR_##name,
    ERR_LIST(ERR_ENUM)
#undef ERR_ENUM
    ERR_COUNT
};

/* "ECONNREFUSED" for ERR_CONNREFUSED or -ERR_CONNREFUSED; "none" for 0. */
const char *err_name(int err);
/* "Connection refused". */
const char *err_sentence(int err);
/* ERR_* for "ECONNREFUSED" (or "none" -> ERR_OK); -1 if unknown. */
int err_lookup(const char *name);

#endif
