/*
 * caps.c — libcap, asked once per question. Names come from cap_to_name()
 * and are upper-cased so they read as in capabilities(7).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "nstk/caps.h"

int nstk_caps_missing(const int *caps, size_t n, char *buf, size_t size)
{
	cap_t have = cap_get_proc();
	if (!have)
		return -errno;
	int missing = 0;
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(have, (cap_value_t)caps[i], CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			continue;
		missing++;
		char *name = cap_to_name((cap_value_t)caps[i]);
		if (!name)
			continue;
		int w = snprintf(buf + used, size > used ? size - used : 0, "%s%s",
				 missing > 1 ? ", " : "", name);
		if (w > 0 && used + (size_t)w < size) {
			for (size_t k = used; k < used + (size_t)w; k++)
				buf[k] = (char)toupper((unsigned char)buf[k]);
			used += (size_t)w;
		}
		cap_free(name);
	}
	cap_free(have);
	return missing;
}
