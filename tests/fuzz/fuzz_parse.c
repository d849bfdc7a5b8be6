/*
 * fuzz_parse.c — libFuzzer harness for every pure parser of kernel text in
 * parse.h and netlink.h. The first byte picks the parser, the rest is the
 * text, so one corpus covers them all; each parser must return 0 or -errno
 * and, on success, hand back values that lie inside the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/netlink.h"
#include "nstk/ns.h"
#include "nstk/parse.h"
#include "fuzz_input.h"

static void inside(const char *p, size_t len, const char *buf, size_t size)
{
	if (len && (p < buf || p + len > buf + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which;
	char *text;
	size_t len;
	if (!fuzz_input_split(data, size, &which, &text, &len))
		return 0;

	switch (which % 11) {
	case 0: {
		enum nstk_ns_kind kind;
		uint64_t ino;
		if (nstk_parse_ns_link(text, len, &kind, &ino) == 0 && kind >= NSTK_NS_KIND_COUNT)
			abort();
		break;
	}
	case 1: {
		struct nstk_mountinfo_line m;
		if (nstk_parse_mountinfo_line(text, len, &m) == 0) {
			inside(m.root, m.root_len, text, len);
			inside(m.mount_point, m.mount_point_len, text, len);
			inside(m.fstype, m.fstype_len, text, len);
			inside(m.source, m.source_len, text, len);
			inside(m.super_options, m.super_options_len, text, len);
		}
		/* Unescaping never grows the text, stays inside out and ends it with
		 * a NUL; text without a backslash comes back as it was. The
		 * selector's high bits pick out's size, so small ones are tried. */
		static const size_t sizes[] = { 4096, 64, 8, 2, 1, 0 };
		size_t osize = sizes[(which / 10) % (sizeof(sizes) / sizeof(sizes[0]))];
		char *out = malloc(osize ? osize : 1);
		if (!out)
			break;
		ssize_t n = nstk_unescape_octal(text, len, out, osize);
		if (n >= 0) {
			if ((size_t)n >= osize || (size_t)n > len || out[n] != '\0')
				abort();
			if (!memchr(text, '\\', len) && ((size_t)n != len || memcmp(out, text, len) != 0))
				abort();
		} else if (n != -ENAMETOOLONG || len + 1 <= osize) {
			abort(); /* too long only when it does not fit */
		}
		free(out);
		break;
	}
	case 2: {
		struct nstk_id_range r[8];
		size_t n;
		if (nstk_parse_id_map(text, len, r, 8, &n) == 0 && n > 8)
			abort();
		break;
	}
	case 3: {
		struct nstk_time_offsets o;
		nstk_parse_timens_offsets(text, len, &o);
		break;
	}
	case 4: {
		pid_t p[8];
		size_t n;
		if (nstk_parse_status_nspid(text, len, p, 8, &n) == 0 && (n == 0 || n > 8))
			abort();
		pid_t tgid;
		if (nstk_parse_status_tgid(text, len, &tgid) == 0 && tgid <= 0)
			abort();
		uid_t uids[4];
		if (nstk_parse_status_uids(text, len, uids) == 0)
			for (size_t i = 0; i < 4; i++)
				if (uids[i] == (uid_t)-1)
					abort();
		break;
	}
	case 5: {
		struct nstk_overlay_layers l;
		if (nstk_parse_overlay_options(text, len, &l) == 0) {
			for (size_t i = 0; i < l.n_lower; i++)
				inside(l.lower[i].s, l.lower[i].len, text, len);
			inside(l.upper.s, l.upper.len, text, len);
			inside(l.work.s, l.work.len, text, len);
		}
		break;
	}
	case 6: {
		struct nstk_cgroup_line l;
		if (nstk_parse_cgroup_line(text, len, &l) == 0) {
			inside(l.controllers.s, l.controllers.len, text, len);
			inside(l.path.s, l.path.len, text, len);
		}
		break;
	}
	case 7: {
		uint64_t v;
		pid_t pid;
		nstk_parse_u64(text, len, &v);
		if (nstk_parse_pid(text, len, &pid) == 0 && pid <= 0)
			abort();
		break;
	}
	case 8: {
		/* Netlink messages are aligned structs: give them an aligned copy. */
		uint32_t *aligned = malloc(len + 4);
		if (!aligned)
			break;
		memcpy(aligned, text, len);
		struct nstk_netif l;
		if (nstk_nl_parse_link(aligned, len, &l) == 0 &&
		    (!memchr(l.name, 0, sizeof(l.name)) || !memchr(l.kind, 0, sizeof(l.kind))))
			abort();
		free(aligned);
		break;
	}
	case 9: {
		uint32_t *aligned = malloc(len + 4);
		if (!aligned)
			break;
		memcpy(aligned, text, len);
		struct nstk_netaddr a;
		if (nstk_nl_parse_addr(aligned, len, &a) == 0 && !memchr(a.text, 0, sizeof(a.text)))
			abort();
		free(aligned);
		break;
	}
	case 10: {
		struct nstk_proc_stat st;
		if (nstk_parse_proc_stat(text, len, &st) == 0) {
			if (st.ppid < 0 || st.state == ' ')
				abort();
			/* The comm lies inside the text, between "(" and ")". */
			inside(st.comm.s, st.comm.len, text, len);
			if (st.comm.s <= text || st.comm.s[-1] != '(' || st.comm.s + st.comm.len >= text + len ||
			    st.comm.s[st.comm.len] != ')')
				abort();
		}
		break;
	}
	}
	free(text);
	return 0;
}
