// SPDX-License-Identifier: GPL-2.0
/* A program's name, tag and owner from the kernel: bpf_obj_get_info_by_fd on the program
 * and on each of its maps. The name is the entry function's from the program's BTF (the
 * kernel's own name field keeps only 15 characters). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "host/bpf_attached.h"

/* Enough for any dataplane's program (Cilium's use about 30); more are not looked at. */
#define MAX_MAPS 64

/* The entry function's name: the first func_info record is the program's start. */
static bool btf_name(__u32 btf_id, __u32 func_type_id, char *buf, size_t size)
{
	struct btf *btf = btf__load_from_kernel_by_id(btf_id);
	const struct btf_type *t;
	const char *name = NULL;
	bool found;

	if (!btf)
		return false;
	t = btf__type_by_id(btf, func_type_id);
	if (t)
		name = btf__name_by_offset(btf, t->name_off);
	found = name && *name;
	if (found)
		snprintf(buf, size, "%s", name);
	btf__free(btf); /* name lies in it */
	return found;
}

static void map_name(__u32 id, char *buf, size_t size)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id);

	buf[0] = 0;
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(buf, size, "%s", info.name);
	close(fd);
}

static void owner_of(struct attached_prog *p, const __u32 *map_ids, int map_count)
{
	char names[MAX_MAPS][BPF_OBJ_NAME_LEN];
	const char *name_ptrs[MAX_MAPS];

	for (int i = 0; i < map_count; i++) {
		map_name(map_ids[i], names[i], sizeof(names[i]));
		name_ptrs[i] = names[i];
	}
	p->owner = attached__owner(p->name, name_ptrs, map_count);
}

/* Two calls: the first tells how many maps and functions there are, the second fills
 * the arrays (at most MAX_MAPS ids and the first function). */
static int prog_info(int fd, struct bpf_prog_info *info, __u32 *map_ids, int *map_count,
		     struct bpf_func_info *func)
{
	__u32 len = sizeof(*info), nr_maps, nr_funcs;
	int err;

	memset(info, 0, sizeof(*info));
	err = bpf_obj_get_info_by_fd(fd, info, &len);
	if (err)
		return err;
	nr_maps = info->nr_map_ids < MAX_MAPS ? info->nr_map_ids : MAX_MAPS;
	nr_funcs = info->nr_func_info ? 1 : 0;
	memset(info, 0, sizeof(*info));
	memset(func, 0, sizeof(*func));
	info->nr_map_ids = nr_maps;
	info->map_ids = (unsigned long)map_ids;
	info->nr_func_info = nr_funcs;
	info->func_info_rec_size = sizeof(*func);
	info->func_info = (unsigned long)func;
	len = sizeof(*info);
	err = bpf_obj_get_info_by_fd(fd, info, &len);
	/* The kernel writes back its own counts: what was copied is the smaller one. */
	*map_count = info->nr_map_ids < nr_maps ? info->nr_map_ids : nr_maps;
	if (!nr_funcs || !info->nr_func_info)
		memset(func, 0, sizeof(*func));
	return err;
}

int attached__describe(struct attached_prog *p)
{
	struct bpf_prog_info info;
	struct bpf_func_info func;
	__u32 map_ids[MAX_MAPS];
	int fd = bpf_prog_get_fd_by_id(p->id), map_count = 0, err;

	if (fd < 0)
		return -errno;
	err = prog_info(fd, &info, map_ids, &map_count, &func);
	close(fd);
	if (err)
		return err;
	p->has_btf = info.btf_id != 0;
	if (!p->has_btf || !func.type_id ||
	    !btf_name(info.btf_id, func.type_id, p->name, sizeof(p->name)))
		snprintf(p->name, sizeof(p->name), "%s", info.name);
	for (int i = 0; i < 8; i++)
		snprintf(p->tag + 2 * i, sizeof(p->tag) - 2 * i, "%02x", info.tag[i]);
	owner_of(p, map_ids, map_count);
	return 0;
}
