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

static int parse_u32_field(struct nstk_span f, uint32_t *v)
{
	uint64_t x;
	int r = nstk_parse_u64(f.s, f.len, &x);
	if (r < 0)
		return r;
	if (x > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

/* The next field of line as pointer and length (mountinfo lines keep them apart). */
static bool take_field(struct nstk_span line, size_t *pos, const char **text, size_t *len)
{
	struct nstk_span f;
	if (!nstk_next_field(line, pos, &f))
		return false;
	*text = f.s;
	*len = f.len;
	return true;
}

int nstk_parse_mountinfo_line(const char *text, size_t len, struct nstk_mountinfo_line *out)
{
	struct nstk_mountinfo_line m = { 0 };
	struct nstk_span line = { text, len }, f;
	size_t pos = 0;

	/* mount-id parent-id major:minor root mount-point options [optional...] - fstype source super */
	if (!nstk_next_field(line, &pos, &f) || parse_u32_field(f, &m.mount_id) < 0)
		return -EINVAL;
	if (!nstk_next_field(line, &pos, &f) || parse_u32_field(f, &m.parent_id) < 0)
		return -EINVAL;
	if (!nstk_next_field(line, &pos, &f)) /* major:minor */
		return -EINVAL;
	if (!take_field(line, &pos, &m.root, &m.root_len) ||
	    !take_field(line, &pos, &m.mount_point, &m.mount_point_len))
		return -EINVAL;
	if (!nstk_next_field(line, &pos, &f)) /* per-mount options */
		return -EINVAL;
	/* Optional fields ("shared:2", "master:1", ...) until a lone "-". */
	do {
		if (!nstk_next_field(line, &pos, &f))
			return -EINVAL;
	} while (!nstk_span_eq(f, "-"));
	if (!take_field(line, &pos, &m.fstype, &m.fstype_len) ||
	    !take_field(line, &pos, &m.source, &m.source_len) ||
	    !take_field(line, &pos, &m.super_options, &m.super_options_len))
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
	size_t count = 0, at = 0;
	struct nstk_span line, f;
	while (nstk_next_line(text, len, &at, &line) > 0) {
		size_t pos = 0;
		uint32_t v[3];
		if (line.len == 0)
			continue;
		for (int i = 0; i < 3; i++) {
			if (!nstk_next_field(line, &pos, &f) || parse_u32_field(f, &v[i]) < 0)
				return -EINVAL;
		}
		if (nstk_next_field(line, &pos, &f))
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
	size_t at = 0;
	struct nstk_span line;
	while (nstk_next_line(text, len, &at, &line) > 0) {
		size_t pos = 0;
		struct nstk_span name, sec, nsec;
		if (!nstk_next_field(line, &pos, &name))
			continue;
		int64_t s, ns;
		if (!nstk_next_field(line, &pos, &sec) || !nstk_next_field(line, &pos, &nsec) ||
		    parse_i64(sec.s, sec.len, &s) < 0 || parse_i64(nsec.s, nsec.len, &ns) < 0)
			return -EINVAL;
		/* Names since Linux 5.6's release; clock ids (1, 7) in the first drafts. */
		if (nstk_span_eq(name, "monotonic") || nstk_span_eq(name, "1")) {
			o.monotonic_sec = s;
			o.monotonic_nsec = ns;
			seen |= 1;
		} else if (nstk_span_eq(name, "boottime") || nstk_span_eq(name, "7")) {
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
	size_t at = 0;
	struct nstk_span line, f;
	while (nstk_next_line(text, len, &at, &line) > 0) {
		if (!nstk_span_starts(line, "NSpid:"))
			continue;
		size_t pos = 6, count = 0;
		/* Fields are tab-separated: treat tabs as spaces. */
		char buf[256];
		if (line.len >= sizeof(buf))
			return -EINVAL;
		for (size_t i = 0; i < line.len; i++)
			buf[i] = line.s[i] == '\t' ? ' ' : line.s[i];
		while (nstk_next_field((struct nstk_span){ buf, line.len }, &pos, &f)) {
			pid_t p;
			if (count >= max || nstk_parse_pid(f.s, f.len, &p) < 0)
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
	size_t at = 0;
	struct nstk_span line;
	while (nstk_next_line(text, len, &at, &line) > 0) {
		if (!nstk_span_starts(line, "Tgid:"))
			continue;
		size_t pos = 5;
		while (pos < line.len && (line.s[pos] == '\t' || line.s[pos] == ' '))
			pos++;
		return nstk_parse_pid(line.s + pos, line.len - pos, tgid);
	}
	return -EINVAL;
}

int nstk_parse_overlay_options(const char *opts, size_t len, struct nstk_overlay_layers *out)
{
	struct nstk_overlay_layers o = { 0 };
	bool have_lower = false;
	size_t pos = 0;
	struct nstk_span opt;
	/* Empty options (",,") are skipped, as the kernel does. */
	for (int r; (r = nstk_next_token((struct nstk_span){ opts, len }, ',', &pos, &opt)) != 0;) {
		if (r < 0) {
			pos++;
			continue;
		}
		if (nstk_span_starts(opt, "upperdir=")) {
			o.upper = (struct nstk_span){ opt.s + 9, opt.len - 9 };
		} else if (nstk_span_starts(opt, "workdir=")) {
			o.work = (struct nstk_span){ opt.s + 8, opt.len - 8 };
		} else if (nstk_span_starts(opt, "lowerdir=")) {
			have_lower = true;
			struct nstk_span dirs = { opt.s + 9, opt.len - 9 }, dir;
			size_t at = 0;
			/* "::" before data-only layers: an empty layer is no layer. */
			for (int d; (d = nstk_next_token(dirs, ':', &at, &dir)) != 0;) {
				if (d < 0) {
					at++;
					continue;
				}
				if (o.n_lower == NSTK_ARRAY_LEN(o.lower))
					return -E2BIG;
				o.lower[o.n_lower++] = dir;
			}
		} else if (nstk_span_starts(opt, "lowerdir+=") || nstk_span_starts(opt, "datadir+=")) {
			/* Since 6.8 a layer can come as its own option. */
			have_lower = true;
			if (o.n_lower == NSTK_ARRAY_LEN(o.lower))
				return -E2BIG;
			size_t skip = opt.s[0] == 'l' ? 10 : 9;
			o.lower[o.n_lower++] = (struct nstk_span){ opt.s + skip, opt.len - skip };
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
	if (parse_u32_field((struct nstk_span){ line, (size_t)(c1 - line) }, &l.hierarchy) < 0)
		return -EINVAL;
	l.controllers = (struct nstk_span){ rest, (size_t)(c2 - rest) };
	l.path = (struct nstk_span){ c2 + 1, len - (size_t)(c2 + 1 - line) };
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
	const char *open = memchr(text, '(', pos - 1);
	if (!open)
		return -EINVAL;
	/* Field 3 (state) is the first after the comm; 4 ppid, 9 flags, 14 utime,
	 * 15 stime, 22 starttime, 24 rss. */
	struct nstk_proc_stat st = { .comm = { open + 1, (size_t)(text + pos - 1 - (open + 1)) } };
	struct nstk_span stat = { text, len }, f;
	uint64_t v;
	for (int field = 3; field <= 24; field++) {
		if (!nstk_next_field(stat, &pos, &f))
			return -EINVAL;
		uint64_t *u = field == 9 ? &st.flags : field == 14 ? &st.utime : field == 15 ? &st.stime
			    : field == 22 ? &st.starttime : field == 24 ? &st.rss : NULL;
		if (field == 3) {
			if (f.len != 1)
				return -EINVAL;
			st.state = f.s[0];
		} else if (field == 4) {
			if (nstk_parse_u64(f.s, f.len, &v) < 0 || v > INT_MAX)
				return -EINVAL;
			st.ppid = (pid_t)v;
		} else if (u && nstk_parse_u64(f.s, f.len, u) < 0) {
			return -EINVAL;
		}
	}
	*out = st;
	return 0;
}

int nstk_parse_status_uids(const char *text, size_t len, uid_t uids[4])
{
	size_t at = 0;
	struct nstk_span line;
	while (nstk_next_line(text, len, &at, &line) > 0) {
		if (!nstk_span_starts(line, "Uid:"))
			continue;
		size_t pos = 4;
		uid_t got[4];
		for (size_t i = 0; i < 4; i++) {
			size_t start;
			while (pos < line.len && (line.s[pos] == '\t' || line.s[pos] == ' '))
				pos++;
			start = pos;
			while (pos < line.len && line.s[pos] != '\t' && line.s[pos] != ' ')
				pos++;
			uint64_t u;
			/* (uid_t)-1 is "no uid" to setresuid(2): the kernel never shows it. */
			if (nstk_parse_u64(line.s + start, pos - start, &u) < 0 || u >= UINT32_MAX)
				return -EINVAL;
			got[i] = (uid_t)u;
		}
		memcpy(uids, got, sizeof(got));
		return 0;
	}
	return -EINVAL;
}
