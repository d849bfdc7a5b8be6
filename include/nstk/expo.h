/*
 * expo.h — what every nstk tool that writes Prometheus's text exposition
 * format shares: label values escaped as the format wants, and the file
 * written so that node_exporter's textfile collector never reads half of it.
 */
#ifndef NSTK_EXPO_H
#define NSTK_EXPO_H

#include <stddef.h>
#include <stdio.h>

/* raw as a quoted label value: \, " and newline escaped; bytes that are not
 * UTF-8 become \xNN first (as in JSON: nstk_json_text). */
void nstk_expo_label_value(FILE *out, const char *raw);

/*
 * text into path: written to path.tmp.<pid> beside it, fsynced, renamed over
 * path, so a reader sees the old file or the new one whole. 0 or -errno (the
 * temporary file is removed then).
 */
int nstk_expo_write_atomic(const char *path, const char *text, size_t len);

#endif
