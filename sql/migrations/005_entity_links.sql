-- Cross-article linking of short forms (issue 4): "Netanyahu" in an article that never writes the full name is
-- Benjamin Netanyahu when he is the only person of that surname in the warehouse.

-- The entity the mention's own article gives it: its own key, or the longer name in the same article it links
-- to. Loaded once and never changed; `entity_id` is this, or the full name `entity_links` takes it to, set by
-- the entity refresh at the end of every run.
alter table entity_mentions add column article_entity_id varchar;
update entity_mentions set article_entity_id = entity_id;

-- Derived from all mentions at the end of every run: a short form (a surname, or the end of a longer name) and
-- the one full name of the same type in the warehouse that ends with it.
create table entity_links (
    entity_id varchar primary key,       -- the short form's entity (entity_keys.entity_id)
    linked_entity_id varchar not null,   -- the full name's entity
    reason varchar not null              -- 'only_full_name', or 'nested_full_names' (all of them part of one name: "tayyip erdogan", "recep tayyip erdogan")
);
