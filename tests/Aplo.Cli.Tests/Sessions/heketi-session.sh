#!/bin/bash
# An operator's session written for heketi-cli (commands and flags as in heketi-cli 10.4). The tests run it
# unchanged with aplo standing in for heketi-cli: once line by line in-process, once in bash with the binary.
# HEKETI_CLI_SERVER, HEKETI_CLI_USER and HEKETI_CLI_KEY come from the environment, as in heketi-cli.
set -e

heketi-cli topology load --json=topology.json
heketi-cli topology load --json=topology.json
heketi-cli cluster list
CLUSTER=$(heketi-cli cluster list --json | jq -r '.clusters[0]')
heketi-cli cluster info $CLUSTER
heketi-cli cluster setflags --block=false --file=true $CLUSTER

heketi-cli node list
NODE=$(heketi-cli cluster info $CLUSTER --json | jq -r '.nodes[0]')
heketi-cli node info $NODE
heketi-cli node disable $NODE
heketi-cli node enable $NODE
heketi-cli node settags $NODE rack:r1 room:2
heketi-cli node rmtags $NODE room

DEVICE=$(heketi-cli node info $NODE --json | jq -r '.devices[0].id')
heketi-cli device info $DEVICE
heketi-cli device disable $DEVICE
heketi-cli device enable $DEVICE
heketi-cli device resync $DEVICE
heketi-cli device settags $DEVICE disk:ssd

heketi-cli volume create --size=10 --replica=3 --name=data
VOLUME=$(heketi-cli volume create --size=5 --durability=replicate --replica=3 --snapshot-factor=1.5 --gid=2001 --json | jq -r '.id')
heketi-cli volume create --size=2 --durability=none --gluster-volume-options="performance.rda-cache-limit 10MB" --clusters=$CLUSTER
heketi-cli volume list
heketi-cli volume info $VOLUME
heketi-cli volume expand --volume=$VOLUME --expand-size=5
heketi-cli volume create --size=1 --persistent-volume-file=pv.json
DOOMED=$(heketi-cli volume create --size=1 --json | jq -r '.id')
heketi-cli volume delete $DOOMED
heketi-cli --json volume info $VOLUME

heketi-cli topology info
heketi-cli server operations info
heketi-cli loglevel set debug
heketi-cli loglevel get
heketi-cli -s $HEKETI_CLI_SERVER --user admin --secret $HEKETI_CLI_KEY volume list
