/*
 * cgparse.c — pure parsers of cgroup v2 and v1 files (see cgparse.h).
 *
 * Everything is built from span.h's two cursors over (text, len): one that
 * takes a line (here insisting on its newline), one that takes a
 * space-separated token from a line. Neither looks past len, so a
 * truncated or hostile buffer can only be -EINVAL, never an overrun.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "nstk/cgparse.h"
#include "nstk/span.h"

#define MAX_VALUE ((uint64_t)INT64_MAX)

/* Drop one final newline of a single-value file. */
static struct nstk_span single_value(const char *text, size_t len)
{
	if (len && text[len - 1] == '\n')
		len--;
	return (struct nstk_span){ text, len };
}

/* Digits only, 0..INT64_MAX. */
static int parse_number(struct nstk_span t, uint64_t *value)
{
	uint64_t v = 0;

	if (t.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < t.len; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			return -EINVAL;
		unsigned digit = (unsigned)(t.s[i] - '0');
		if (v > (MAX_VALUE - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*value = v;
	return 0;
}

/* A number, or -ERANGE for one with a minus sign (a negative count). */
static int parse_count(struct nstk_span t, uint64_t *value)
{
	if (t.len > 1 && t.s[0] == '-') {
		uint64_t ignored;
		int r = parse_number((struct nstk_span){ t.s + 1, t.len - 1 }, &ignored);
		return r == -EINVAL ? r : -ERANGE;
	}
	return parse_number(t, value);
}

/* The next line at *pos: 1, 0 at the end, -EINVAL for a last line with no
 * newline (a truncated read: a cgroup file always ends its lines). */
static int next_line(const char *text, size_t len, size_t *pos, struct nstk_span *line)
{
	int r = nstk_next_line(text, len, pos, line);
	return r == NSTK_LINE_UNTERMINATED ? -EINVAL : r;
}

/* The next token of line, split on single spaces (span.h: two spaces are -EINVAL). */
static int next_token(struct nstk_span line, size_t *pos, struct nstk_span *tok)
{
	return nstk_next_token(line, ' ', pos, tok);
}

/* Exactly n tokens in line. */
static int split_tokens(struct nstk_span line, struct nstk_span *tok, size_t n)
{
	size_t pos = 0;
	for (size_t i = 0; i < n; i++)
		if (next_token(line, &pos, &tok[i]) != 1)
			return -EINVAL;
	struct nstk_span extra;
	return next_token(line, &pos, &extra) == 0 ? 0 : -EINVAL;
}

/* "key=value" split at its first '='. */
static int split_pair(struct nstk_span tok, struct nstk_span *key, struct nstk_span *value)
{
	const char *eq = memchr(tok.s, '=', tok.len);
	if (!eq || eq == tok.s)
		return -EINVAL;
	*key = (struct nstk_span){ tok.s, (size_t)(eq - tok.s) };
	*value = (struct nstk_span){ eq + 1, tok.len - key->len - 1 };
	return 0;
}

static int add_checked(uint64_t *sum, uint64_t v)
{
	if (*sum == NSTK_CG_ABSENT)
		*sum = 0;
	if (v > MAX_VALUE - *sum)
		return -ERANGE;
	*sum += v;
	return 0;
}

int nstk_cgparse_u64(const char *text, size_t len, uint64_t *value)
{
	return parse_count(single_value(text, len), value);
}

static int parse_limit_span(struct nstk_span t, uint64_t *value)
{
	if (nstk_span_eq(t, "max") || nstk_span_eq(t, "-1")) {
		*value = NSTK_CG_UNLIMITED;
		return 0;
	}
	uint64_t v;
	int r = parse_count(t, &v);
	if (r < 0)
		return r;
	*value = v >= NSTK_CG_V1_UNLIMITED_MIN ? NSTK_CG_UNLIMITED : v;
	return 0;
}

int nstk_cgparse_limit(const char *text, size_t len, uint64_t *value)
{
	return parse_limit_span(single_value(text, len), value);
}

int nstk_cgparse_cfs_quota(const char *text, size_t len, uint64_t *quota_usec)
{
	uint64_t v;
	int r = parse_limit_span(single_value(text, len), &v);
	if (r < 0)
		return r;
	if (v == 0)
		return -ERANGE;
	*quota_usec = v;
	return 0;
}

int nstk_cgparse_cfs_period(const char *text, size_t len, uint64_t *period_usec)
{
	uint64_t v;
	int r = parse_count(single_value(text, len), &v);
	if (r < 0)
		return r;
	if (v == 0)
		return -ERANGE;
	*period_usec = v;
	return 0;
}

int nstk_cgparse_cpu_max(const char *text, size_t len, struct nstk_cg_cpu_max *out)
{
	struct nstk_span tok[2];
	uint64_t quota, period;
	int r;

	if ((r = split_tokens(single_value(text, len), tok, 2)) < 0)
		return r;
	if (nstk_span_eq(tok[0], "max"))
		quota = NSTK_CG_UNLIMITED;
	else if ((r = parse_count(tok[0], &quota)) < 0)
		return r;
	else if (quota == 0)
		return -ERANGE;
	if ((r = parse_count(tok[1], &period)) < 0)
		return r;
	if (period == 0)
		return -ERANGE;
	out->quota_usec = quota;
	out->period_usec = period;
	return 0;
}

int nstk_cgparse_flat_keyed(const char *text, size_t len, const char *const *keys, size_t nkeys,
			    uint64_t *values)
{
	struct nstk_span line, tok[2];
	size_t pos = 0;
	int r;

	for (size_t i = 0; i < nkeys; i++)
		values[i] = NSTK_CG_ABSENT;
	while ((r = next_line(text, len, &pos, &line)) == 1) {
		uint64_t v;
		if ((r = split_tokens(line, tok, 2)) < 0 || (r = parse_count(tok[1], &v)) < 0)
			return r;
		for (size_t i = 0; i < nkeys; i++)
			if (nstk_span_eq(tok[0], keys[i]))
				values[i] = v;
	}
	return r;
}

int nstk_cgparse_cpu_stat(const char *text, size_t len, struct nstk_cg_cpu_stat *out)
{
	enum { USAGE, USER, SYSTEM, PERIODS, THROTTLED, THROTTLED_USEC, BURSTS, BURST_USEC,
	       THROTTLED_NS, BURST_NS, NKEYS };
	static const char *const keys[NKEYS] = {
		[USAGE] = "usage_usec",		  [USER] = "user_usec",		[SYSTEM] = "system_usec",
		[PERIODS] = "nr_periods",	  [THROTTLED] = "nr_throttled", [THROTTLED_USEC] = "throttled_usec",
		[BURSTS] = "nr_bursts",		  [BURST_USEC] = "burst_usec",	[THROTTLED_NS] = "throttled_time",
		[BURST_NS] = "burst_time",
	};
	uint64_t v[NKEYS];
	int r = nstk_cgparse_flat_keyed(text, len, keys, NKEYS, v);
	if (r < 0)
		return r;
	if (v[THROTTLED_USEC] == NSTK_CG_ABSENT && v[THROTTLED_NS] != NSTK_CG_ABSENT)
		v[THROTTLED_USEC] = v[THROTTLED_NS] / 1000;
	if (v[BURST_USEC] == NSTK_CG_ABSENT && v[BURST_NS] != NSTK_CG_ABSENT)
		v[BURST_USEC] = v[BURST_NS] / 1000;
	*out = (struct nstk_cg_cpu_stat){
		.usage_usec = v[USAGE],
		.user_usec = v[USER],
		.system_usec = v[SYSTEM],
		.nr_periods = v[PERIODS],
		.nr_throttled = v[THROTTLED],
		.throttled_usec = v[THROTTLED_USEC],
		.nr_bursts = v[BURSTS],
		.burst_usec = v[BURST_USEC],
	};
	return 0;
}

int nstk_cgparse_memory_stat(const char *text, size_t len, const char *key, uint64_t *value)
{
	uint64_t v;
	int r = nstk_cgparse_flat_keyed(text, len, &key, 1, &v);
	if (r < 0)
		return r;
	if (v == NSTK_CG_ABSENT)
		return -ENOENT;
	*value = v;
	return 0;
}

int nstk_cgparse_memory_events(const char *text, size_t len, struct nstk_cg_memory_events *out)
{
	static const char *const keys[] = { "low", "high", "max", "oom", "oom_kill", "oom_group_kill" };
	uint64_t v[6];
	int r = nstk_cgparse_flat_keyed(text, len, keys, 6, v);
	if (r < 0)
		return r;
	*out = (struct nstk_cg_memory_events){
		.low = v[0], .high = v[1], .max = v[2], .oom = v[3], .oom_kill = v[4], .oom_group_kill = v[5],
	};
	return 0;
}

int nstk_cgparse_oom_control(const char *text, size_t len, struct nstk_cg_oom_control *out)
{
	static const char *const keys[] = { "oom_kill_disable", "under_oom", "oom_kill" };
	uint64_t v[3];
	int r = nstk_cgparse_flat_keyed(text, len, keys, 3, v);
	if (r < 0)
		return r;
	*out = (struct nstk_cg_oom_control){ .oom_kill_disable = v[0], .under_oom = v[1], .oom_kill = v[2] };
	return 0;
}

/* "MAJ:MIN", both decimal. */
static bool is_device(struct nstk_span t)
{
	const char *colon = memchr(t.s, ':', t.len);
	uint64_t ignored;
	if (!colon)
		return false;
	size_t major_len = (size_t)(colon - t.s);
	return parse_number((struct nstk_span){ t.s, major_len }, &ignored) == 0 &&
	       parse_number((struct nstk_span){ colon + 1, t.len - major_len - 1 }, &ignored) == 0;
}

int nstk_cgparse_io_stat(const char *text, size_t len, struct nstk_cg_io *out)
{
	static const char *const keys[] = { "rbytes", "wbytes", "dbytes", "rios", "wios", "dios" };
	uint64_t sum[6] = { 0 };
	struct nstk_span line, tok;
	size_t pos = 0;
	unsigned ndevices = 0;
	int r;

	while ((r = next_line(text, len, &pos, &line)) == 1) {
		size_t tpos = 0;
		/* Some kernels' policies end their part of a line with a space. */
		while (line.len && line.s[line.len - 1] == ' ')
			line.len--;
		if (next_token(line, &tpos, &tok) != 1 || !is_device(tok))
			return -EINVAL;
		ndevices++;
		while ((r = next_token(line, &tpos, &tok)) == 1) {
			struct nstk_span key, value;
			if ((r = split_pair(tok, &key, &value)) < 0)
				return r;
			for (size_t i = 0; i < 6; i++) {
				uint64_t v;
				if (!nstk_span_eq(key, keys[i]))
					continue;
				if ((r = parse_count(value, &v)) < 0 || (r = add_checked(&sum[i], v)) < 0)
					return r;
			}
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*out = (struct nstk_cg_io){
		.rbytes = sum[0], .wbytes = sum[1], .dbytes = sum[2],
		.rios = sum[3], .wios = sum[4], .dios = sum[5], .ndevices = ndevices,
	};
	return 0;
}

int nstk_cgparse_blkio_bytes(const char *text, size_t len, struct nstk_cg_io *out)
{
	static const char *const ops[] = { "Read", "Write", "Discard", "Sync", "Async", "Total" };
	uint64_t sum[3] = { 0 };
	struct nstk_span line, tok[3];
	size_t pos = 0;
	unsigned ndevices = 0;
	struct nstk_span last_device = { NULL, 0 };
	int r;

	while ((r = next_line(text, len, &pos, &line)) == 1) {
		uint64_t v;
		/* The device-less "Total N" that ends the file. */
		if (split_tokens(line, tok, 2) == 0) {
			if (!nstk_span_eq(tok[0], "Total"))
				return -EINVAL;
			if ((r = parse_count(tok[1], &v)) < 0)
				return r;
			continue;
		}
		if ((r = split_tokens(line, tok, 3)) < 0 || !is_device(tok[0]))
			return -EINVAL;
		if ((r = parse_count(tok[2], &v)) < 0)
			return r;
		size_t op;
		for (op = 0; op < 6; op++)
			if (nstk_span_eq(tok[1], ops[op]))
				break;
		if (op == 6)
			return -EINVAL;
		if (op < 3 && (r = add_checked(&sum[op], v)) < 0)
			return r;
		if (last_device.len != tok[0].len || memcmp(last_device.s, tok[0].s, tok[0].len) != 0) {
			ndevices++;
			last_device = tok[0];
		}
	}
	if (r < 0)
		return r;
	*out = (struct nstk_cg_io){
		.rbytes = sum[0], .wbytes = sum[1], .dbytes = sum[2],
		.rios = NSTK_CG_ABSENT, .wios = NSTK_CG_ABSENT, .dios = NSTK_CG_ABSENT,
		.ndevices = ndevices,
	};
	return 0;
}

/* "12.34" as the kernel writes a PSI average: digits, optionally '.' and digits. */
static int parse_percent(struct nstk_span t, double *value)
{
	const char *dot = memchr(t.s, '.', t.len);
	size_t int_len = dot ? (size_t)(dot - t.s) : t.len;
	uint64_t whole, frac = 0;
	double scale = 1;
	int r;

	if ((r = parse_number((struct nstk_span){ t.s, int_len }, &whole)) < 0)
		return r;
	if (dot) {
		struct nstk_span f = { dot + 1, t.len - int_len - 1 };
		if (f.len == 0 || f.len > 6)
			return -EINVAL;
		if ((r = parse_number(f, &frac)) < 0)
			return r;
		for (size_t i = 0; i < f.len; i++)
			scale *= 10;
	}
	/* A share of time, in percent: anything past 100 (plus rounding) is not PSI. */
	if (whole > 1000)
		return -ERANGE;
	*value = (double)whole + (double)frac / scale;
	return 0;
}

static int parse_psi_line(struct nstk_span line, struct nstk_span *kind, struct nstk_cg_psi_line *out)
{
	static const char *const keys[] = { "avg10", "avg60", "avg300", "total" };
	struct nstk_span tok[5], key, value;
	double avg[3];
	int r;

	if ((r = split_tokens(line, tok, 5)) < 0)
		return r;
	*kind = tok[0];
	for (size_t i = 0; i < 4; i++) {
		if ((r = split_pair(tok[i + 1], &key, &value)) < 0)
			return r;
		if (!nstk_span_eq(key, keys[i]))
			return -EINVAL;
		r = i < 3 ? parse_percent(value, &avg[i]) : parse_count(value, &out->total_usec);
		if (r < 0)
			return r;
	}
	out->avg10 = avg[0];
	out->avg60 = avg[1];
	out->avg300 = avg[2];
	return 0;
}

int nstk_cgparse_pressure(const char *text, size_t len, struct nstk_cg_pressure *out)
{
	struct nstk_cg_pressure p = { 0 };
	struct nstk_span line, kind;
	size_t pos = 0;
	bool has_some = false;
	int r;

	while ((r = next_line(text, len, &pos, &line)) == 1) {
		struct nstk_cg_psi_line l;
		if ((r = parse_psi_line(line, &kind, &l)) < 0)
			return r;
		if (nstk_span_eq(kind, "some") && !has_some) {
			p.some = l;
			has_some = true;
		} else if (nstk_span_eq(kind, "full") && has_some && !p.has_full) {
			p.full = l;
			p.has_full = true;
		} else {
			return -EINVAL;
		}
	}
	if (r < 0)
		return r;
	if (!has_some)
		return -EINVAL;
	*out = p;
	return 0;
}

int nstk_cgparse_cpuset_count(const char *text, size_t len, uint64_t *count)
{
	struct nstk_span list = single_value(text, len);
	uint64_t total = 0;
	uint64_t next_free = 0; /* the lowest CPU a following range may start at */
	size_t pos = 0;
	int r;

	while (pos < list.len) {
		const char *start = list.s + pos;
		const char *comma = memchr(start, ',', list.len - pos);
		size_t n = comma ? (size_t)(comma - start) : list.len - pos;
		struct nstk_span item = { start, n };
		const char *dash = memchr(item.s, '-', item.len);
		uint64_t first, last;

		if (dash) {
			size_t a = (size_t)(dash - item.s);
			if ((r = parse_number((struct nstk_span){ item.s, a }, &first)) < 0 ||
			    (r = parse_number((struct nstk_span){ dash + 1, item.len - a - 1 }, &last)) < 0)
				return r;
		} else {
			if ((r = parse_number(item, &first)) < 0)
				return r;
			last = first;
		}
		if (first > NSTK_CG_MAX_CPU || last > NSTK_CG_MAX_CPU)
			return -ERANGE;
		if (last < first || first < next_free)
			return -EINVAL;
		total += last - first + 1;
		next_free = last + 1;
		pos += n;
		if (comma) {
			pos++;
			if (pos == list.len) /* a trailing comma */
				return -EINVAL;
		}
	}
	*count = total;
	return 0;
}

int nstk_cgparse_next_pid(const char *text, size_t len, size_t *pos, pid_t *pid)
{
	struct nstk_span line;
	uint64_t v;
	int r = next_line(text, len, pos, &line);
	if (r <= 0)
		return r;
	if ((r = parse_number(line, &v)) < 0)
		return -EINVAL;
	if (v > INT_MAX)
		return -EINVAL;
	*pid = (pid_t)v;
	return 1;
}
