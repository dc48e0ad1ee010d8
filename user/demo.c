// SPDX-License-Identifier: GPL-2.0
#include "demo.h"
int demo__main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
