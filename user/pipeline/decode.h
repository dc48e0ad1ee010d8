/* SPDX-License-Identifier: GPL-2.0 */
/* Turning ring-buffer bytes into a checked hop event. */
#ifndef DECODE_H
#define DECODE_H

#include <stddef.h>
#include <linux/types.h>
#include "hoptrace.h"

/* Checks that size bytes at raw hold one hop event: the fixed part present, a known hook,
 * cap_len within the record. Copies the fixed part to out with its strings terminated and
 * a tuple of an unknown family cleared (HOP_F_TUPLE off), and points *data at the captured
 * bytes. Returns 0, or -EINVAL for a malformed record. */
int decode__event(const void *raw, size_t size, struct hop_event *out, const __u8 **data);

#endif /* DECODE_H */
