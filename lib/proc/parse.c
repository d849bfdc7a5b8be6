/*
 * parse.c — pure parsers of kernel text (see parse.h). Each one walks the
 * buffer by length, never past it, so a truncated read or a hostile file is
 * -EINVAL, never an overrun.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#define NSTK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

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

/* The next line at *pos (without its '\n'); false at the end of text. */
static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *line_len)
{
	if (*pos >= len)
		return false;
	const char *start = text + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	*line = start;
	*line_len = nl ? (size_t)(nl - start) : len - *pos;
	*pos += *line_len + 1;
	return true;
}

static int parse_i64(const char *f, size_t flen, int64_t *v)
{
	bool neg = flen > 0 && f[0] == '-';
	uint64_t u;
	int r = nstk_parse_u64(f + neg, flen - neg, &u);
	if (r < 0)
		return r;
	if (u > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

int nstk_parse_id_map(const char *text, size_t len, struct nstk_id_range *ranges, size_t max,
		      size_t *n)
{
	size_t count = 0, at = 0, line_len;
	const char *line;
	while (next_line(text, len, &at, &line, &line_len)) {
		size_t pos = 0, flen;
		const char *f;
		uint32_t v[3];
		if (line_len == 0)
			continue;
		for (int i = 0; i < 3; i++) {
			if (!(f = next_field(line, line_len, &pos, &flen)) ||
			    parse_u32_field(f, flen, &v[i]) < 0)
				return -EINVAL;
		}
		if (next_field(line, line_len, &pos, &flen))
			return -EINVAL;
		if (count >= max)
			return -E2BIG;
		ranges[count++] = (struct nstk_id_range){ v[0], v[1], v[2] };
	}
	*n = count;
	return 0;
}

int nstk_parse_timens_offsets(const char *text, size_t len, struct nstk_time_offsets *out)
{
	struct nstk_time_offsets o = { 0 };
	unsigned seen = 0;
	size_t at = 0, line_len;
	const char *line;
	while (next_line(text, len, &at, &line, &line_len)) {
		size_t pos = 0, nlen = 0, slen = 0, nslen = 0;
		const char *name = next_field(line, line_len, &pos, &nlen);
		const char *sec = next_field(line, line_len, &pos, &slen);
		const char *nsec = next_field(line, line_len, &pos, &nslen);
		if (!name)
			continue;
		int64_t s, ns;
		if (!sec || !nsec || parse_i64(sec, slen, &s) < 0 || parse_i64(nsec, nslen, &ns) < 0)
			return -EINVAL;
		/* Names since Linux 5.6's release; clock ids (1, 7) in the first drafts. */
		if ((nlen == 9 && memcmp(name, "monotonic", 9) == 0) || (nlen == 1 && name[0] == '1')) {
			o.monotonic_sec = s;
			o.monotonic_nsec = ns;
			seen |= 1;
		} else if ((nlen == 8 && memcmp(name, "boottime", 8) == 0) || (nlen == 1 && name[0] == '7')) {
			o.boottime_sec = s;
			o.boottime_nsec = ns;
			seen |= 2;
		}
	}
	if (seen != 3)
		return -EINVAL;
	*out = o;
	return 0;
}

int nstk_parse_status_nspid(const char *text, size_t len, pid_t *pids, size_t max, size_t *n)
{
	size_t at = 0, line_len;
	const char *line;
	while (next_line(text, len, &at, &line, &line_len)) {
		if (line_len < 6 || memcmp(line, "NSpid:", 6) != 0)
			continue;
		size_t pos = 6, flen, count = 0;
		const char *f;
		/* Fields are tab-separated: treat tabs as spaces. */
		char buf[256];
		if (line_len >= sizeof(buf))
			return -EINVAL;
		for (size_t i = 0; i < line_len; i++)
			buf[i] = line[i] == '\t' ? ' ' : line[i];
		while ((f = next_field(buf, line_len, &pos, &flen))) {
			pid_t p;
			if (count >= max || nstk_parse_pid(f, flen, &p) < 0)
				return -EINVAL;
			pids[count++] = p;
		}
		if (count == 0)
			return -EINVAL;
		*n = count;
		return 0;
	}
	return -EINVAL;
}

int nstk_parse_status_tgid(const char *text, size_t len, pid_t *tgid)
{
	size_t at = 0, line_len;
	const char *line;
	while (next_line(text, len, &at, &line, &line_len)) {
		if (line_len < 5 || memcmp(line, "Tgid:", 5) != 0)
			continue;
		size_t pos = 5;
		while (pos < line_len && (line[pos] == '\t' || line[pos] == ' '))
			pos++;
		return nstk_parse_pid(line + pos, line_len - pos, tgid);
	}
	return -EINVAL;
}

static bool slice_starts(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	return len >= pl && memcmp(s, prefix, pl) == 0;
}

int nstk_parse_overlay_options(const char *opts, size_t len, struct nstk_overlay_layers *out)
{
	struct nstk_overlay_layers o = { 0 };
	bool have_lower = false;
	for (size_t i = 0; i < len;) {
		const char *opt = opts + i;
		const char *comma = memchr(opt, ',', len - i);
		size_t olen = comma ? (size_t)(comma - opt) : len - i;
		i += olen + 1;
		if (slice_starts(opt, olen, "upperdir=")) {
			o.upper = (struct nstk_slice){ opt + 9, olen - 9 };
		} else if (slice_starts(opt, olen, "workdir=")) {
			o.work = (struct nstk_slice){ opt + 8, olen - 8 };
		} else if (slice_starts(opt, olen, "lowerdir=")) {
			have_lower = true;
			const char *p = opt + 9, *end = opt + olen;
			while (p < end) {
				const char *colon = memchr(p, ':', (size_t)(end - p));
				const char *stop = colon ? colon : end;
				if (stop > p) {
					if (o.n_lower == NSTK_ARRAY_LEN(o.lower))
						return -E2BIG;
					o.lower[o.n_lower++] = (struct nstk_slice){ p, (size_t)(stop - p) };
				}
				p = stop + 1;
			}
		} else if (slice_starts(opt, olen, "lowerdir+=") || slice_starts(opt, olen, "datadir+=")) {
			/* Since 6.8 a layer can come as its own option. */
			have_lower = true;
			if (o.n_lower == NSTK_ARRAY_LEN(o.lower))
				return -E2BIG;
			size_t skip = opt[0] == 'l' ? 10 : 9;
			o.lower[o.n_lower++] = (struct nstk_slice){ opt + skip, olen - skip };
		}
	}
	if (!have_lower)
		return -EINVAL;
	*out = o;
	return 0;
}

int nstk_parse_cgroup_line(const char *line, size_t len, struct nstk_cgroup_line *out)
{
	const char *c1 = memchr(line, ':', len);
	if (!c1)
		return -EINVAL;
	const char *rest = c1 + 1;
	const char *c2 = memchr(rest, ':', len - (size_t)(rest - line));
	if (!c2)
		return -EINVAL;
	struct nstk_cgroup_line l;
	if (parse_u32_field(line, (size_t)(c1 - line), &l.hierarchy) < 0)
		return -EINVAL;
	l.controllers = (struct nstk_slice){ rest, (size_t)(c2 - rest) };
	l.path = (struct nstk_slice){ c2 + 1, len - (size_t)(c2 + 1 - line) };
	if (l.path.len == 0 || l.path.s[0] != '/')
		return -EINVAL;
	*out = l;
	return 0;
}

int nstk_parse_proc_stat(const char *text, size_t len, struct nstk_proc_stat *out)
{
	size_t pos = len;
	while (pos > 0 && text[pos - 1] != ')')
		pos--;
	if (pos == 0)
		return -EINVAL;
	/* Field 3 (state) is the first after the comm; 4 ppid, 9 flags, 22 starttime. */
	struct nstk_proc_stat st = { 0 };
	size_t flen;
	const char *f;
	uint64_t v;
	for (int field = 3; field <= 22; field++) {
		if (!(f = next_field(text, len, &pos, &flen)))
			return -EINVAL;
		if (field == 3) {
			if (flen != 1)
				return -EINVAL;
			st.state = f[0];
		} else if (field == 4) {
			if (nstk_parse_u64(f, flen, &v) < 0 || v > INT_MAX)
				return -EINVAL;
			st.ppid = (pid_t)v;
		} else if (field == 9) {
			if (nstk_parse_u64(f, flen, &st.flags) < 0)
				return -EINVAL;
		} else if (field == 22) {
			if (nstk_parse_u64(f, flen, &st.starttime) < 0)
				return -EINVAL;
		}
	}
	*out = st;
	return 0;
}
