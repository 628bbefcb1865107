-- One row per entity_id: keys the warehouse already holds are not inserted again.
insert into entity_keys by name
select distinct entity_id, entity_key from gazetteer_mentions
anti join entity_keys using (entity_id)
