/*
 * caps.h — what the caller may do, in the words an operator needs: which
 * capabilities an operation wants that the effective set lacks.
 */
#ifndef NSTK_CAPS_H
#define NSTK_CAPS_H

#include <stddef.h>

/*
 * Of the capabilities caps[0..n) (CAP_* numbers), write the names of those
 * missing from the caller's effective set into buf as "CAP_A, CAP_B".
 * Returns how many are missing, or -errno when the set cannot be read.
 */
int nstk_caps_missing(const int *caps, size_t n, char *buf, size_t size);

#endif
