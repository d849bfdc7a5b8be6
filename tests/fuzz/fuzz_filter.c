/*
 * fuzz_filter.c — libFuzzer harness for the -Q/--filter language: any bytes
 * are an expression; it must parse or fail with a message, never crash,
 * overrun or leak, and a compiled filter must match rows of every cell type
 * (null, string, number, negative, non-numeric text) without trouble.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude \
 *         $(pkg-config --cflags jansson smartcols) \
 *         tests/fuzz/fuzz_filter.c lib/out/filter.c lib/base/util.c -o fuzz_filter
 *   ./fuzz_filter tests/fuzz/corpus/filter
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nstk/filter.h"

static const char *const columns[] = { "NS", "TYPE", "NPROCS", "PID", "COMMAND", "MEM%", "DELTA" };
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static const struct nstk_value rows[][NCOLUMNS] = {
	{
		{ .type = NSTK_VALUE_U64, .u64 = 4026531840 },
		{ .type = NSTK_VALUE_STR, .str = (char *)"net" },
		{ .type = NSTK_VALUE_U64, .u64 = 0 },
		{ .type = NSTK_VALUE_NULL },
		{ .type = NSTK_VALUE_NULL },
		{ .type = NSTK_VALUE_STR, .str = (char *)"12.5" },
		{ .type = NSTK_VALUE_I64, .i64 = INT64_MIN },
	},
	{
		{ .type = NSTK_VALUE_U64, .u64 = UINT64_MAX },
		{ .type = NSTK_VALUE_STR, .str = (char *)"" },
		{ .type = NSTK_VALUE_U64, .u64 = 2 },
		{ .type = NSTK_VALUE_I64, .i64 = -1 },
		{ .type = NSTK_VALUE_STR, .str = (char *)"sleep 1000" },
		{ .type = NSTK_VALUE_STR, .str = (char *)"-9223372036854775809" },
		{ .type = NSTK_VALUE_I64, .i64 = INT64_MAX },
	},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = malloc(size + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';

	struct nstk_filter *f = NULL;
	char err[128];
	int r = nstk_filter_parse(expr, columns, NCOLUMNS, &f, err, sizeof(err));
	if (r == 0) {
		bool used[NCOLUMNS] = { false };
		nstk_filter_columns_used(f, used);
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			int m = nstk_filter_match(f, rows[i]);
			if (m != 0 && m != 1)
				abort();
		}
		nstk_filter_free(f);
	} else if (f || !memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort(); /* a failure must leave no filter and say why */
	}
	free(expr);
	return 0;
}
