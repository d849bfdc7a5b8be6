/*
 * test_out.c — the result model: column lists as -o takes them, JSON built
 * with jansson (types, nulls, nesting), text through libsmartcols.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/out.h"

static const struct nstk_out_column all[] = {
	{ "NS", "id", 10, NSTK_OUT_RIGHT },
	{ "TYPE", "kind", 5, 0 },
	{ "COMMAND", "cmd", 0, NSTK_OUT_TRUNC },
};

static void column_list_plain_and_appended(void **state)
{
	(void)state;
	int ids[8] = { 0, 1 };
	size_t n = 2;
	char bad[16];

	assert_int_equal(nstk_out_columns_parse(all, 3, "command,Ns", ids, 8, &n, bad, sizeof(bad)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 0);

	assert_int_equal(nstk_out_columns_parse(all, 3, "+TYPE", ids, 8, &n, bad, sizeof(bad)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[2], 1);
}

static void column_list_errors(void **state)
{
	(void)state;
	int ids[2];
	size_t n = 0;
	char bad[16];

	assert_int_equal(nstk_out_columns_parse(all, 3, "NS,BOGUS,TYPE", ids, 2, &n, bad, sizeof(bad)),
			 -EINVAL);
	assert_string_equal(bad, "BOGUS");
	assert_int_equal(n, 0);
	assert_int_equal(nstk_out_columns_parse(all, 3, "NS,", ids, 2, &n, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "");
	assert_int_equal(nstk_out_columns_parse(all, 3, "N", ids, 2, &n, bad, sizeof(bad)), -EINVAL);
	assert_int_equal(nstk_out_columns_parse(all, 3, "NS,NS,NS", ids, 2, &n, bad, sizeof(bad)), -E2BIG);
}

static struct nstk_out_table *three_rows(void)
{
	const struct nstk_out_column *cols[] = { &all[0], &all[1], &all[2] };
	struct nstk_out_table *t = nstk_out_table_new(cols, 3);
	assert_non_null(t);
	for (int i = 0; i < 3; i++) {
		struct nstk_out_row *row = nstk_out_row_add(t);
		assert_non_null(row);
		nstk_out_set_u64(row, 0, 4026531840u + (unsigned)i);
		assert_int_equal(nstk_out_set_str(row, 1, i == 2 ? "user" : "net"), 0);
		if (i != 1)
			assert_int_equal(nstk_out_set_str(row, 2, "sleep 1000"), 0);
	}
	return t;
}

static void json_types_and_nulls(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	json_t *a;
	assert_int_equal(nstk_out_render_json(t, false, &a), 0);
	assert_int_equal(json_array_size(a), 3);
	json_t *row1 = json_array_get(a, 1);
	assert_true(json_is_integer(json_object_get(row1, "ns")));
	assert_int_equal(json_integer_value(json_object_get(row1, "ns")), 4026531841);
	assert_string_equal(json_string_value(json_object_get(row1, "type")), "net");
	/* No value is null, not "" and not 0. */
	assert_true(json_is_null(json_object_get(row1, "command")));
	assert_null(json_object_get(row1, "children"));
	json_decref(a);
	nstk_out_table_free(t);
}

static void json_nests_children_under_parents_given_later(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	/* Rows 0 and 1 under row 2: a parent that comes after its children. */
	t->rows[0]->parent = t->rows[2];
	t->rows[1]->parent = t->rows[2];
	json_t *a;
	assert_int_equal(nstk_out_render_json(t, true, &a), 0);
	assert_int_equal(json_array_size(a), 1);
	json_t *kids = json_object_get(json_array_get(a, 0), "children");
	assert_int_equal(json_array_size(kids), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(kids, 0), "ns")), 4026531840);
	json_decref(a);

	/* Without tree mode the same rows stay flat. */
	assert_int_equal(nstk_out_render_json(t, false, &a), 0);
	assert_int_equal(json_array_size(a), 3);
	json_decref(a);
	nstk_out_table_free(t);
}

static void a_parent_cycle_loses_no_row(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	t->rows[0]->parent = t->rows[1];
	t->rows[1]->parent = t->rows[0];
	json_t *a;
	assert_int_equal(nstk_out_render_json(t, true, &a), 0);
	/* Row 2 is a root; the cycle is cut at its first row: 0 with child 1. */
	assert_int_equal(json_array_size(a), 2);
	char *text = NULL;
	struct nstk_out_text_options o = { .raw = true, .tree = true };
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	size_t lines = 0;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3); /* header + 3 rows, the last without '\n' */
	free(text);
	json_decref(a);
	nstk_out_table_free(t);
}

static void raw_text_and_noheadings(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	char *text = NULL;
	struct nstk_out_text_options o = { .raw = true, .noheadings = true };
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	assert_string_equal(text, "4026531840 net sleep\\x201000\n"
				  "4026531841 net \n"
				  "4026531842 user sleep\\x201000");
	free(text);
	nstk_out_table_free(t);
}

static void keep_rows_rehangs_children_of_dropped_rows(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	/* 0 under 1 under 2; drop 1: 0 hangs from 2. */
	t->rows[0]->parent = t->rows[1];
	t->rows[1]->parent = t->rows[2];
	bool keep[3] = { true, false, true };
	nstk_out_table_keep_rows(t, keep);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->rows[0]->cells[0].u64, 4026531840u);
	assert_ptr_equal(t->rows[0]->parent, t->rows[1]);
	assert_int_equal(t->rows[1]->index, 1);
	assert_null(t->rows[1]->parent);
	/* Drop the only ancestor: a root. */
	bool keep2[2] = { true, false };
	nstk_out_table_keep_rows(t, keep2);
	assert_int_equal(t->nrows, 1);
	assert_null(t->rows[0]->parent);
	nstk_out_table_free(t);
}

static void dropped_columns_leave_json(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	nstk_out_table_drop_columns_from(t, 1);
	json_t *a;
	assert_int_equal(nstk_out_render_json(t, false, &a), 0);
	assert_int_equal(json_object_size(json_array_get(a, 0)), 1);
	assert_non_null(json_object_get(json_array_get(a, 0), "ns"));
	json_decref(a);
	nstk_out_table_free(t);
}

static void a_note_is_text_only(void **state)
{
	(void)state;
	struct nstk_out_table *t = three_rows();
	assert_int_equal(nstk_out_set_note(t->rows[1], 2, "(no process: ancestor)"), 0);
	json_t *a;
	assert_int_equal(nstk_out_render_json(t, false, &a), 0);
	assert_true(json_is_null(json_object_get(json_array_get(a, 1), "command")));
	json_decref(a);
	/* A table with headings shows it; --raw and --noheadings (for scripts)
	 * print the empty cell lsns prints. */
	char *text;
	struct nstk_out_text_options o = { 0 };
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	assert_non_null(strstr(text, "(no process: ancestor)"));
	free(text);
	o = (struct nstk_out_text_options){ .raw = true };
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	assert_null(strstr(text, "(no"));
	free(text);
	o = (struct nstk_out_text_options){ .noheadings = true };
	assert_int_equal(nstk_out_render_text(t, &o, &text), 0);
	assert_null(strstr(text, "(no"));
	free(text);
	nstk_out_table_free(t);
}

/* An NSTK_OUT_LINES cell: TEXT rendered with options o. */
static char *render_lines(const char *a, const char *b, struct nstk_out_text_options o)
{
	static const struct nstk_out_column lines = { "NSFS", "paths", 0, NSTK_OUT_WRAP | NSTK_OUT_LINES };
	const struct nstk_out_column *cols[] = { &lines };
	struct nstk_out_table *t = nstk_out_table_new(cols, 1);
	assert_non_null(t);
	struct nstk_out_row *row = nstk_out_row_add(t);
	char text[128];
	snprintf(text, sizeof(text), "%s%c%s", a, NSTK_OUT_ITEM_SEP, b);
	assert_int_equal(nstk_out_set_str(row, 0, text), 0);
	char *out;
	assert_int_equal(nstk_out_render_text(t, &o, &out), 0);
	nstk_out_table_free(t);
	return out;
}

static void lines_one_per_line_joined_when_an_item_has_a_newline(void **state)
{
	(void)state;
	char *s = render_lines("/run/netns/a", "/b", (struct nstk_out_text_options){ .noheadings = true });
	assert_string_equal(s, "/run/netns/a\n/b");
	free(s);
	s = render_lines("/run/netns/a", "/b", (struct nstk_out_text_options){ .noheadings = true, .nowrap = true });
	assert_string_equal(s, "/run/netns/a,/b");
	free(s);
	/* A newline of its own: no line of the output may pass for a path. */
	s = render_lines("/x\n/evil", "/b", (struct nstk_out_text_options){ .noheadings = true });
	assert_string_equal(s, "/x\\x0a/evil,/b");
	free(s);
}

static void json_text_escapes_what_is_not_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain /run/netns/x", "plain /run/netns/x" },
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7", "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7" },
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "a\xc3", "a\\xc3" },			 /* cut short */
		{ "\xc0\xaf", "\\xc0\\xaf" },		 /* overlong '/' */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },	 /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* past U+10FFFF */
		{ "new\nline", "new\nline" },		 /* JSON escapes it itself */
		/* Bytes 0xf5..0xff lead nothing, even before continuation bytes
		 * (fuzz_out found "\xfe\x9d\x80", which a hostile argv could hold:
		 * it made nstk_json_text return NULL and nsls -J fail). */
		{ "\xff\xfe\x9d\x80", "\\xff\\xfe\\x9d\\x80" },
		{ "x\xf8\x80\x80y", "x\\xf8\\x80\\x80y" },
		{ "\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = nstk_json_text(cases[i].in);
		assert_non_null(j);
		assert_string_equal(json_string_value(j), cases[i].out);
		json_decref(j);
	}
	json_t *n = nstk_json_text_or_null(NULL);
	assert_true(json_is_null(n));
	json_decref(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(column_list_plain_and_appended),
		cmocka_unit_test(column_list_errors),
		cmocka_unit_test(json_types_and_nulls),
		cmocka_unit_test(json_nests_children_under_parents_given_later),
		cmocka_unit_test(a_parent_cycle_loses_no_row),
		cmocka_unit_test(raw_text_and_noheadings),
		cmocka_unit_test(keep_rows_rehangs_children_of_dropped_rows),
		cmocka_unit_test(dropped_columns_leave_json),
		cmocka_unit_test(json_text_escapes_what_is_not_utf8),
		cmocka_unit_test(a_note_is_text_only),
		cmocka_unit_test(lines_one_per_line_joined_when_an_item_has_a_newline),
	};
	return cmocka_run_group_tests_name("out", tests, NULL, NULL);
}
