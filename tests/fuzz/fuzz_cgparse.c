/*
 * fuzz_cgparse.c — libFuzzer harness for every cgroup file parser in
 * cgparse.h. The first byte picks the parser, the rest is the file's text,
 * so one corpus (tests/fuzz/corpus/cgparse: this machine's real files and
 * the fixtures', each behind its selector byte) covers them all. Each parser
 * must return 0 or -errno, and on success hand back values in range.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/cgparse.h"
#include "fuzz_input.h"

/* Numbers from a parser are at most INT64_MAX, or one of the two sentinels. */
static void in_range(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX && v != NSTK_CG_UNLIMITED && v != NSTK_CG_ABSENT)
		abort();
}

static void psi_in_range(const struct nstk_cg_psi_line *l)
{
	if (!(l->avg10 >= 0 && l->avg10 <= 1001) || !(l->avg60 >= 0 && l->avg60 <= 1001) ||
	    !(l->avg300 >= 0 && l->avg300 <= 1001))
		abort();
	in_range(l->total_usec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which;
	char *text;
	size_t len;
	if (!fuzz_input_split(data, size, &which, &text, &len))
		return 0;
	int r = 0;

	switch (which % 13) {
	case 0: {
		uint64_t v = 0;
		if ((r = nstk_cgparse_u64(text, len, &v)) == 0 && v > (uint64_t)INT64_MAX)
			abort();
		break;
	}
	case 1: {
		uint64_t v = 0;
		if ((r = nstk_cgparse_limit(text, len, &v)) == 0) {
			in_range(v);
			if (v >= NSTK_CG_V1_UNLIMITED_MIN && v != NSTK_CG_UNLIMITED)
				abort();
		}
		uint64_t q = 0;
		if (nstk_cgparse_cfs_quota(text, len, &q) == 0 && q == 0)
			abort();
		if (nstk_cgparse_cfs_period(text, len, &q) == 0 && q == 0)
			abort();
		break;
	}
	case 2: {
		struct nstk_cg_cpu_max m;
		if ((r = nstk_cgparse_cpu_max(text, len, &m)) == 0 && (m.period_usec == 0 || m.quota_usec == 0))
			abort();
		break;
	}
	case 3: {
		struct nstk_cg_cpu_stat s;
		if ((r = nstk_cgparse_cpu_stat(text, len, &s)) == 0) {
			in_range(s.usage_usec);
			in_range(s.throttled_usec);
			in_range(s.burst_usec);
		}
		break;
	}
	case 4: {
		uint64_t v;
		r = nstk_cgparse_memory_stat(text, len, "inactive_file", &v);
		if (r == 0)
			in_range(v);
		if (nstk_cgparse_memory_stat(text, len, "total_inactive_file", &v) == 0)
			in_range(v);
		break;
	}
	case 5: {
		struct nstk_cg_memory_events e;
		if ((r = nstk_cgparse_memory_events(text, len, &e)) == 0)
			in_range(e.oom_kill);
		break;
	}
	case 6: {
		struct nstk_cg_oom_control oc;
		if ((r = nstk_cgparse_oom_control(text, len, &oc)) == 0)
			in_range(oc.oom_kill);
		break;
	}
	case 7: {
		struct nstk_cg_io io;
		if ((r = nstk_cgparse_io_stat(text, len, &io)) == 0) {
			in_range(io.rbytes);
			in_range(io.wbytes);
		}
		break;
	}
	case 8: {
		struct nstk_cg_io io;
		if ((r = nstk_cgparse_blkio_bytes(text, len, &io)) == 0) {
			in_range(io.rbytes);
			in_range(io.wbytes);
		}
		break;
	}
	case 9: {
		struct nstk_cg_pressure p;
		if ((r = nstk_cgparse_pressure(text, len, &p)) == 0) {
			psi_in_range(&p.some);
			if (p.has_full)
				psi_in_range(&p.full);
		}
		break;
	}
	case 10: {
		uint64_t n;
		if ((r = nstk_cgparse_cpuset_count(text, len, &n)) == 0 && n > (uint64_t)NSTK_CG_MAX_CPU + 1)
			abort();
		break;
	}
	case 11: {
		static const char *const keys[] = { "nr_descendants", "nr_dying_descendants", "populated" };
		uint64_t v[3];
		if ((r = nstk_cgparse_flat_keyed(text, len, keys, 3, v)) == 0)
			for (int i = 0; i < 3; i++)
				in_range(v[i]);
		break;
	}
	case 12: {
		/* cgroup.procs: each PID 0..INT_MAX, the cursor always forward and inside. */
		size_t pos = 0, last = 0;
		pid_t pid;
		while ((r = nstk_cgparse_next_pid(text, len, &pos, &pid)) == 1) {
			if (pid < 0 || pos <= last || pos > len)
				abort();
			last = pos;
		}
		break;
	}
	}
	if (r > 0 || (r < 0 && r != -EINVAL && r != -ERANGE && r != -ENOENT))
		abort();
	free(text);
	return 0;
}
