/*
 * parse.h — pure parsers of the kernel's text formats: a buffer and its
 * length in, a struct or a number out, -EINVAL (or -ERANGE) when the text is
 * not what the kernel writes. No I/O, no allocation, no reliance on a NUL
 * terminator: every parser here is fuzzed (tests/fuzz) and unit-tested.
 */
#ifndef NSTK_PARSE_H
#define NSTK_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstk/ns.h"

/* "net:[4026531840]" -> (NSTK_NS_NET, 4026531840). */
int nstk_parse_ns_link(const char *text, size_t len, enum nstk_ns_kind *kind, uint64_t *ino);

/* An unsigned decimal with no sign, no blanks, no trailing bytes. */
int nstk_parse_u64(const char *text, size_t len, uint64_t *value);

/* A process id as a user types it: decimal, 1..INT_MAX. */
int nstk_parse_pid(const char *text, size_t len, pid_t *pid);

#endif
