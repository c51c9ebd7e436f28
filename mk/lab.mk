# Local multi-node GlusterFS lab (User-Mode-Linux nodes in netns aplo-lab).
# Included from the top Makefile. See deploy/lab/README.md.
#   make lab-up [LAB_NODES=3] [LAB_DISKS=2] [LAB_DISK_SIZE=10G] [LAB_UP_FLAGS=--probe]
#   make lab-smoke   (brings the lab up first if needed)
#   make lab-down
LAB_NODES ?= 3
LAB_DISKS ?= 2
LAB_DISK_SIZE ?= 10G
LAB_UP_FLAGS ?=
LAB_SCRIPTS := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../deploy/lab)

.PHONY: lab-up lab-down lab-smoke

lab-up:
	$(LAB_SCRIPTS)/lab-up -n $(LAB_NODES) -d $(LAB_DISKS) -s $(LAB_DISK_SIZE) $(LAB_UP_FLAGS)

lab-down:
	$(LAB_SCRIPTS)/lab-down

lab-smoke: lab-up
	$(LAB_SCRIPTS)/lab-smoke
