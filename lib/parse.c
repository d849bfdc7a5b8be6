/*
 * parse.c — pure parsers of kernel text (see parse.h). Each one walks the
 * buffer by length, never past it, so a truncated read or a hostile file is
 * -EINVAL, never an overrun.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
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

/* The next space-separated field at *pos, or NULL at the end of the line. */
static const char *next_field(const char *line, size_t len, size_t *pos, size_t *field_len)
{
	size_t i = *pos;
	while (i < len && line[i] == ' ')
		i++;
	if (i >= len)
		return NULL;
	size_t start = i;
	while (i < len && line[i] != ' ')
		i++;
	*pos = i;
	*field_len = i - start;
	return line + start;
}

static int parse_u32_field(const char *f, size_t flen, uint32_t *v)
{
	uint64_t x;
	int r = nstk_parse_u64(f, flen, &x);
	if (r < 0)
		return r;
	if (x > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

int nstk_parse_mountinfo_line(const char *line, size_t len, struct nstk_mountinfo_line *out)
{
	struct nstk_mountinfo_line m = { 0 };
	size_t pos = 0, flen;
	const char *f;

	/* mount-id parent-id major:minor root mount-point options [optional...] - fstype source super */
	if (!(f = next_field(line, len, &pos, &flen)) || parse_u32_field(f, flen, &m.mount_id) < 0)
		return -EINVAL;
	if (!(f = next_field(line, len, &pos, &flen)) || parse_u32_field(f, flen, &m.parent_id) < 0)
		return -EINVAL;
	if (!next_field(line, len, &pos, &flen)) /* major:minor */
		return -EINVAL;
	if (!(m.root = next_field(line, len, &pos, &m.root_len)))
		return -EINVAL;
	if (!(m.mount_point = next_field(line, len, &pos, &m.mount_point_len)))
		return -EINVAL;
	if (!next_field(line, len, &pos, &flen)) /* per-mount options */
		return -EINVAL;
	/* Optional fields ("shared:2", "master:1", ...) until a lone "-". */
	for (;;) {
		if (!(f = next_field(line, len, &pos, &flen)))
			return -EINVAL;
		if (flen == 1 && f[0] == '-')
			break;
	}
	if (!(m.fstype = next_field(line, len, &pos, &m.fstype_len)))
		return -EINVAL;
	if (!(m.source = next_field(line, len, &pos, &m.source_len)))
		return -EINVAL;
	if (!(m.super_options = next_field(line, len, &pos, &m.super_options_len)))
		return -EINVAL;
	*out = m;
	return 0;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

ssize_t nstk_unescape_octal(const char *in, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	if (out_size == 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		/* The kernel escapes bytes, so the first digit is at most 3. */
		if (c == '\\' && i + 3 < len && in[i + 1] >= '0' && in[i + 1] <= '3' &&
		    is_octal(in[i + 2]) && is_octal(in[i + 3])) {
			c = (char)(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= out_size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return (ssize_t)o;
}
