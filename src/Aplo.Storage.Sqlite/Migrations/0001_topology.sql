-- One row per entity. The columns that relations and recovery query are real columns; the rest of the
-- entity is a JSON document so that adding a field does not need a migration (docs/adr/0002).
CREATE TABLE clusters (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE nodes (
    id         TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX nodes_cluster ON nodes (cluster_id);

CREATE TABLE devices (
    id      TEXT PRIMARY KEY,
    node_id TEXT NOT NULL,
    data    TEXT NOT NULL
) STRICT;
CREATE INDEX devices_node ON devices (node_id);

CREATE TABLE volumes (
    id         TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX volumes_cluster ON volumes (cluster_id);

CREATE TABLE bricks (
    id        TEXT PRIMARY KEY,
    volume_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    data      TEXT NOT NULL
) STRICT;
CREATE INDEX bricks_volume ON bricks (volume_id);
CREATE INDEX bricks_device ON bricks (device_id);

CREATE TABLE pending_operations (
    id   TEXT PRIMARY KEY,
    type INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE attributes (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
