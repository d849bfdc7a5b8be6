/*
 * fuzz_out.c — libFuzzer harness for how nstk shows text it took from the
 * kernel: command lines, cgroup and mount paths, host names, which any
 * process or container can fill with any bytes. The input (up to its first
 * NUL, as such text reaches out.c) must become a JSON string without fail
 * (valid UTF-8 kept as it is, every other byte as \xNN) and a table cell
 * without a raw control byte, and both renderers must succeed; the
 * terminal escaping (text.h) must leave nothing hidden and undo exactly. The first
 * byte picks the text options (raw, tree, noheadings).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/out.h"
#include "nstk/text.h"

static const struct nstk_out_column name_col = { "NAME", "the text", 0, NSTK_OUT_TRUNC };
static const struct nstk_out_column num_col = { "N", "a number", 0, NSTK_OUT_RIGHT };

static void check_json(const char *s)
{
	json_t *j = nstk_json_text(s);
	if (!j || !json_is_string(j))
		abort(); /* NULL means out of memory, and callers say so */
	const char *v = json_string_value(j);
	json_t *plain = json_string(s);
	if (plain && strcmp(v, s) != 0)
		abort(); /* valid UTF-8 is kept as it is */
	if (!plain && strlen(v) <= strlen(s))
		abort(); /* something was escaped, so it grew */
	json_decref(plain);
	/* What a reader gets back is the same string. */
	char *doc = json_dumps(j, JSON_ENCODE_ANY);
	json_t *back = doc ? json_loads(doc, JSON_DECODE_ANY, NULL) : NULL;
	if (!back || !json_equal(back, j))
		abort();
	json_decref(back);
	free(doc);
	json_decref(j);
}

static void check_table(const char *s, unsigned opts)
{
	const struct nstk_out_column *cols[] = { &num_col, &name_col };
	struct nstk_out_table *t = nstk_out_table_new(cols, 2);
	if (!t)
		return;
	/* A parent and a child, so tree mode draws lines. */
	struct nstk_out_row *parent = nstk_out_row_add(t);
	struct nstk_out_row *child = nstk_out_row_add(t);
	if (!parent || !child) {
		nstk_out_table_free(t);
		return;
	}
	child->parent = parent;
	nstk_out_set_u64(parent, 0, 1);
	nstk_out_set_u64(child, 0, 2);
	if (nstk_out_set_str(parent, 1, s) < 0 || nstk_out_set_str(child, 1, s) < 0) {
		nstk_out_table_free(t);
		return;
	}
	t->tree_column = 1;
	struct nstk_out_text_options o = {
		.raw = opts & 1, .tree = opts & 2, .noheadings = opts & 4, .notruncate = opts & 8,
	};
	char *text = NULL;
	if (nstk_out_render_text(t, &o, &text) != 0 || !text)
		abort();
	/* One line per row (and the header): a newline or an escape sequence in
	 * the text must not make lines of its own. */
	size_t lines = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n')
			lines++;
		else if (*p < 0x20 || *p == 0x7f)
			abort();
	}
	if (lines > (o.noheadings ? 2u : 3u))
		abort();
	free(text);

	json_t *rows = NULL;
	if (nstk_out_render_json(t, o.tree, &rows) != 0 || !json_is_array(rows))
		abort();
	char *doc = json_dumps(rows, 0);
	if (!doc)
		abort();
	free(doc);
	json_decref(rows);
	nstk_out_table_free(t);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The terminal rule: valid UTF-8 with nothing hidden, every \x an \xHH
 * escape, and undoing the escapes gives the input back. */
static void check_terminal_text(const char *s)
{
	char *safe = nstk_text_safe(s, -1);
	if (!safe)
		return;
	size_t len = strlen(safe), o = 0;
	char *back = malloc(len + 1);
	if (!back)
		abort();
	for (const unsigned char *p = (const unsigned char *)safe; *p;) {
		uint32_t cp;
		size_t n = nstk_utf8_sequence(p, &cp);
		if (n == 0 || nstk_text_hidden(cp))
			abort();
		if (*p == '\\' && p[1] == 'x') {
			int hi = hex_digit((char)p[2]), lo = hi < 0 ? -1 : hex_digit((char)p[3]);
			if (hi < 0 || lo < 0)
				abort();
			back[o++] = (char)(hi << 4 | lo);
			p += 4;
			continue;
		}
		memcpy(back + o, p, n);
		o += n;
		p += n;
	}
	back[o] = '\0';
	if (strcmp(back, s) != 0 || nstk_text_is_safe(s, -1) != (strcmp(safe, s) == 0))
		abort();
	free(back);
	free(safe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	check_json(s);
	check_terminal_text(s);
	check_table(s, data[0]);
	free(s);
	return 0;
}
