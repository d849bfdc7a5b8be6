/*
 * parse.c — pure parsers of kernel text (see parse.h). Each one walks the
 * buffer by length, never past it, so a truncated read or a hostile file is
 * -EINVAL, never an overrun.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "nstk/parse.h"

int nstk_parse_u64(const char *text, size_t len, uint64_t *value)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		unsigned digit = (unsigned)(text[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*value = v;
	return 0;
}

int nstk_parse_pid(const char *text, size_t len, pid_t *pid)
{
	uint64_t v;
	int r = nstk_parse_u64(text, len, &v);
	if (r < 0)
		return r;
	if (v == 0 || v > INT_MAX)
		return -ERANGE;
	*pid = (pid_t)v;
	return 0;
}

int nstk_parse_ns_link(const char *text, size_t len, enum nstk_ns_kind *kind, uint64_t *ino)
{
	const char *colon = memchr(text, ':', len);
	if (!colon)
		return -EINVAL;
	size_t name_len = (size_t)(colon - text);
	size_t rest = len - name_len - 1;
	const char *num = colon + 1;
	/* At least "[" digit "]". */
	if (rest < 3 || num[0] != '[' || num[rest - 1] != ']')
		return -EINVAL;

	int k = -EINVAL;
	for (int i = 0; i < NSTK_NS_KIND_COUNT; i++) {
		const char *name = nstk_ns_kind_name(i);
		if (strlen(name) == name_len && memcmp(name, text, name_len) == 0) {
			k = i;
			break;
		}
	}
	if (k < 0)
		return -EINVAL;

	uint64_t v;
	int r = nstk_parse_u64(num + 1, rest - 2, &v);
	if (r < 0)
		return r;
	*kind = (enum nstk_ns_kind)k;
	*ino = v;
	return 0;
}
