/*
 * test_text.c — the one escaping rule for terminals: what is kept as it is
 * (printable ASCII, letters and symbols of any script), what becomes \xHH
 * (controls, bidi controls, zero-width characters, "\\x", bytes of
 * invalid UTF-8), and the one byte a caller keeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nstk/text.h"

static void check(const char *in, int keep, const char *want)
{
	char *got = nstk_text_safe(in, keep);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(nstk_text_is_safe(in, keep), strcmp(in, want) == 0);
	free(got);
}

static void printable_text_is_kept(void **state)
{
	(void)state;
	check("", -1, "");
	check("sleep 1000", -1, "sleep 1000");
	check("caf\xc3\xa9 \xe2\x88\x9e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3", -1,
	      "caf\xc3\xa9 \xe2\x88\x9e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3");
}

static void controls_and_backslashes_are_escaped(void **state)
{
	(void)state;
	check("a\x1b[31mb", -1, "a\\x1b[31mb");
	check("tab\there\nnl\x7f", -1, "tab\\x09here\\x0anl\\x7f");
	check("back\\x41", -1, "back\\x5cx41");
	/* Only before an x, as libsmartcols: "\n" stays two characters. */
	check("a\\nb\\", -1, "a\\nb\\");
	/* C1: U+009B is a CSI on terminals that take 8-bit controls. */
	check("\xc2\x9b" "2J", -1, "\\xc2\\x9b2J");
}

static void bidi_and_invisible_characters_are_escaped(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE: "evil\u202etxt.exe" reads "evilexe.txt". */
	check("evil\xe2\x80\xaetxt.exe", -1, "evil\\xe2\\x80\\xaetxt.exe");
	check("zw\xe2\x80\x8bsp", -1, "zw\\xe2\\x80\\x8bsp");		  /* U+200B */
	check("\xe2\x81\xa6x\xe2\x81\xa9", -1, "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9"); /* U+2066, U+2069 */
	check("\xef\xbb\xbf" "bom", -1, "\\xef\\xbb\\xbf" "bom");		  /* U+FEFF */
	check("soft\xc2\xadhyphen", -1, "soft\\xc2\\xadhyphen");		  /* U+00AD */
	check("line\xe2\x80\xa8sep", -1, "line\\xe2\\x80\\xa8sep");	  /* U+2028 */
	check("tag\xf3\xa0\x80\x81", -1, "tag\\xf3\\xa0\\x80\\x81");	  /* U+E0001 */
	/* Neighbours of the ranges stay. */
	check("\xe2\x80\x90", -1, "\xe2\x80\x90"); /* U+2010 HYPHEN */
	check("\xe2\x80\xaf", -1, "\xe2\x80\xaf"); /* U+202F NARROW NO-BREAK SPACE */
}

static void invalid_utf8_is_escaped_byte_by_byte(void **state)
{
	(void)state;
	check("bad\xff\xfe", -1, "bad\\xff\\xfe");
	check("x\xf8\x80\x80y", -1, "x\\xf8\\x80\\x80y");
	check("\xc0\xaf", -1, "\\xc0\\xaf");	       /* overlong '/' */
	check("\xed\xa0\x80", -1, "\\xed\\xa0\\x80"); /* a surrogate */
	check("cut\xe2\x80", -1, "cut\\xe2\\x80");    /* a sequence the NUL ends */
}

static void the_kept_byte_stays(void **state)
{
	(void)state;
	check("a\x1e" "b\x1b", 0x1e, "a\x1e" "b\\x1b");
	check("a\x1e" "b", -1, "a\\x1e" "b");
}

static void code_points_decode(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(nstk_utf8_sequence((const unsigned char *)"A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(nstk_utf8_sequence((const unsigned char *)"\xc3\xa9", &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(nstk_utf8_sequence((const unsigned char *)"\xe2\x80\xae", &cp), 3);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(nstk_utf8_sequence((const unsigned char *)"\xf0\x9f\x90\xb3", &cp), 4);
	assert_int_equal(cp, 0x1f433);
	assert_int_equal(nstk_utf8_sequence((const unsigned char *)"\xf4\x90\x80\x80", &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_text_is_kept),
		cmocka_unit_test(controls_and_backslashes_are_escaped),
		cmocka_unit_test(bidi_and_invisible_characters_are_escaped),
		cmocka_unit_test(invalid_utf8_is_escaped_byte_by_byte),
		cmocka_unit_test(the_kept_byte_stays),
		cmocka_unit_test(code_points_decode),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
