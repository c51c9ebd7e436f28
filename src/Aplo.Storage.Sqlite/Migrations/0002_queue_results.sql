-- Finished operations whose result a client has not read yet, so /queue/{id} answers the same after a restart.
CREATE TABLE queue_results (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;
