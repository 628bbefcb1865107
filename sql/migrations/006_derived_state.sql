-- What the derived tables (gazetteer mentions, entity links, entities, aliases) were last computed from, so that a
-- run which changed none of it (an unchanged re-run, a feed with nothing new) need not compute them again.
create table derived_state (
    name varchar primary key,            -- what was derived: 'entities'
    fingerprint varchar not null,        -- sql/derived_fingerprint.sql right after it was derived
    derived_at timestamp with time zone not null
);
