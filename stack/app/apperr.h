/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apperr.h - the named reasons an application-layer codec refuses its input.
 *
 * One X-macro list, as drop.h has for packets: the enum, the sentence a
 * student reads, and the RFC tag. The codecs in stack/app/ (base64, WebSocket,
 * DNS, HTTP) return one of these instead of crashing or guessing, so the view
 * and the scenario runner can say what is wrong with a payload.
 */
#ifndef NETSTEP_APP_APPERR_H
#define NETSTEP_APP_APPERR_H

/*     name                     sentence                                              RFC tag */
#define APP_ERRORS(X)                                                                           \
    X(NONE,                     "no error",                                           NULL)            \
    X(NO_ROOM,                  "the output buffer is too small",                     NULL)            \
    X(BASE64_LENGTH,            "base64 text is not a multiple of 4 characters",      "RFC 4648 4")    \
    X(BASE64_CHAR,              "a character outside the base64 alphabet",            "RFC 4648 3.3")  \
    X(BASE64_PADDING,           "'=' padding where it does not belong",               "RFC 4648 3.2")  \
    X(BASE64_PAD_BITS,          "the bits under the padding are not zero",            "RFC 4648 3.5")  \
    X(WS_KEY,                   "Sec-WebSocket-Key is not 16 bytes in base64",        "RFC 6455 4.1")  \
    X(WS_TRUNCATED,             "the frame is shorter than its header says",          "RFC 6455 5.2")  \
    X(WS_RSV,                   "RSV bits set, but no extension was agreed",          "RFC 6455 5.2")  \
    X(WS_OPCODE,                "a reserved opcode",                                  "RFC 6455 5.2")  \
    X(WS_LEN_NOT_MINIMAL,       "the length is not in the fewest bytes possible",     "RFC 6455 5.2")  \
    X(WS_LEN_HIGH_BIT,          "a 64-bit length with its most significant bit set",  "RFC 6455 5.2")  \
    X(WS_CONTROL_LONG,          "a control frame with more than 125 payload bytes",   "RFC 6455 5.5")  \
    X(WS_CONTROL_FRAGMENTED,    "a control frame without FIN",                        "RFC 6455 5.5")  \
    X(DNS_TRUNCATED,            "the DNS message ends inside a field",                "RFC 1035 4.1")  \
    X(DNS_LABEL_TYPE,           "a label starts with the reserved bits 01 or 10",     "RFC 1035 4.1.4") \
    X(DNS_LABEL_LONG,           "a label longer than 63 octets",                      "RFC 1035 2.3.4") \
    X(DNS_LABEL_EMPTY,          "an empty label inside a name",                       "RFC 1035 2.3.1") \
    X(DNS_NAME_LONG,            "a name longer than 255 octets",                      "RFC 1035 2.3.4") \
    X(DNS_POINTER,              "a compression pointer that does not point back",     "RFC 1035 4.1.4") \
    X(DNS_RDATA,                "an A record whose data is not 4 octets",             "RFC 1035 3.4.1") \
    X(DNS_TRAILING,             "bytes left over after the last record",              "RFC 1035 4.1")  \
    X(HTTP_INCOMPLETE,          "no empty line ends the header section (yet)",        "RFC 9112 2.1")  \
    X(HTTP_START_LINE,          "neither a request line nor a status line",           "RFC 9112 3")    \
    X(HTTP_LINE_END,            "a line that does not end in CRLF",                   "RFC 9112 2.2")  \
    X(HTTP_FIELD,               "a header line without a name and a colon",           "RFC 9112 5.1")  \
    X(HTTP_TOO_MANY,            "more header lines than this decoder keeps",          NULL)

enum app_err {
#define APP_ERR_ENUM(name, sentence, rfc) APP_ERR_##name,
    APP_ERRORS(APP_ERR_ENUM)
#undef APP_ERR_ENUM
    APP_ERR_COUNT
};

/* "WS_RSV", the sentence, and the RFC tag (NULL if none) of an error. */
const char *app_err_name(enum app_err e);
const char *app_err_str(enum app_err e);
const char *app_err_rfc(enum app_err e);

#endif
